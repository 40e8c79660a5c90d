/*
 * avx512.c - AVX-512F kernels (compiled with -mavx512f, called only after
 * the dispatcher has seen the feature). n is a multiple of 8; a final half
 * register is handled with a mask.
 */
#include "kernels.h"

#include <immintrin.h>

static float dot_avx512(const float *a, const float *b, int n) {
    __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
    int k = 0;
    for (; k + 32 <= n; k += 32) {
        s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + k), _mm512_loadu_ps(b + k), s0);
        s1 = _mm512_fmadd_ps(_mm512_loadu_ps(a + k + 16), _mm512_loadu_ps(b + k + 16), s1);
    }
    for (; k < n; k += 16) {
        __mmask16 m = n - k >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (n - k)) - 1);
        s0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, a + k), _mm512_maskz_loadu_ps(m, b + k), s0);
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(s0, s1));
}

static inline __mmask16 tail_mask(int left) {
    return left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1);
}

/* One A row against four B rows per pass: A is loaded once for four dots. */
static void scores_avx512(const float *const *a, int na, const float *const *b, int nb, int n,
                          float *s) {
    for (int i = 0; i < na; i++) {
        const float *ai = a[i];
        int j = 0;
        for (; j + 4 <= nb; j += 4) {
            const float *b0 = b[j], *b1 = b[j + 1], *b2 = b[j + 2], *b3 = b[j + 3];
            __m512 s0 = _mm512_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
            for (int k = 0; k < n; k += 16) {
                __mmask16 m = tail_mask(n - k);
                __m512 x = _mm512_maskz_loadu_ps(m, ai + k);
                s0 = _mm512_fmadd_ps(x, _mm512_maskz_loadu_ps(m, b0 + k), s0);
                s1 = _mm512_fmadd_ps(x, _mm512_maskz_loadu_ps(m, b1 + k), s1);
                s2 = _mm512_fmadd_ps(x, _mm512_maskz_loadu_ps(m, b2 + k), s2);
                s3 = _mm512_fmadd_ps(x, _mm512_maskz_loadu_ps(m, b3 + k), s3);
            }
            s[i * nb + j] = _mm512_reduce_add_ps(s0);
            s[i * nb + j + 1] = _mm512_reduce_add_ps(s1);
            s[i * nb + j + 2] = _mm512_reduce_add_ps(s2);
            s[i * nb + j + 3] = _mm512_reduce_add_ps(s3);
        }
        for (; j < nb; j++) s[i * nb + j] = dot_avx512(ai, b[j], n);
    }
}

/* Y_r chunk of 64 floats stays in 4 registers while every X_c is added. */
static void gemm_acc_avx512(float *const *y, int ny, const float *const *x, int nx,
                            const float *g, int gy, int gx, int n) {
    for (int r = 0; r < ny; r++) {
        float *yr = y[r];
        int k = 0;
        for (; k + 64 <= n; k += 64) {
            __m512 a0 = _mm512_loadu_ps(yr + k), a1 = _mm512_loadu_ps(yr + k + 16);
            __m512 a2 = _mm512_loadu_ps(yr + k + 32), a3 = _mm512_loadu_ps(yr + k + 48);
            for (int c = 0; c < nx; c++) {
                __m512 w = _mm512_set1_ps(g[r * gy + c * gx]);
                const float *xc = x[c] + k;
                a0 = _mm512_fmadd_ps(w, _mm512_loadu_ps(xc), a0);
                a1 = _mm512_fmadd_ps(w, _mm512_loadu_ps(xc + 16), a1);
                a2 = _mm512_fmadd_ps(w, _mm512_loadu_ps(xc + 32), a2);
                a3 = _mm512_fmadd_ps(w, _mm512_loadu_ps(xc + 48), a3);
            }
            _mm512_storeu_ps(yr + k, a0);
            _mm512_storeu_ps(yr + k + 16, a1);
            _mm512_storeu_ps(yr + k + 32, a2);
            _mm512_storeu_ps(yr + k + 48, a3);
        }
        for (; k < n; k += 16) {
            __mmask16 m = n - k >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (n - k)) - 1);
            __m512 a0 = _mm512_maskz_loadu_ps(m, yr + k);
            for (int c = 0; c < nx; c++)
                a0 = _mm512_fmadd_ps(_mm512_set1_ps(g[r * gy + c * gx]),
                                     _mm512_maskz_loadu_ps(m, x[c] + k), a0);
            _mm512_mask_storeu_ps(yr + k, m, a0);
        }
    }
}

