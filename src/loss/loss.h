/*
 * loss.h - losses over scores and their gradients with respect to the
 * scores. A trainer computes scores s = u . v, asks a loss for g = dL/ds,
 * and moves each vector by -lr * sum g * (the other vector).
 *
 * Logistic loss (SGNS): for label y in {0, 1},
 *   L(s, 1) = -log sigma(s)  = softplus(-s),   dL/ds = sigma(s) - 1
 *   L(s, 0) = -log sigma(-s) = softplus(s),    dL/ds = sigma(s)
 * so a positive with k negatives costs -log s(pos) - sum_j log s(-neg_j).
 *
 * NCE (Gutmann & Hyvarinen; Mnih & Teh) is the same logistic loss on shifted
 * scores s - log(k Pn(y)); the shift is applied by the caller (model.c).
 */
#ifndef NS_LOSS_H
#define NS_LOSS_H

/* n scores s[t] with labels g[t] (0 or 1) on entry: on return g[t] holds
 * dL/ds[t] and s[t] the loss of that entry; returns their sum. Accurate to
 * about 1e-7 relative (polynomial exp and log). */
double ns__loss_logistic(float *s, float *g, int n);

/* Softmax cross-entropy per row (nrows rows of n logits, row i's true class
 * in column pos[i], or column 0 when pos is NULL): writes g = dL/ds (any
 * input in g is ignored), returns the loss summed over rows. */
double ns__loss_softmax(float *s, float *g, int nrows, int n, const int *pos);

/* Pairwise ranking losses per row (row i's positive in column pos[i], or 0
 * when pos is NULL, against every other column): BPR (warp = 0), or WARP's
 * margin-1 hinge weighted by w (warp = 1). Writes g = dL/ds, returns the
 * loss summed over rows. */
double ns__loss_pairwise(float *s, float *g, int nrows, int n, const int *pos, int warp, float w);

/* The functions behind the logistic loss, exposed for the tests. */
float ns__sigmoid(float x);
float ns__softplus(float x);

#endif
