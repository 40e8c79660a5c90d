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

/* One item from the noise that is not a training positive of user u
 * (16 tries), or -1. */
int32_t ns__rec_draw(const ns_noise *nz, ns_rng *rng, const ns_inter *x, int32_t u);

/* A negative for user row `urow` of u: the highest-scored (u . v + bias) of
 * `dns` draws of ns__rec_draw (ties: the first drawn), or -1 if none. */
int32_t ns__rec_negative(const ns_noise *nz, ns_rng *rng, const ns_inter *x, const ns_model *m,
                         const ns_kernels *k, int32_t u, const float *urow, int dns);

#endif