#include "dist_impl.h"

/* 1/sqrt(s) from rsqrt14 and one Newton step, r (1.5 - 0.5 s r^2): about
 * 2^-23 relative error. s is floored at 1e-30, so s = 0 gives s r = 0. */
static inline __m512 rsqrt_nr512(__m512 s) {
    s = _mm512_max_ps(s, _mm512_set1_ps(1e-30f));
    __m512 r = _mm512_rsqrt14_ps(s);
    __m512 t = _mm512_mul_ps(_mm512_mul_ps(s, r), r);
    return _mm512_mul_ps(r, _mm512_fnmadd_ps(_mm512_set1_ps(0.5f), t, _mm512_set1_ps(1.5f)));
}

/* Squared moduli of a - b at complex positions k..k+15 (h = n / 2). */
static inline __m512 cl1_sq512(const float *a, const float *b, int h, int k, __m512 *x, __m512 *y) {
    *x = _mm512_sub_ps(_mm512_loadu_ps(a + k), _mm512_loadu_ps(b + k));
    *y = _mm512_sub_ps(_mm512_loadu_ps(a + h + k), _mm512_loadu_ps(b + h + k));
    return _mm512_fmadd_ps(*x, *x, _mm512_mul_ps(*y, *y));
}

static void dist_avx512(const float *const *a, int na, const float *const *b, int nb, int n, int metric, float *s) {
    if (metric != NS_DIST_CL1) {
        dist_scores_impl(a, na, b, nb, n, metric, s);
        return;
    }
    int h = n / 2;
    for (int j0 = 0; j0 < nb; j0 += DIST_BLOCK)
        for (int i = 0; i < na; i++)
            for (int j = j0; j < nb && j < j0 + DIST_BLOCK; j++) {
                __m512 acc = _mm512_setzero_ps(), x, y;
                for (int k = 0; k < h; k += 16) {
                    __m512 q = cl1_sq512(a[i], b[j], h, k, &x, &y);
                    acc = _mm512_fmadd_ps(q, rsqrt_nr512(q), acc);
                }
                s[i * nb + j] = _mm512_reduce_add_ps(acc);
            }
}

static void dist_grad_avx512(float *const *ga, const float *const *a, int na, float *const *gb, const float *const *b,
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
                __m512 gij = _mm512_set1_ps(g[i * nb + j]), x, y;
                float *gai = ga[i], *gbj = gb[j];
                for (int k = 0; k < h; k += 16) {
                    __m512 c = _mm512_mul_ps(gij, rsqrt_nr512(cl1_sq512(a[i], b[j], h, k, &x, &y)));
                    __m512 cx = _mm512_mul_ps(c, x), cy = _mm512_mul_ps(c, y);
                    _mm512_storeu_ps(gai + k, _mm512_add_ps(_mm512_loadu_ps(gai + k), cx));
                    _mm512_storeu_ps(gai + h + k, _mm512_add_ps(_mm512_loadu_ps(gai + h + k), cy));
                    _mm512_storeu_ps(gbj + k, _mm512_sub_ps(_mm512_loadu_ps(gbj + k), cx));
                    _mm512_storeu_ps(gbj + h + k, _mm512_sub_ps(_mm512_loadu_ps(gbj + h + k), cy));
                }
            }
}

const ns_kernels ns__kernels_avx512 = {"avx512", dot_avx512, scores_avx512, gemm_acc_avx512, dist_avx512, dist_grad_avx512};
