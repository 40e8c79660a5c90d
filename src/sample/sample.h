/*
 * sample.h - drawing negatives and thinning frequent tokens.
 *
 * Alias method (Walker 1977, Vose 1991): n cells, each holding a threshold
 * and an alias. A draw picks a cell uniformly and returns the cell's own
 * index if a uniform number is below its threshold, the alias otherwise:
 * O(1) per draw, 8 bytes per outcome, exact up to 32-bit rounding of the
 * thresholds.
 *
 * Noise weights: w_i = count_i^alpha (alpha = 0 uniform, 1 unigram).
 * Subsampling (word2vec): keep a token of frequency f = count / total with
 * p = (sqrt(f / t) + 1) * t / f, capped at 1.
 * Window shrinking (word2vec): the effective window is uniform in 1..window.
 */
#ifndef NS_SAMPLE_H
#define NS_SAMPLE_H

#include "core/core.h"

typedef struct ns_alias_cell {
    uint32_t threshold; /* keep own index if (rand32 < threshold); 2^32-1 ~ always */
    int32_t alias;
} ns_alias_cell;

typedef struct ns_alias {
    ns_alias_cell *cells;
    uint32_t n;
} ns_alias;

/* Builds the table for non-negative weights with a positive sum (NS_EINVAL
 * otherwise, with a message). */
ns_status ns__alias_init(ns_alias *a, const double *w, int32_t n, ns_error *err);
void ns__alias_destroy(ns_alias *a);
/* The table of n weights (checked, sum > 0) into cells[0..n), with scratch
 * p, small and large of n each: for tables the caller packs (a graph's
 * per-node tables, indices local to the node). */
void ns__alias_fill(ns_alias_cell *cells, const double *w, int32_t n, double sum, double *p, int32_t *small,
                    int32_t *large);
/* A draw from cells[0..n) (n >= 1). */
static inline int32_t ns__alias_draw_cells(const ns_alias_cell *cells, uint32_t n, ns_rng *r) {
    uint64_t x = ns__rng_next(r);
    uint32_t cell = (uint32_t)(((x >> 32) * (uint64_t)n) >> 32);
    return (uint32_t)x < cells[cell].threshold ? (int32_t)cell : cells[cell].alias;
}


static inline int32_t ns__alias_draw(const ns_alias *a, ns_rng *r) {
    return ns__alias_draw_cells(a->cells, a->n, r);
}

/* count^alpha (a count of 0 gives 0: an unseen word is never drawn). */
double ns__noise_weight(int64_t count, double alpha);

/* The noise distribution of a training run. */
typedef struct ns_noise {
    ns_alias alias;
    float *shift; /* per word log(k Pn(w)) for NCE and sampled softmax, else NULL */
    double *p;    /* per word Pn(w) for MCMC negatives (o->negatives), else NULL */
} ns_noise;

/* From o->noise_weights when set, else count^o->ns_exponent. */
ns_status ns__noise_build(ns_noise *nz, const ns_vocab *v, const ns_train_opts *o, ns_error *err);
void ns__noise_destroy(ns_noise *nz);
/* Draws up to k ids, none in exclude[0..n_exclude) (8 tries each, then that
 * negative is dropped), into out; returns how many. */
int ns__noise_draw(const ns_noise *nz, ns_rng *r, int k, const int32_t *exclude, int n_exclude,
                   int32_t *out);

/* Negatives from a Metropolis-Hastings chain (MCMC negatives): for an
 * anchor a, the target is pi(y) ~ Pn(y) exp(alpha s(a, y)), the noise
 * distribution tilted towards what the model scores high (with Pn = p(y)
 * and alpha < 1 Yang et al.'s positive distribution p(y) e^s raised to
 * alpha). The proposal is a mixture: with probability mix a draw from Pn,
 * else a uniform neighbour of the current state (states with neighbours
 * sorted in off/adj; NULL: none, mix taken as 1); the Hastings ratio makes
 * pi exact for any mix. */
typedef struct ns__mcmc {
    const ns_noise *noise; /* Pn (noise->p) and draws from it */
    const int64_t *off;    /* neighbourhoods, or NULL */
    const int32_t *adj;
    double alpha, mix;
} ns__mcmc;

/* The chain of a run with options o over its noise (built with o, so that
 * it holds Pn) and neighbourhoods off/adj (may be NULL). */
static inline ns__mcmc ns__mcmc_of(const ns_noise *nz, const ns_train_opts *o, const int64_t *off, const int32_t *adj) {
    return (ns__mcmc){nz, off, adj, o->mcmc_alpha, off ? o->mcmc_mix : 1.0};
}

/* What a chain draws for: score(ctx, y) = s(a, y) for the anchor a, and
 * (may be NULL) which states may not be negatives. */
typedef struct ns__mcmc_target {
    double (*score)(const void *ctx, int32_t y);
    int (*excluded)(const void *ctx, int32_t y);
    const void *ctx;
} ns__mcmc_target;

/* One step from state x, whose score is *sx: the next state (x again when
 * the proposal is refused), its score in *sx. */
int32_t ns__mcmc_step(const ns__mcmc *c, ns_rng *rng, int32_t x, double *sx, const ns__mcmc_target *t);

/* Up to k negatives for the target's anchor: the chain's states from
 * *state on (-1: start from a draw from Pn), one step each; an excluded
 * state is stepped past, `tries` steps at most, then that negative is
 * dropped. *state ends at the last state, for the next anchor to carry
 * on from. Returns how many. */
int ns__mcmc_draw(const ns__mcmc *c, ns_rng *rng, int32_t *state, const ns__mcmc_target *t, int k, int tries,
                  int32_t *out);

/* Keep probability of a word with `count` out of `total` for threshold t
 * (t <= 0: always 1). */
double ns__keep_prob(int64_t count, int64_t total, double t);

/* The threshold of a run over `total` tokens for the option value t:
 * NS_AUTO gives max(1e-4, NS_SAMPLE_AUTO_COUNT / total), fastText's 1e-4
 * from 10M tokens on, word2vec's 1e-3 at 1M, and on a small corpus one
 * under which only words of more than a few percent of it are thinned
 * (1e-4 keeps 18% of a 64,000-token corpus of 300 words, too few to
 * learn from in 5 epochs). */
#define NS_SAMPLE_AUTO_COUNT 1000.0
double ns__sample_threshold(double t, int64_t total);

/* A keep probability as a threshold on 32 random bits. */
static inline uint32_t ns__keep_threshold(double p) {
    return p >= 1.0 ? UINT32_MAX : p <= 0.0 ? 0u : (uint32_t)(p * 4294967296.0);
}

static inline int ns__keep_draw(ns_rng *r, uint32_t threshold) {
    return (uint32_t)ns__rng_next(r) < threshold;
}

/* word2vec's shrunk window: uniform in 1..window. */
static inline int ns__window_draw(ns_rng *r, int window) {
    return 1 + (int)ns__rng_below(r, (uint32_t)window);
}

/* The probability that a context at distance d (1..window) falls inside the
 * shrunk window: how often training sees that pair, per occurrence. */
static inline double ns__window_weight(int window, int64_t d) {
    return (double)(window - d + 1) / window;
}

#endif
