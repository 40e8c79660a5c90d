/*
 * model.h - the model's layout, shared by the trainer and the file code.
 *
 * Two tables of `rows` vectors: `in` (the word/anchor vectors users export)
 * and `out` (the output side that positives and negatives are scored
 * against). Each row starts on a 64-byte boundary (stride = dim rounded up to
 * 16 floats); kernels run over klen = dim rounded up to 8 floats, whose
 * padding is zero and stays zero.
 */
#ifndef NS_MODEL_H
#define NS_MODEL_H

#include "negsamp.h"
#include "kernels/kernels.h"

struct ns_model {
    ns_vocab *vocab;
    ns_train_opts opts;
    int32_t dim, klen, stride;
    int32_t rows;
    float *in, *out;
};

static inline float *ns__in_row(const ns_model *m, int32_t id) {
    return m->in + (size_t)id * (size_t)m->stride;
}
static inline float *ns__out_row(const ns_model *m, int32_t id) {
    return m->out + (size_t)id * (size_t)m->stride;
}

/* An empty model of `rows` zero rows for `vocab` (taken over, not copied). */
ns_status ns__model_alloc(ns_model **out, ns_vocab *vocab, int32_t dim);

/* The block update at the heart of every trainer (HogBatch-style: the inputs
 * A share the outputs B, e.g. all context words of a window share the centre
 * word and its negatives). Column 0 of B is the positive, the others are
 * negatives (labels y[0..nb) = 1, 0, ..., 0 for the logistic losses):
 *   S = A B^T - shift (per column; shift may be NULL for none),
 *   G = -lr * dL/dS (loss: SGNS/NCE logistic, or softmax over each row),
 *   dA = G B   (written to dA, not applied: the caller decides where it goes),
 *   B += G^T A (applied, from the old A).
 * S and G hold na * nb floats, dA na rows of klen floats. Returns the loss. */
double ns__block_update(const ns_kernels *k, ns_loss loss, float *const *A, int na,
                        float *const *B, int nb, const float *y, const float *shift, float lr,
                        int klen, float *S, float *G, float *const *dA);

#endif
