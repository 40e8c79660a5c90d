/*
 * avx2.c - AVX2 + FMA kernels (compiled with -mavx2 -mfma, called only after
 * the dispatcher has seen both features). n is a multiple of 8.
 */
#include "kernels.h"

#include <immintrin.h>

static float hsum256(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}

static float dot_avx2(const float *a, const float *b, int n) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
    int k = 0;
    for (; k + 16 <= n; k += 16) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + k), _mm256_loadu_ps(b + k), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + k + 8), _mm256_loadu_ps(b + k + 8), s1);
    }
    if (k < n) s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + k), _mm256_loadu_ps(b + k), s0);
    return hsum256(_mm256_add_ps(s0, s1));
}

/* One A row against four B rows per pass: A is loaded once for four dots. */
static void scores_avx2(const float *const *a, int na, const float *const *b, int nb, int n,
                        float *s) {
    for (int i = 0; i < na; i++) {
        const float *ai = a[i];
        int j = 0;
        for (; j + 4 <= nb; j += 4) {
            const float *b0 = b[j], *b1 = b[j + 1], *b2 = b[j + 2], *b3 = b[j + 3];
            __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
            for (int k = 0; k < n; k += 8) {
                __m256 x = _mm256_loadu_ps(ai + k);
                s0 = _mm256_fmadd_ps(x, _mm256_loadu_ps(b0 + k), s0);
                s1 = _mm256_fmadd_ps(x, _mm256_loadu_ps(b1 + k), s1);
                s2 = _mm256_fmadd_ps(x, _mm256_loadu_ps(b2 + k), s2);
                s3 = _mm256_fmadd_ps(x, _mm256_loadu_ps(b3 + k), s3);
            }
            s[i * nb + j] = hsum256(s0);
            s[i * nb + j + 1] = hsum256(s1);
            s[i * nb + j + 2] = hsum256(s2);
            s[i * nb + j + 3] = hsum256(s3);
        }
        for (; j < nb; j++) s[i * nb + j] = dot_avx2(ai, b[j], n);
    }
}

/* Y_r chunk of 32 floats stays in 4 registers while every X_c is added. */
static void gemm_acc_avx2(float *const *y, int ny, const float *const *x, int nx,
                          const float *g, int gy, int gx, int n) {
    for (int r = 0; r < ny; r++) {
        float *yr = y[r];
        int k = 0;
        for (; k + 32 <= n; k += 32) {
            __m256 a0 = _mm256_loadu_ps(yr + k), a1 = _mm256_loadu_ps(yr + k + 8);
            __m256 a2 = _mm256_loadu_ps(yr + k + 16), a3 = _mm256_loadu_ps(yr + k + 24);
            for (int c = 0; c < nx; c++) {
                __m256 w = _mm256_set1_ps(g[r * gy + c * gx]);
                const float *xc = x[c] + k;
                a0 = _mm256_fmadd_ps(w, _mm256_loadu_ps(xc), a0);
                a1 = _mm256_fmadd_ps(w, _mm256_loadu_ps(xc + 8), a1);
                a2 = _mm256_fmadd_ps(w, _mm256_loadu_ps(xc + 16), a2);
                a3 = _mm256_fmadd_ps(w, _mm256_loadu_ps(xc + 24), a3);
            }
            _mm256_storeu_ps(yr + k, a0);
            _mm256_storeu_ps(yr + k + 8, a1);
            _mm256_storeu_ps(yr + k + 16, a2);
            _mm256_storeu_ps(yr + k + 24, a3);
        }
        for (; k < n; k += 8) {
            __m256 a0 = _mm256_loadu_ps(yr + k);
            for (int c = 0; c < nx; c++)
                a0 = _mm256_fmadd_ps(_mm256_set1_ps(g[r * gy + c * gx]),
                                     _mm256_loadu_ps(x[c] + k), a0);
            _mm256_storeu_ps(yr + k, a0);
        }
    }
}

