/*
 * kg.h (train) - pieces of the knowledge-graph trainer that the tests check
 * directly.
 */
#ifndef NS_TRAIN_KG_H
#define NS_TRAIN_KG_H

#include "negsamp.h"

/* Weights of a positive's negatives from their z (masked ones -inf):
 * softmax(a z) over the unmasked (a = 0: uniform), 0 for masked; they sum to
 * 1 unless all are masked. */
void ns__kg_neg_weights(const float *z, int k, float a, float *w);

/* The trainer's forward and backward pass for positives pos[0..c) of
 * `train` corrupted on `side` (0: tails, 1: heads) against the negatives
 * neg[0..o->neg), with the loss scaled by `scale`: adds the gradients to
 * the dense arrays gE (entities x row length) and gR (relations x relation
 * row length) and returns the unscaled loss sum (the penalty not
 * included). NS_ENOMEM is returned as NAN. */
double ns__kg_chunk_grad(ns_kg *m, const ns_triples *train, const ns_kg_opts *o, const int32_t *pos, int c,
                         int side, const int32_t *neg, float scale, float *gE, float *gR);

#define NS_KG_ADAM_B1 0.9f
#define NS_KG_ADAM_B2 0.999f
/* Adam's step m1 / sqrt(m2) never exceeds (1 - b1) / sqrt((1 - b2)(1 -
 * b1^2 / b2)) = 7.27 in exact arithmetic (Cauchy-Schwarz over the two
 * moving averages); the updates clamp it at this bound, which no correct
 * step reaches. Hogwild threads can read a row's moments torn (the new m1
 * of another thread's update with the old m2, 0 for a row's first update),
 * and m1 / eps would then move a value by thousands: 9 of 200 runs with 4
 * threads on 2 cores blew an entity up to 1e4 before the clamp. */
#define NS_KG_ADAM_MAX_RATIO 8.0f

/* The default learning rate (lr NS_AUTO): Adam moves a coordinate by about lr a
 * step whatever the gradient's scale, so the default is set against the
 * rows' scale, their init range (gamma + 2) / dim: range x min(CAP,
 * BUDGET / steps). BUDGET is the RotatE paper's WN18RR run (lr 5e-5 over
 * 80,000 steps at range 8/500), whose lr it gives back at its steps; CAP
 * bounds a step at 4% of the range, which short runs on small graphs reach
 * (a 60-entity ring, dim 32: 100 steps at 0.01). Adagrad: 0.1. */
#define NS_KG_LR_BUDGET 250.0
#define NS_KG_LR_CAP 0.04
#define NS_KG_ADAGRAD_LR 0.1

/* The steps and the learning rate of a run of o over n_train triples. */
int64_t ns__kg_steps(const ns_kg_opts *o, int64_t n_train);
double ns__kg_lr(const ns_kg_opts *o, int64_t n_train);

/* A step's update rule: Adam's learning rate and epsilon with the step's
 * bias corrections folded in, or Adagrad's; `ahead` is
 * sum_(j >= this step) lr_j q^(j - this step + 1), q = b1 / sqrt(b2). */
typedef struct ns__kg_rule {
    float lr, eps;
    double ahead;
} ns__kg_rule;

/* Fills `ahead` of rules[from..total] from their lr; rules[total] is the
 * end (lr 0). */
void ns__kg_rules_ahead(ns__kg_rule *rules, int64_t from, int64_t total);

/* Adam's updates of steps a..s-1 (a < s <= total) on a row of n values
 * whose gradient was zero in all of them, as dense Adam takes them: the
 * moments decay (m1 b1^(s-a), m2 b2^(s-a)) and x moves along the decaying
 * m1, x -= sum_k lr_(a+k-1) b1^k m1 / (b2^(k/2) sqrt(m2) + eps), k = 1..s-a,
 * computed as one factor a row, ahead_a - q^(s-a) ahead_s (eps taken out of
 * the decay), the ratio m1 / (sqrt(m2) + eps) clamped at
 * NS_KG_ADAM_MAX_RATIO. */
void ns__kg_adam_skip(const ns__kg_rule *rules, int64_t a, int64_t s, float *x, float *m1, float *m2, int n);

#endif
