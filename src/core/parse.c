/*
 * parse.c - see parse.h.
 */
#include "parse.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

char *ns__field(char **p, char sep) {
    char *s = *p;
    if (!s) return NULL;
    if (!sep) {
        while (*s == ' ' || *s == '\t') s++;
        if (!*s) return *p = NULL;
    }
    char *e = s;
    while (*e && (sep ? *e != sep : *e != ' ' && *e != '\t')) e++;
    /* With sep, a separator at the very end leaves an empty last field:
     * *p then points at the terminating NUL, which the next call returns. */
    if (*e) *e++ = '\0', *p = e;
    else *p = NULL;
    return s;
}

int ns__fields(char *line, char sep, char **f, int max) {
    int n = 0;
    char *p = line, *x;
    while ((x = ns__field(&p, sep))) {
        if (n < max) f[n] = x;
        n++;
    }
    return n;
}

int ns__parse_double(const char *s, double *out) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno == ERANGE || !isfinite(v)) return 0;
    *out = v;
    return 1;
}

int ns__parse_int(const char *s, int64_t min, int64_t max, int64_t *out) {
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s || *end || errno == ERANGE || v < min || v > max) return 0;
    *out = v;
    return 1;
}
