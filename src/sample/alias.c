/*
 * alias.c - Vose's alias table and the noise and subsampling formulas; see
 * sample.h.
 */
#include "sample.h"

#include <math.h>
#include <stdlib.h>

/* Probability p in [0, 1] as a 32-bit threshold; 1 maps to UINT32_MAX, whose
 * one-in-2^32 miss goes to the cell's alias, which is then itself. */
static uint32_t to_threshold(double p) {
    if (p >= 1.0) return UINT32_MAX;
    if (p <= 0.0) return 0;
    return (uint32_t)(p * 4294967296.0);
}

void ns__alias_fill(ns_alias_cell *cells, const double *w, int32_t n, double sum, double *p, int32_t *small,
                    int32_t *large) {
    int32_t ns = 0, nl = 0;
    for (int32_t i = 0; i < n; i++) {
        p[i] = w[i] * n / sum; /* mean 1 */
        if (p[i] < 1.0) small[ns++] = i;
        else large[nl++] = i;
    }
    /* Pair each under-full cell with an over-full one; the over-full one
     * gives away (1 - p_small) and is re-filed by what it has left. */
    while (ns && nl) {
        int32_t s = small[--ns], l = large[nl - 1];
        cells[s] = (ns_alias_cell){to_threshold(p[s]), l};
        p[l] -= 1.0 - p[s];
        if (p[l] < 1.0) {
            nl--;
            small[ns++] = l;
        }
    }
    /* What remains is full up to rounding. */
    while (nl) {
        int32_t l = large[--nl];
        cells[l] = (ns_alias_cell){UINT32_MAX, l};
    }
    int32_t any = 0;
    while (w[any] == 0) any++;
    while (ns) {
        int32_t s = small[--ns];
        cells[s] = w[s] > 0 ? (ns_alias_cell){UINT32_MAX, s} : (ns_alias_cell){0, any};
    }
}

ns_status ns__alias_init(ns_alias *a, const double *w, int32_t n, ns_error *err) {
    a->cells = NULL;
    a->n = 0;
    if (n <= 0) return ns__fail(err, NS_EINVAL, "a distribution over no items");
    double sum = 0;
    for (int32_t i = 0; i < n; i++) {
        if (!(w[i] >= 0) || isinf(w[i])) return ns__fail(err, NS_EINVAL, "weight %d is %g, not finite and >= 0", i, w[i]);
        sum += w[i];
    }
    if (!(sum > 0)) return ns__fail(err, NS_EINVAL, "a distribution with no positive weight");
    double *p = malloc((size_t)n * sizeof *p);
    int32_t *small = malloc((size_t)n * sizeof *small), *large = malloc((size_t)n * sizeof *large);
    a->cells = malloc((size_t)n * sizeof *a->cells);
    if (!p || !small || !large || !a->cells) {
        free(p), free(small), free(large), free(a->cells);
        a->cells = NULL;
        return ns__nomem(err, "an alias table", (double)n * (sizeof *p + 2 * sizeof *small + sizeof *a->cells));
    }
    ns__alias_fill(a->cells, w, n, sum, p, small, large);
    a->n = (uint32_t)n;
    free(p), free(small), free(large);
    return NS_OK;
}

void ns__alias_destroy(ns_alias *a) {
    free(a->cells);
    a->cells = NULL;
    a->n = 0;
}

double ns__noise_weight(int64_t count, double alpha) {
    return count > 0 ? pow((double)count, alpha) : 0.0;
}

double ns__sample_threshold(double t, int64_t total) {
    if (t != NS_AUTO) return t;
    double small = total > 0 ? NS_SAMPLE_AUTO_COUNT / (double)total : 1.0;
    return small > 1e-4 ? small : 1e-4;
}

double ns__keep_prob(int64_t count, int64_t total, double t) {
    if (t <= 0 || count <= 0) return 1.0;
    double tn = t * (double)total, f = (double)count;
    double p = (sqrt(f / tn) + 1.0) * tn / f;
    return p < 1.0 ? p : 1.0;
}
