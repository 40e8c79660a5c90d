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

/* The sums of eight accumulators, in order, in one 256-bit vector: a
 * transpose-and-add network (23 instructions where eight reductions take
 * about 64). */
static inline __m256 sum8(__m512 a0, __m512 a1, __m512 a2, __m512 a3, __m512 a4, __m512 a5, __m512 a6,
                          __m512 a7) {
    /* Per 128-bit lane: [a0 b0 a1 b1] + [a2 b2 a3 b3], then pairs of those. */
    __m512 t01 = _mm512_add_ps(_mm512_unpacklo_ps(a0, a1), _mm512_unpackhi_ps(a0, a1));
    __m512 t23 = _mm512_add_ps(_mm512_unpacklo_ps(a2, a3), _mm512_unpackhi_ps(a2, a3));
    __m512 t45 = _mm512_add_ps(_mm512_unpacklo_ps(a4, a5), _mm512_unpackhi_ps(a4, a5));
    __m512 t67 = _mm512_add_ps(_mm512_unpacklo_ps(a6, a7), _mm512_unpackhi_ps(a6, a7));
#define LO(x, y) _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(x), _mm512_castps_pd(y)))
#define HI(x, y) _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(x), _mm512_castps_pd(y)))
    __m512 u0 = _mm512_add_ps(LO(t01, t23), HI(t01, t23)); /* each lane: partial sums of a0..a3 */
    __m512 u4 = _mm512_add_ps(LO(t45, t67), HI(t45, t67)); /* of a4..a7 */
#undef LO
#undef HI
    /* Add the four lanes: [u0 L0+L1, u0 L2+L3, u4 L0+L1, u4 L2+L3], then pairs. */
    __m512 w = _mm512_add_ps(_mm512_shuffle_f32x4(u0, u4, _MM_SHUFFLE(2, 0, 2, 0)),
                             _mm512_shuffle_f32x4(u0, u4, _MM_SHUFFLE(3, 1, 3, 1)));
    __m512 z = _mm512_add_ps(w, _mm512_shuffle_f32x4(w, w, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm512_castps512_ps256(_mm512_shuffle_f32x4(z, z, _MM_SHUFFLE(2, 0, 2, 0)));
}

/* Scores of one or two A rows (two: a1 too) against nc <= 8 B rows: the
 * B chunks are loaded once for both rows, and the 8 (or 16) dot products
 * are reduced together. two and nc are constants where it is inlined. */
static inline __attribute__((always_inline)) void score_tile(const float *a0, const float *a1, int two,
                                                             const float *const *b, int nc, int n, float *s0,
                                                             float *s1) {
    __m512 p[8], q[8];
    for (int c = 0; c < 8; c++) p[c] = q[c] = _mm512_setzero_ps();
    for (int k = 0; k < n; k += 16) {
        __mmask16 m = tail_mask(n - k);
        __m512 x0 = _mm512_maskz_loadu_ps(m, a0 + k);
        __m512 x1 = two ? _mm512_maskz_loadu_ps(m, a1 + k) : x0;
        for (int c = 0; c < nc; c++) {
            __m512 y = _mm512_maskz_loadu_ps(m, b[c] + k);
            p[c] = _mm512_fmadd_ps(x0, y, p[c]);
            if (two) q[c] = _mm512_fmadd_ps(x1, y, q[c]);
        }
    }
    __mmask16 out = (__mmask16)((1u << nc) - 1);
    _mm512_mask_storeu_ps(s0, out, _mm512_castps256_ps512(sum8(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7])));
    if (two)
        _mm512_mask_storeu_ps(s1, out,
                              _mm512_castps256_ps512(sum8(q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7])));
}

