/*
 * pairwise.c - ranking losses over each row of scores, the positive in
 * column p and every other column a negative j (see loss.h):
 *   BPR:  L = sum_j softplus(s_j - s_p)            = -sum_j log s(s_p - s_j)
 *         dL/ds_j = s(s_j - s_p),  dL/ds_p = -sum_j s(s_j - s_p)
 *   WARP: L = w sum_j max(0, 1 - s_p + s_j)        (hinge, margin 1)
 *         dL/ds_j = w [1 - s_p + s_j > 0],  dL/ds_p = -sum_j dL/ds_j
 */
#include "loss.h"

#include "fastmath.h"

double ns__loss_pairwise(float *s, float *g, int nrows, int n, const int *pos, int warp, float w) {
    double total = 0.0;
    for (int i = 0; i < nrows; i++) {
        float *si = s + (long)i * n, *gi = g + (long)i * n;
        int p = pos ? pos[i] : 0;
        float gp = 0.0f;
        for (int j = 0; j < n; j++) {
            if (j == p) continue;
            float d = si[j] - si[p];
            if (warp) {
                int on = 1.0f + d > 0.0f;
                total += on ? (double)w * (1.0f + d) : 0.0;
                gi[j] = on ? w : 0.0f;
            } else {
                float l;
                gi[j] = ns__sigmoid_log1pe(d, &l);
                total += (d > 0 ? d : 0.0f) + l; /* softplus(d) */
            }
            gp -= gi[j];
        }
        gi[p] = gp;
    }
    return total;
}
