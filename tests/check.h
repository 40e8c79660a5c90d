/*
 * check.h - minimal test assertions: print both values and file:line on
 * failure, count failures; a test's main returns check_exit().
 */
#ifndef NS_CHECK_H
#define NS_CHECK_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_failures = 0;

#define CHECK(cond)                                                              \
    do {                                                                         \
        if (!(cond)) {                                                           \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
            check_failures++;                                                    \
        }                                                                        \
    } while (0)

#define CHECK_EQ(a, b)                                                                      \
    do {                                                                                    \
        long long va_ = (long long)(a), vb_ = (long long)(b);                               \
        if (va_ != vb_) {                                                                   \
            fprintf(stderr, "%s:%d: CHECK_EQ failed: %s = %lld, %s = %lld\n", __FILE__,      \
                    __LINE__, #a, va_, #b, vb_);                                            \
            check_failures++;                                                               \
        }                                                                                   \
    } while (0)

#define CHECK_NEAR(a, b, tol)                                                                \
    do {                                                                                     \
        double va_ = (double)(a), vb_ = (double)(b);                                         \
        if (!(fabs(va_ - vb_) <= (tol))) {                                                   \
            fprintf(stderr, "%s:%d: CHECK_NEAR failed: %s = %.9g, %s = %.9g (tol %g)\n",      \
                    __FILE__, __LINE__, #a, va_, #b, vb_, (double)(tol));                    \
            check_failures++;                                                                \
        }                                                                                    \
    } while (0)

#define CHECK_CONTAINS(hay, needle)                                                          \
    do {                                                                                     \
        if (!strstr((hay), (needle))) {                                                      \
            fprintf(stderr, "%s:%d: CHECK_CONTAINS failed: \"%s\" lacks \"%s\"\n", __FILE__,  \
                    __LINE__, (hay), (needle));                                              \
            check_failures++;                                                                \
        }                                                                                    \
    } while (0)

static inline int check_exit(const char *name) {
    if (check_failures) fprintf(stderr, "%s: %d check(s) failed\n", name, check_failures);
    else printf("%s: all checks passed\n", name);
    return check_failures ? 1 : 0;
}

/* A path in the test's scratch directory (NS_TEST_TMP or /tmp). */
static inline const char *tmp_path(const char *name) {
    static char buf[8][4096];
    static int next = 0;
    const char *dir = getenv("NS_TEST_TMP");
    char *b = buf[next++ % 8];
    snprintf(b, 4096, "%s/%s", dir ? dir : "/tmp", name);
    return b;
}

static inline void write_file(const char *path, const char *text, size_t len) {
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        exit(1);
    }
    fwrite(text, 1, len, f);
    fclose(f);
}

#endif