#include "dist_impl.h"

/* 1/sqrt(s) from rsqrt (12 bits) and one Newton step, r (1.5 - 0.5 s r^2):
 * about 2^-22 relative error. s is floored at 1e-30, so s = 0 gives
 * s r = 0. */
static inline __m256 rsqrt_nr256(__m256 s) {
    s = _mm256_max_ps(s, _mm256_set1_ps(1e-30f));
    __m256 r = _mm256_rsqrt_ps(s);
    __m256 t = _mm256_mul_ps(_mm256_mul_ps(s, r), r);
    return _mm256_mul_ps(r, _mm256_fnmadd_ps(_mm256_set1_ps(0.5f), t, _mm256_set1_ps(1.5f)));
}

/* Squared moduli of a - b at complex positions k..k+7 (h = n / 2). */
static inline __m256 cl1_sq256(const float *a, const float *b, int h, int k, __m256 *x, __m256 *y) {
    *x = _mm256_sub_ps(_mm256_loadu_ps(a + k), _mm256_loadu_ps(b + k));
    *y = _mm256_sub_ps(_mm256_loadu_ps(a + h + k), _mm256_loadu_ps(b + h + k));
    return _mm256_fmadd_ps(*x, *x, _mm256_mul_ps(*y, *y));
}

static void dist_avx2(const float *const *a, int na, const float *const *b, int nb, int n, int metric, float *s) {
    if (metric != NS_DIST_CL1) {
        dist_scores_impl(a, na, b, nb, n, metric, s);
        return;
    }
    int h = n / 2;
    for (int j0 = 0; j0 < nb; j0 += DIST_BLOCK)
        for (int i = 0; i < na; i++)
            for (int j = j0; j < nb && j < j0 + DIST_BLOCK; j++) {
                __m256 acc = _mm256_setzero_ps(), x, y;
                for (int k = 0; k < h; k += 8) {
                    __m256 q = cl1_sq256(a[i], b[j], h, k, &x, &y);
                    acc = _mm256_fmadd_ps(q, rsqrt_nr256(q), acc);
                }
                s[i * nb + j] = hsum256(acc);
            }
}

static void dist_grad_avx2(float *const *ga, const float *const *a, int na, float *const *gb, const float *const *b,
                           int nb, const float *g, const float *d, int n, int metric) {
    if (metric != NS_DIST_CL1) {
        dist_grad_impl(ga, a, na, gb, b, nb, g, d, n, metric);
        return;
    }
    int h = n / 2;
    for (int j0 = 0; j0 < nb; j0 += DIST_BLOCK)
        for (int i = 0; i < na; i++)
            for (int j = j0; j < nb && j < j0 + DIST_BLOCK; j++) {
                if (g[i * nb + j] == 0.0f) continue;
                __m256 gij = _mm256_set1_ps(g[i * nb + j]), x, y;
                float *gai = ga[i], *gbj = gb[j];
                for (int k = 0; k < h; k += 8) {
                    __m256 c = _mm256_mul_ps(gij, rsqrt_nr256(cl1_sq256(a[i], b[j], h, k, &x, &y)));
                    __m256 cx = _mm256_mul_ps(c, x), cy = _mm256_mul_ps(c, y);
                    _mm256_storeu_ps(gai + k, _mm256_add_ps(_mm256_loadu_ps(gai + k), cx));
                    _mm256_storeu_ps(gai + h + k, _mm256_add_ps(_mm256_loadu_ps(gai + h + k), cy));
                    _mm256_storeu_ps(gbj + k, _mm256_sub_ps(_mm256_loadu_ps(gbj + k), cx));
                    _mm256_storeu_ps(gbj + h + k, _mm256_sub_ps(_mm256_loadu_ps(gbj + h + k), cy));
                }
            }
}

const ns_kernels ns__kernels_avx2 = {"avx2", dot_avx2, scores_avx2, gemm_acc_avx2, dist_avx2, dist_grad_avx2};
