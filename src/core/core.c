/*
 * core.c - status names, error formatting, checked aligned allocation and
 * the monotonic clock.
 */
#include "core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

void *ns__alloc_aligned(size_t n, size_t size) {
    int ok;
    size_t bytes = ns__mul_size(n, size, &ok);
    if (!ok) return NULL;
    if (bytes == 0) bytes = 64;
    bytes = (bytes + 63) & ~(size_t)63;
    void *p = NULL;
    if (posix_memalign(&p, 64, bytes) != 0) return NULL;
    memset(p, 0, bytes);
    return p;
}

void ns__free_aligned(void *p) { free(p); }

double ns__now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