#define SCORE_TILE_CASES(a1, two, s1) \
    switch (nc) { \
    case 1: score_tile(a[i], a1, two, b + j, 1, n, s + i * nb + j, s1); break; \
    case 2: score_tile(a[i], a1, two, b + j, 2, n, s + i * nb + j, s1); break; \
    case 3: score_tile(a[i], a1, two, b + j, 3, n, s + i * nb + j, s1); break; \
    case 4: score_tile(a[i], a1, two, b + j, 4, n, s + i * nb + j, s1); break; \
    case 5: score_tile(a[i], a1, two, b + j, 5, n, s + i * nb + j, s1); break; \
    case 6: score_tile(a[i], a1, two, b + j, 6, n, s + i * nb + j, s1); break; \
    case 7: score_tile(a[i], a1, two, b + j, 7, n, s + i * nb + j, s1); break; \
    default: score_tile(a[i], a1, two, b + j, 8, n, s + i * nb + j, s1); break; \
    }

/* Tiles of two A rows by up to eight B rows (a block update's shape:
 * a window's context rows by the centre and its negatives). */
static void scores_avx512(const float *const *a, int na, const float *const *b, int nb, int n, float *s) {
    int i = 0;
    for (; i + 2 <= na; i += 2)
        for (int j = 0; j < nb; j += 8) {
            int nc = nb - j < 8 ? nb - j : 8;
            SCORE_TILE_CASES(a[i + 1], 1, s + (i + 1) * nb + j)
        }
    for (; i < na; i++)
        for (int j = 0; j < nb; j += 8) {
            int nc = nb - j < 8 ? nb - j : 8;
            SCORE_TILE_CASES(NULL, 0, NULL)
        }
}
#undef SCORE_TILE_CASES

/* Y_r += sum_c g_rc X_c for rows of at most 8 chunks of 16 floats (n <=
 * 128, nch chunks, a constant where inlined): the whole row stays in
 * registers while every X_c is added. */
static inline __attribute__((always_inline)) void acc_row(float *yr, const float *const *x, int nx, const float *g,
                                                          int gx, int nch, int n) {
    __m512 a[8];
    __mmask16 last = tail_mask(n - 16 * (nch - 1));
    for (int q = 0; q < nch; q++) a[q] = _mm512_maskz_loadu_ps(q == nch - 1 ? last : 0xffff, yr + 16 * q);
    for (int c = 0; c < nx; c++) {
        __m512 w = _mm512_set1_ps(g[c * gx]);
        const float *xc = x[c];
        for (int q = 0; q < nch; q++)
            a[q] = _mm512_fmadd_ps(w, _mm512_maskz_loadu_ps(q == nch - 1 ? last : 0xffff, xc + 16 * q), a[q]);
    }
    for (int q = 0; q < nch; q++) _mm512_mask_storeu_ps(yr + 16 * q, q == nch - 1 ? last : 0xffff, a[q]);
}

/* Longer rows: a Y_r chunk of 64 floats stays in 4 registers while every
 * X_c is added. */
