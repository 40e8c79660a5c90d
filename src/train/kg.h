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

#endif
