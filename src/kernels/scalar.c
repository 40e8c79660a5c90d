/*
 * scalar.c - the reference kernels; every SIMD variant is tested against
 * these. Plain loops, no intrinsics.
 */
#include "kernels.h"

NS_HOGWILD static float dot_scalar(const float *a, const float *b, int n) {
    float s = 0.0f;
    for (int k = 0; k < n; k++) s += a[k] * b[k];
    return s;
}

NS_HOGWILD static void scores_scalar(const float *const *a, int na, const float *const *b, int nb, int n,
                          float *s) {
    for (int i = 0; i < na; i++)
        for (int j = 0; j < nb; j++) s[i * nb + j] = dot_scalar(a[i], b[j], n);
}

NS_HOGWILD static void gemm_acc_scalar(float *const *y, int ny, const float *const *x, int nx,
                            const float *g, int gy, int gx, int n) {
    for (int r = 0; r < ny; r++)
        for (int c = 0; c < nx; c++) {
            float w = g[r * gy + c * gx];
            for (int k = 0; k < n; k++) y[r][k] += w * x[c][k];
        }
}

#include "dist_impl.h"

const ns_kernels ns__kernels_scalar = {"scalar", dot_scalar, scores_scalar, gemm_acc_scalar, dist_scores_impl, dist_grad_impl};
