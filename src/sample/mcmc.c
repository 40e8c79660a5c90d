/*
 * mcmc.c - negatives drawn by a Metropolis-Hastings chain whose target
 * follows the model's scores (Yang et al., KDD 2020: negatives distributed
 * as the positive distribution raised to a power alpha < 1). See sample.h.
 */
#include "sample.h"

#include <math.h>

/* Whether y is among x's neighbours (sorted). */
static int is_neighbour(const ns__mcmc *c, int32_t x, int32_t y) {
    int64_t lo = c->off[x], hi = c->off[x + 1];
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (c->adj[mid] < y) lo = mid + 1;
        else hi = mid;
    }
    return lo < c->off[x + 1] && c->adj[lo] == y;
}

/* q(y | x): mix Pn(y) + (1 - mix) (a uniform neighbour of x; Pn when x has
 * none). */
static double proposal(const ns__mcmc *c, int32_t x, int32_t y) {
    double p = c->mix * c->pn[y];
    if (c->mix < 1) {
        int64_t d = c->off ? c->off[x + 1] - c->off[x] : 0;
        p += (1 - c->mix) * (d ? (is_neighbour(c, x, y) ? 1.0 / (double)d : 0.0) : c->pn[y]);
    }
    return p;
}

int32_t ns__mcmc_step(const ns__mcmc *c, ns_rng *rng, int32_t x, double *sx,
                      double (*score)(const void *ctx, int32_t y), const void *ctx) {
    int32_t y;
    int64_t d = c->off ? c->off[x + 1] - c->off[x] : 0;
    if (c->mix >= 1 || d == 0 || ns__rng_float(rng) < (float)c->mix) y = ns__alias_draw(c->noise, rng);
    else y = c->adj[c->off[x] + (int64_t)ns__rng_below(rng, (uint32_t)d)];
    if (y == x || !(c->pn[y] > 0)) return x;
    double sy = score(ctx, y);
    /* log of pi(y) q(x|y) / (pi(x) q(y|x)), pi = Pn e^(alpha s) */
    double r = c->alpha * (sy - *sx);
    if (c->mix < 1) /* with independent proposals from Pn alone, Pn cancels */
        r += log(c->pn[y] * proposal(c, y, x)) - log(c->pn[x] * proposal(c, x, y));
    if (r >= 0 || (double)(ns__rng_next(rng) >> 11) * 0x1p-53 < exp(r)) {
        *sx = sy;
        return y;
    }
    return x;
}
