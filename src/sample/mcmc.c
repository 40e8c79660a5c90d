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
    const double *pn = c->noise->p;
    double p = c->mix * pn[y];
    if (c->mix < 1) {
        int64_t d = c->off ? c->off[x + 1] - c->off[x] : 0;
        p += (1 - c->mix) * (d ? (is_neighbour(c, x, y) ? 1.0 / (double)d : 0.0) : pn[y]);
    }
    return p;
}

int32_t ns__mcmc_step(const ns__mcmc *c, ns_rng *rng, int32_t x, double *sx, const ns__mcmc_target *t) {
    const double *pn = c->noise->p;
    int32_t y;
    int64_t d = c->off ? c->off[x + 1] - c->off[x] : 0;
    if (c->mix >= 1 || d == 0 || ns__rng_float(rng) < (float)c->mix) y = ns__alias_draw(&c->noise->alias, rng);
    else y = c->adj[c->off[x] + (int64_t)ns__rng_below(rng, (uint32_t)d)];
    if (y == x || !(pn[y] > 0)) return x;
    double sy = t->score(t->ctx, y);
    /* log of pi(y) q(x|y) / (pi(x) q(y|x)), pi = Pn e^(alpha s) */
    double r = c->alpha * (sy - *sx);
    if (c->mix < 1) /* with independent proposals from Pn alone, Pn cancels */
        r += log(pn[y] * proposal(c, y, x)) - log(pn[x] * proposal(c, x, y));
    if (r >= 0 || (double)(ns__rng_next(rng) >> 11) * 0x1p-53 < exp(r)) {
        *sx = sy;
        return y;
    }
    return x;
}

int ns__mcmc_draw(const ns__mcmc *c, ns_rng *rng, int32_t *state, const ns__mcmc_target *t, int k, int tries,
                  int32_t *out) {
    int32_t x = *state >= 0 ? *state : ns__alias_draw(&c->noise->alias, rng);
    double s = t->score(t->ctx, x); /* the anchor is new: so is the state's score */
    int n = 0;
    for (int j = 0; j < k; j++)
        for (int tr = 0; tr < tries; tr++) {
            x = ns__mcmc_step(c, rng, x, &s, t);
            if (!t->excluded || !t->excluded(t->ctx, x)) {
                out[n++] = x;
                break;
            }
        }
    *state = x;
    return n;
}
