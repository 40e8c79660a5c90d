/*
 * kernels.h - the dense vector kernels every trainer's inner loop runs on.
 *
 * Rows are float arrays of length n, where n is the model's kernel length
 * (dim rounded up to a multiple of 8; the padding holds zeros and stays zero
 * because every update is a linear combination of rows). Each variant
 * computes the same sums; only the order of the additions may differ.
 *
 *   dot(a, b, n)                       = sum_k a[k] b[k]
 *   scores(A, na, B, nb, n, S):          S[i*nb + j] = dot(A_i, B_j)
 *   gemm_acc(Y, ny, X, nx, G, gy, gx, n): Y_r += sum_c G[r*gy + c*gx] X_c
 *
 * gemm_acc with (gy, gx) = (nb, 1) adds G X row-wise; with (1, nb) it adds
 * G^T X, so one kernel serves both sides of a block update.
 */
#ifndef NS_KERNELS_H
#define NS_KERNELS_H

/* Marks the functions that read and write the shared tables without locks
 * (Hogwild, the one intended race): ThreadSanitizer leaves them
 * uninstrumented. Suppressing their races instead (a suppressions file) made
 * every racy access go through the report machinery first: a 4-thread
 * run of 0.05 s took 30 to 50 s. Everything else stays checked. */
#if defined(__SANITIZE_THREAD__)
#define NS_HOGWILD __attribute__((no_sanitize_thread))
#else
#define NS_HOGWILD
#endif

typedef float (*ns_dot_fn)(const float *a, const float *b, int n);
typedef void (*ns_scores_fn)(const float *const *a, int na, const float *const *b, int nb, int n,
                             float *s);
typedef void (*ns_gemm_acc_fn)(float *const *y, int ny, const float *const *x, int nx,
                               const float *g, int gy, int gx, int n);

/* Distances of the knowledge-graph scorers (see dist_impl.h); n must be a
 * multiple of 16, for CL1 of 32. */
enum { NS_DIST_L1 = 0, NS_DIST_L2 = 1, NS_DIST_CL1 = 2 };
/* S[i*nb + j] = d(A_i, B_j). */
typedef void (*ns_dist_fn)(const float *const *a, int na, const float *const *b, int nb, int n, int metric,
                           float *s);
/* GA_i += sum_j G_ij dd_ij/dA_i, GB_j += sum_i G_ij dd_ij/dB_j; D holds the
 * distances from ns_dist_fn (L2 needs them); a row of GA may not alias one
 * of GB. */
typedef void (*ns_dist_grad_fn)(float *const *ga, const float *const *a, int na, float *const *gb,
                                const float *const *b, int nb, const float *g, const float *d, int n, int metric);

typedef struct ns_kernels {
    const char *name;
    ns_dot_fn dot;
    ns_scores_fn scores;
    ns_gemm_acc_fn gemm_acc;
    ns_dist_fn dist;
    ns_dist_grad_fn dist_grad;
} ns_kernels;

extern const ns_kernels ns__kernels_scalar;
#ifdef NS_HAVE_X86_KERNELS
extern const ns_kernels ns__kernels_avx2;
extern const ns_kernels ns__kernels_avx512;
#endif

/* The best variant this CPU runs, or the one named ("scalar", "avx2",
 * "avx512"; "auto" = best). NULL if the named one is not available. With
 * name NULL: the one the environment variable NS_KERNELS names when the CPU
 * runs it, else the best. */
const ns_kernels *ns__kernels_pick(const char *name);

#endif
