/*
 * softmax.c - softmax cross-entropy over each row of logits, the true class
 * in column 0 (sampled softmax: the positive and its k negatives):
 *   L = -log p_0,  p_j = exp(s_j) / sum_l exp(s_l)  = logsumexp(s) - s_0
 *   dL/ds_j = p_j - [j = 0]
 * With s_j = u.v - log(k Q(y_j)) (the caller's shift) the sampled softmax is
 * an unbiased estimate of the full one's gradient as k grows (Jean et al.
 * 2015; Bengio & Senecal 2008).
 */
#include "loss.h"

#include "fastmath.h"

#include <math.h>

double ns__loss_softmax(float *s, float *g, int nrows, int n) {
    double total = 0.0;
    for (int i = 0; i < nrows; i++) {
        float *si = s + (long)i * n, *gi = g + (long)i * n;
        float mx = si[0];
        for (int j = 1; j < n; j++) mx = si[j] > mx ? si[j] : mx;
        float z = 0.0f;
        for (int j = 0; j < n; j++) z += gi[j] = ns__exp_neg(si[j] - mx);
        float inv = 1.0f / z;
        total += (double)logf(z) + mx - si[0];
        for (int j = 0; j < n; j++) gi[j] = gi[j] * inv - (j == 0);
    }
    return total;
}
