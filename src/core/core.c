/*
 * core.c - status names, error formatting, checked aligned allocation and
 * the monotonic clock.
 */
#define _DEFAULT_SOURCE /* madvise */
#include "core.h"
#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

const char *ns_status_str(ns_status s) {
    switch (s) {
    case NS_OK: return "ok";
    case NS_EINVAL: return "invalid argument";
    case NS_ENOMEM: return "out of memory";
    case NS_EIO: return "input/output error";
    case NS_EFORMAT: return "malformed input";
    case NS_EEMPTY: return "nothing to work on";
    case NS_ECANCELED: return "canceled";
    case NS_EDIVERGED: return "training diverged";
    }
    return "unknown status";
}

ns_status ns__fail(ns_error *err, ns_status s, const char *fmt, ...) {
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return s;
}

ns_status ns__nomem(ns_error *err, const char *what, double bytes) {
    static const char *const unit[] = {"bytes", "KB", "MB", "GB", "TB", "PB", "EB"};
    int u = 0;
    double x = bytes;
    while (x >= 1024 && u < 6) x /= 1024, u++;
    if (u == 0) return ns__fail(err, NS_ENOMEM, "out of memory allocating %s (%.0f bytes)", what, bytes);
    return ns__fail(err, NS_ENOMEM, "out of memory allocating %s (%.1f %s)", what, x, unit[u]);
}

static void *checked(void *p, size_t n, size_t size, const char *what, ns_error *err) {
    if (!p) ns__nomem(err, what, (double)n * (double)size);
    return p;
}

void *ns__malloc(size_t n, size_t size, const char *what, ns_error *err) {
    int ok;
    size_t bytes = ns__mul_size(n, size, &ok);
    return checked(ok ? malloc(bytes ? bytes : 1) : NULL, n, size, what, err);
}

void *ns__calloc(size_t n, size_t size, const char *what, ns_error *err) {
    return checked(calloc(n ? n : 1, size ? size : 1), n, size, what, err);
}

void *ns__aligned(size_t n, size_t size, const char *what, ns_error *err) {
    return checked(ns__alloc_aligned(n, size), n, size, what, err);
}

size_t ns__mul_size(size_t n, size_t size, int *ok) {
    if (size != 0 && n > SIZE_MAX / size) {
        *ok = 0;
        return 0;
    }
    *ok = 1;
    return n * size;
}

int ns__grow(void **a, int64_t *cap, int64_t need, size_t size) {
    if (need <= *cap) return 1;
    int64_t c = *cap ? *cap * 2 : 1024;
    while (c < need) c *= 2;
    int ok;
    size_t bytes = ns__mul_size((size_t)c, size, &ok);
    void *b = ok ? realloc(*a, bytes) : NULL;
    if (!b) return 0;
    *a = b, *cap = c;
    return 1;
}

/* Tables of this size or more are asked to sit on 2 MiB pages: their rows
 * are read at random, and with 4 KiB pages nearly every row of a table of
 * hundreds of MB (the n-gram buckets) costs a TLB miss. */
#define HUGE_FROM ((size_t)8 << 20)
#define HUGE_PAGE ((size_t)2 << 20)

void *ns__alloc_aligned(size_t n, size_t size) {
    int ok;
    size_t bytes = ns__mul_size(n, size, &ok);
    if (!ok) return NULL;
    if (bytes == 0) bytes = 64;
    int huge = bytes >= HUGE_FROM;
    size_t align = huge ? HUGE_PAGE : 64;
    if (bytes > SIZE_MAX - align) return NULL;
    bytes = (bytes + align - 1) & ~(align - 1);
    void *p = NULL;
    if (posix_memalign(&p, align, bytes) != 0) return NULL;
#ifdef MADV_HUGEPAGE
    if (huge) madvise(p, bytes, MADV_HUGEPAGE); /* advice only: 4 KiB pages if refused */
#endif
    memset(p, 0, bytes);
    return p;
}

void ns__free_aligned(void *p) { free(p); }

double ns__now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void ns__run_state_free(ns__run_state *r) {
    if (!r) return;
    free(r->w);
    memset(r, 0, sizeof *r);
}

ns_status ns__run_state_copy(ns__run_state *dst, const ns__run_state *src, ns_error *err) {
    if (dst == src) return NS_OK;
    ns__wstate *w = NULL;
    if (src->threads > 0 && !(w = ns__malloc((size_t)src->threads, sizeof *w, "the workers' places", err)))
        return NS_ENOMEM;
    if (w) memcpy(w, src->w, (size_t)src->threads * sizeof *w);
    free(dst->w);
    *dst = *src;
    dst->w = w;
    return NS_OK;
}

void ns__shuffle(int64_t *a, int64_t n, ns_rng *rng) {
    for (int64_t i = n - 1; i > 0; i--) {
        int64_t j = (int64_t)(ns__rng_next(rng) % (uint64_t)(i + 1));
        int64_t tmp = a[i];
        a[i] = a[j], a[j] = tmp;
    }
}
