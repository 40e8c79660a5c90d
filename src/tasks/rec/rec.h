/*
 * rec.h - the recommender's layout and the negative draws of its trainer,
 * shared by the trainer, the evaluation and the model file.
 */
#ifndef NS_REC_H
#define NS_REC_H

#include "negsamp.h"

#include "tasks/rec/inter.h"
#include "kernels/kernels.h"
#include "model/model.h"
#include "sample/sample.h"

struct ns_rec {
    ns_model *m;          /* MF (task REC): users in, items out; item2vec: items */
    ns_inter *train, *test;
    float *unit;          /* item2vec: unit item vectors, items x m->stride */
};

/* Whether the model is item2vec (word2vec over item sequences). */
static inline int ns__rec_is_item2vec(const ns_rec *r) { return r->m->opts.task != NS_TASK_REC; }

/* item2vec: r->unit from the model's input vectors. */
ns_status ns__rec_prepare(ns_rec *r, ns_error *err);

/* The training positives of x as a bitset, bit u * items + i, where it
 * takes at most NS_REC_KNOWN_MAX_BYTES; bits NULL otherwise (or out of
 * memory: the binary search in x serves then). */
#define NS_REC_KNOWN_MAX_BYTES (64u << 20)
typedef struct ns__rec_known {
    uint64_t *bits;
    int64_t items;
} ns__rec_known;
ns__rec_known ns__rec_known_build(const ns_inter *x);

/* One item from the noise that is not a training positive of user u
 * (16 tries), or -1; `known` (may be NULL) is x's ns__rec_known_build. */
int32_t ns__rec_draw(const ns_noise *nz, ns_rng *rng, const ns_inter *x, const ns__rec_known *known, int32_t u);

/* `neg` negatives for user row `urow` of u into out: each the
 * highest-scored (u . v + bias) of `dns` draws of ns__rec_draw (ties: the
 * first drawn), the draws of all of them scored in one call. Returns how
 * many (fewer where a negative's draws all failed). */
int ns__rec_negatives(const ns_noise *nz, ns_rng *rng, const ns_inter *x, const ns__rec_known *known,
                      const ns_model *m, const ns_kernels *k, int32_t u, const float *urow, int neg, int dns,
                      int32_t *out);

#endif