static void acc_row_long(float *yr, const float *const *x, int nx, const float *g, int gx, int n) {
    int k = 0;
    for (; k + 64 <= n; k += 64) {
        __m512 a0 = _mm512_loadu_ps(yr + k), a1 = _mm512_loadu_ps(yr + k + 16);
        __m512 a2 = _mm512_loadu_ps(yr + k + 32), a3 = _mm512_loadu_ps(yr + k + 48);
        for (int c = 0; c < nx; c++) {
            __m512 w = _mm512_set1_ps(g[c * gx]);
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
        __mmask16 m = tail_mask(n - k);
        __m512 a0 = _mm512_maskz_loadu_ps(m, yr + k);
        for (int c = 0; c < nx; c++)
            a0 = _mm512_fmadd_ps(_mm512_set1_ps(g[c * gx]), _mm512_maskz_loadu_ps(m, x[c] + k), a0);
        _mm512_mask_storeu_ps(yr + k, m, a0);
    }
}

static void gemm_acc_avx512(float *const *y, int ny, const float *const *x, int nx, const float *g, int gy, int gx,
                            int n) {
    int nch = (n + 15) / 16;
    for (int r = 0; r < ny; r++) {
        const float *gr = g + r * gy;
        switch (nch) {
        case 1: acc_row(y[r], x, nx, gr, gx, 1, n); break;
        case 2: acc_row(y[r], x, nx, gr, gx, 2, n); break;
        case 3: acc_row(y[r], x, nx, gr, gx, 3, n); break;
        case 4: acc_row(y[r], x, nx, gr, gx, 4, n); break;
        case 5: acc_row(y[r], x, nx, gr, gx, 5, n); break;
        case 6: acc_row(y[r], x, nx, gr, gx, 6, n); break;
        case 7: acc_row(y[r], x, nx, gr, gx, 7, n); break;
        case 8: acc_row(y[r], x, nx, gr, gx, 8, n); break;
        default: acc_row_long(y[r], x, nx, gr, gx, n); break;
        }
    }
}

#include "dist_impl.h"

/* CL1 in blocks that keep what is reused in registers. The modulus
 * m = sqrt(q) of a complex difference, q = x^2 + y^2 + 1e-30 (the floor
 * gives equal rows a finite 1/m and m = 1e-15), and its reciprocal come
 * from rsqrt14 and one Newton step, 1/m = r (1.5 - 0.5 q r^2) (about 2^-23
 * relative error). */
static inline __m512 cl1_sq512(__m512 ax, __m512 ay, const float *b, int h, int k, __m512 *x, __m512 *y) {
    *x = _mm512_sub_ps(ax, _mm512_loadu_ps(b + k));
    *y = _mm512_sub_ps(ay, _mm512_loadu_ps(b + h + k));
    return _mm512_fmadd_ps(*x, *x, _mm512_fmadd_ps(*y, *y, _mm512_set1_ps(1e-30f)));
}

/* acc + sqrt(q) as q r (1.5 - 0.5 (q r) r). */
static inline __m512 cl1_mod_acc512(__m512 q, __m512 acc) {
    __m512 r = _mm512_rsqrt14_ps(q);
    __m512 t = _mm512_mul_ps(q, r), u = _mm512_mul_ps(t, r);
    return _mm512_fmadd_ps(t, _mm512_fnmadd_ps(_mm512_set1_ps(0.5f), u, _mm512_set1_ps(1.5f)), acc);
}

/* g / sqrt(q) as (g r) (1.5 - 0.5 (q r) r). */
static inline __m512 cl1_coef512(__m512 q, __m512 g) {
    __m512 r = _mm512_rsqrt14_ps(q);
    __m512 u = _mm512_mul_ps(_mm512_mul_ps(q, r), r);
    return _mm512_mul_ps(_mm512_mul_ps(g, r), _mm512_fnmadd_ps(_mm512_set1_ps(0.5f), u, _mm512_set1_ps(1.5f)));
}

/* Distances: 2 A rows x 2 B rows a pass over k (each loaded slice serves
 * two pairs), B in blocks of CL1_JB rows (32 KB at n = 1024, in L1 while
 * every A row passes). An odd last row repeats its neighbour, unstored. */
#define CL1_JB 8

static void dist_avx512(const float *const *a, int na, const float *const *b, int nb, int n, int metric, float *s) {
    if (metric != NS_DIST_CL1) {
        dist_scores_impl(a, na, b, nb, n, metric, s);
        return;
    }
    int h = n / 2;
    for (int j0 = 0; j0 < nb; j0 += CL1_JB)
        for (int i = 0; i < na; i += 2) {
            const float *a0 = a[i], *a1 = a[i + 1 < na ? i + 1 : i];
            for (int j = j0; j < nb && j < j0 + CL1_JB; j += 2) {
                const float *b0 = b[j], *b1 = b[j + 1 < nb ? j + 1 : j];
                __m512 s00 = _mm512_setzero_ps(), s01 = s00, s10 = s00, s11 = s00, x, y;
                for (int k = 0; k < h; k += 16) {
                    __m512 a0x = _mm512_loadu_ps(a0 + k), a0y = _mm512_loadu_ps(a0 + h + k);
                    __m512 a1x = _mm512_loadu_ps(a1 + k), a1y = _mm512_loadu_ps(a1 + h + k);
                    s00 = cl1_mod_acc512(cl1_sq512(a0x, a0y, b0, h, k, &x, &y), s00);
                    s01 = cl1_mod_acc512(cl1_sq512(a0x, a0y, b1, h, k, &x, &y), s01);
                    s10 = cl1_mod_acc512(cl1_sq512(a1x, a1y, b0, h, k, &x, &y), s10);
                    s11 = cl1_mod_acc512(cl1_sq512(a1x, a1y, b1, h, k, &x, &y), s11);
                }
                s[i * nb + j] = _mm512_reduce_add_ps(s00);
                if (j + 1 < nb) s[i * nb + j + 1] = _mm512_reduce_add_ps(s01);
                if (i + 1 < na) {
                    s[(i + 1) * nb + j] = _mm512_reduce_add_ps(s10);
                    if (j + 1 < nb) s[(i + 1) * nb + j + 1] = _mm512_reduce_add_ps(s11);
                }
            }
        }
}

/* Gradients: 2 A rows against one B row a pass over k, so each slice of
 * B_j and of GB_j is loaded (and GB_j's stored) once for two pairs; rows
 * are walked whole, in order (rows 4 KB apart share L1 sets: walking a
 * slice of many rows at once missed L1 on every load). Pairs with
 * G_ij = 0 are skipped, as in the scalar kernel. */
static void dist_grad_avx512(float *const *ga, const float *const *a, int na, float *const *gb, const float *const *b,
                             int nb, const float *g, const float *d, int n, int metric) {
    if (metric != NS_DIST_CL1) {
        dist_grad_impl(ga, a, na, gb, b, nb, g, d, n, metric);
        return;
    }
    int h = n / 2;
    for (int j0 = 0; j0 < nb; j0 += DIST_BLOCK)
        for (int i = 0; i < na; i += 2) {
            int two = i + 1 < na;
            const float *a0 = a[i], *a1 = a[two ? i + 1 : i];
            float *ga0 = ga[i], *ga1 = ga[two ? i + 1 : i];
            for (int j = j0; j < nb && j < j0 + DIST_BLOCK; j++) {
                float w0 = g[(size_t)i * nb + j], w1 = two ? g[(size_t)(i + 1) * nb + j] : 0.0f;
                if (w0 == 0.0f && w1 == 0.0f) continue;
                __m512 g0 = _mm512_set1_ps(w0), g1 = _mm512_set1_ps(w1), x0, y0, x1, y1;
                float *gbj = gb[j];
                for (int k = 0; k < h; k += 16) {
                    __m512 e0 = cl1_coef512(cl1_sq512(_mm512_loadu_ps(a0 + k), _mm512_loadu_ps(a0 + h + k), b[j], h, k, &x0, &y0), g0);
                    __m512 e1 = cl1_coef512(cl1_sq512(_mm512_loadu_ps(a1 + k), _mm512_loadu_ps(a1 + h + k), b[j], h, k, &x1, &y1), g1);
                    _mm512_storeu_ps(ga0 + k, _mm512_fmadd_ps(e0, x0, _mm512_loadu_ps(ga0 + k)));
                    _mm512_storeu_ps(ga0 + h + k, _mm512_fmadd_ps(e0, y0, _mm512_loadu_ps(ga0 + h + k)));
                    if (two) {
                        _mm512_storeu_ps(ga1 + k, _mm512_fmadd_ps(e1, x1, _mm512_loadu_ps(ga1 + k)));
                        _mm512_storeu_ps(ga1 + h + k, _mm512_fmadd_ps(e1, y1, _mm512_loadu_ps(ga1 + h + k)));
                    }
                    __m512 bx = _mm512_fnmadd_ps(e0, x0, _mm512_loadu_ps(gbj + k));
                    __m512 by = _mm512_fnmadd_ps(e0, y0, _mm512_loadu_ps(gbj + h + k));
                    _mm512_storeu_ps(gbj + k, _mm512_fnmadd_ps(e1, x1, bx));
                    _mm512_storeu_ps(gbj + h + k, _mm512_fnmadd_ps(e1, y1, by));
                }
            }
        }
}

const ns_kernels ns__kernels_avx512 = {"avx512", dot_avx512, scores_avx512, gemm_acc_avx512, dist_avx512, dist_grad_avx512};
