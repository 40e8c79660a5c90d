/*
 * dist_impl.h - the distance kernels of the knowledge-graph scorers, as
 * plain C that the compiler vectorises. scalar.c, avx2.c and avx512.c each
 * include it, so one source is built for each instruction set (with
 * -fno-math-errno, so that sqrtf becomes a vector instruction) and every
 * variant adds in the same order: 16 partial sums over k mod 16 (two AVX2
 * registers, so two independent addition chains), combined pairwise at
 * the end. Rows have n floats, n a multiple of 16 (CL1: of 32;
 * the real parts in [0, n/2), the imaginary parts in [n/2, n)). Pairs are
 * visited in blocks of DIST_BLOCK B rows, so that a block stays in cache
 * while every A row passes over it. avx2.c and avx512.c replace CL1, whose
 * square roots and divisions bound its speed, by intrinsics with a refined
 * reciprocal square root.
 *
 *   L1:  d = sum_k |a_k - b_k|
 *   L2:  d = sqrt(sum_k (a_k - b_k)^2)
 *   CL1: d = sum_k |a_k - b_k| over complex a_k = a[k] + i a[k + n/2]
 *
 * dist_grad adds g_ij * dd_ij/da_i to ga_i and g_ij * dd_ij/db_j
 * (= -dd_ij/da_i) to gb_j; L2 divides by d_ij from dist_scores, CL1 by each
 * modulus (plus 1e-30, so that equal rows give 0, not NaN).
 */
#include <math.h>

#define DIST_LANES 16

/* Pairwise: lanes l and l + 8, then 0..7 as a tree. */
static float dist_reduce(const float acc[DIST_LANES]) {
    float a[8];
    for (int l = 0; l < 8; l++) a[l] = acc[l] + acc[l + 8];
    return ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
}

NS_HOGWILD static float dist_one(const float *a, const float *b, int n, int metric) {
    float acc[DIST_LANES] = {0};
    if (metric == NS_DIST_CL1) {
        int h = n / 2;
        for (int k = 0; k < h; k += DIST_LANES)
            for (int l = 0; l < DIST_LANES; l++) {
                float x = a[k + l] - b[k + l], y = a[h + k + l] - b[h + k + l];
                acc[l] += sqrtf(x * x + y * y);
            }
        return dist_reduce(acc);
    }
    if (metric == NS_DIST_L1) {
        for (int k = 0; k < n; k += DIST_LANES)
            for (int l = 0; l < DIST_LANES; l++) acc[l] += fabsf(a[k + l] - b[k + l]);
        return dist_reduce(acc);
    }
    for (int k = 0; k < n; k += DIST_LANES)
        for (int l = 0; l < DIST_LANES; l++) {
            float x = a[k + l] - b[k + l];
            acc[l] += x * x;
        }
    return sqrtf(dist_reduce(acc));
}

#define DIST_BLOCK 16

NS_HOGWILD static void dist_scores_impl(const float *const *a, int na, const float *const *b, int nb, int n, int metric,
                             float *s) {
    for (int j0 = 0; j0 < nb; j0 += DIST_BLOCK)
        for (int i = 0; i < na; i++)
            for (int j = j0; j < nb && j < j0 + DIST_BLOCK; j++) s[i * nb + j] = dist_one(a[i], b[j], n, metric);
}

NS_HOGWILD static void dist_grad_pair(float *restrict ga, const float *restrict a, float *restrict gb, const float *restrict b,
                           float g, float d, int n, int metric) {
    if (metric == NS_DIST_CL1) {
        int h = n / 2;
        for (int k = 0; k < h; k++) {
            float x = a[k] - b[k], y = a[h + k] - b[h + k];
            float c = g / (sqrtf(x * x + y * y) + 1e-30f);
            ga[k] += c * x, ga[h + k] += c * y;
            gb[k] -= c * x, gb[h + k] -= c * y;
        }
    } else if (metric == NS_DIST_L1) {
        for (int k = 0; k < n; k++) {
            float x = a[k] - b[k];
            float c = x > 0.0f ? g : x < 0.0f ? -g : 0.0f;
            ga[k] += c, gb[k] -= c;
        }
    } else {
        float c = d > 0.0f ? g / d : 0.0f;
        for (int k = 0; k < n; k++) {
            float x = c * (a[k] - b[k]);
            ga[k] += x, gb[k] -= x;
        }
    }
}

NS_HOGWILD static void dist_grad_impl(float *const *ga, const float *const *a, int na, float *const *gb,
                           const float *const *b, int nb, const float *g, const float *d, int n, int metric) {
    for (int j0 = 0; j0 < nb; j0 += DIST_BLOCK)
        for (int i = 0; i < na; i++)
            for (int j = j0; j < nb && j < j0 + DIST_BLOCK; j++) {
                float gij = g[i * nb + j];
                if (gij != 0.0f) dist_grad_pair(ga[i], a[i], gb[j], b[j], gij, d[i * nb + j], n, metric);
            }
}
