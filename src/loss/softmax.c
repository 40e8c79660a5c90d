/*
 * softmax.c - softmax cross-entropy over each row of logits, the true class
 * in column p (sampled softmax: the positive and its k negatives, p = 0;
 * full softmax: every word, p = the positive's id; InfoNCE: the batch's
 * positives, p = the row):
 *   L = -log p_p,  p_j = exp(s_j) / sum_l exp(s_l)  = logsumexp(s) - s_p
 *   dL/ds_j = p_j - [j = p]
 * With s_j = u.v - log(k Q(y_j)) (the caller's shift) the sampled softmax is
 * an unbiased estimate of the full one's gradient as k grows (Jean et al.
 * 2015; Bengio & Senecal 2008).
 */
#include "loss.h"

#include "fastmath.h"

#include <math.h>

double ns__loss_softmax(float *s, float *g, int nrows, int n, const int *pos) {
    double total = 0.0;
    for (int i = 0; i < nrows; i++) {
        float *si = s + (long)i * n, *gi = g + (long)i * n;
        int p = pos ? pos[i] : 0;
        float mx = si[0];
        for (int j = 1; j < n; j++) mx = si[j] > mx ? si[j] : mx;
        float z = 0.0f;
        for (int j = 0; j < n; j++) z += gi[j] = ns__exp_neg(si[j] - mx);
        float inv = 1.0f / z;
        total += (double)logf(z) + mx - si[p];
        for (int j = 0; j < n; j++) gi[j] = gi[j] * inv - (j == p);
    }
    return total;
}
