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

const ns_kernels ns__kernels_avx512 = {"avx512", dot_avx512, scores_avx512, gemm_acc_avx512, dist_scores_impl, dist_grad_impl};
