/*
 * core.h - internal helpers shared by every module: error messages, checked
 * aligned allocation, the random number generator and the monotonic clock.
 * Nothing here depends on another part of src/.
 */
#ifndef NS_CORE_H
#define NS_CORE_H

#include "negsamp.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Formats a message into err (if non-NULL) and returns `s`, so that a
 * failure path reads `return ns__fail(err, NS_EFORMAT, "%s:%lld: ...", ...)`. */
ns_status ns__fail(ns_error *err, ns_status s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* NS_ENOMEM with "out of memory allocating WHAT (SIZE)" in err. */
ns_status ns__nomem(ns_error *err, const char *what, double bytes);

/* Empties err (if non-NULL): every public call does so on entry, so that a
 * message in it always belongs to the last call. */
static inline void ns__err_clear(ns_error *err) {
    if (err) err->msg[0] = '\0';
}

/* malloc / calloc / ns__alloc_aligned of n elements of `size` bytes that
 * report failure as ns__nomem does (NULL then; n * size is overflow
 * checked). */
void *ns__malloc(size_t n, size_t size, const char *what, ns_error *err);
void *ns__calloc(size_t n, size_t size, const char *what, ns_error *err);
void *ns__aligned(size_t n, size_t size, const char *what, ns_error *err);

/* 64-byte aligned, zeroed allocation of n * size bytes; NULL on overflow or
 * failure. Free with ns__free_aligned. */
void *ns__alloc_aligned(size_t n, size_t size);
void ns__free_aligned(void *p);
/* n * size with overflow check: 0 and *ok = 0 on overflow. */
size_t ns__mul_size(size_t n, size_t size, int *ok);

/* Makes the array *a (*cap elements of `size` bytes; may be NULL) hold at
 * least `need` elements, doubling from 1024. Returns 0 when out of memory,
 * leaving the array and *cap as they were. */
int ns__grow(void **a, int64_t *cap, int64_t need, size_t size);

/* Seconds from a monotonic clock. */
double ns__now(void);

/* splitmix64: a 64-bit state advanced by a Weyl increment and finalised by a
 * bijective mixer. Period 2^64, one generator per thread (no shared state). */
typedef struct ns_rng {
    uint64_t state;
} ns_rng;

static inline uint64_t ns__mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Independent streams: the state depends on both seed and stream number. */
static inline void ns__rng_seed(ns_rng *r, uint64_t seed, uint64_t stream) {
    r->state = ns__mix64(seed ^ ns__mix64(stream + 0x632be59bd9b4e019ULL));
}

static inline uint64_t ns__rng_next(ns_rng *r) {
    r->state += 0x9e3779b97f4a7c15ULL;
    return ns__mix64(r->state);
}

/* Uniform integer in [0, n) by multiply-shift on the high 32 bits
 * (n < 2^32; bias below 2^-32 * n, negligible for sampling). */
static inline uint32_t ns__rng_below(ns_rng *r, uint32_t n) {
    return (uint32_t)(((ns__rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* A uniform random permutation of a[0..n) (Fisher-Yates). */
void ns__shuffle(int64_t *a, int64_t n, ns_rng *rng);

/* Uniform float in [0, 1) with 24 random bits. */
static inline float ns__rng_float(ns_rng *r) {
    return (float)(ns__rng_next(r) >> 40) * (1.0f / 16777216.0f);
}

#endif
