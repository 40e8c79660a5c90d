/* Every SIMD kernel against the scalar reference, over lengths and shapes. */
#include "check.h"
#include "core/core.h"
#include "kernels/kernels.h"

static void fill(float *x, int n, ns_rng *r) {
    for (int i = 0; i < n; i++) x[i] = ns__rng_float(r) * 2.0f - 1.0f;
}

static void check_variant(const ns_kernels *k) {
    const ns_kernels *ref = &ns__kernels_scalar;
    ns_rng r;
    ns__rng_seed(&r, 42, 0);
    enum { MAXN = 528, ROWS = 12 };
    float *buf = ns__alloc_aligned((size_t)ROWS * 4 * MAXN, sizeof(float));
    for (int n = 8; n <= MAXN; n += 8) {
        float *a = buf, *b = buf + MAXN;
        fill(a, n, &r), fill(b, n, &r);
        float want = ref->dot(a, b, n), got = k->dot(a, b, n);
        CHECK_NEAR(got, want, 1e-5 * n);
        /* gemm_acc in both orientations, unaligned row pointers included. */
        int ny = 1 + (n / 8) % 6, nx = 1 + (n / 16) % 7;
        float *y1[ROWS], *y2[ROWS];
        const float *x[ROWS];
        float g[ROWS * ROWS];
        for (int i = 0; i < ny; i++) {
            y1[i] = buf + (size_t)(2 + i) * MAXN + (n % 16 == 8 ? 8 : 0);
            y2[i] = buf + (size_t)(2 + ROWS + i) * MAXN + (n % 16 == 8 ? 8 : 0);
            fill(y1[i], n, &r);
            memcpy(y2[i], y1[i], sizeof(float) * (size_t)n);
        }
        for (int c = 0; c < nx; c++) {
            float *xc = buf + (size_t)(2 + 2 * ROWS + c) * MAXN;
            fill(xc, n, &r);
            x[c] = xc;
        }
        fill(g, ny * nx, &r);
        /* scores: every (y row, x row) pair, 1..ROWS-1 x rows */
        float s1[ROWS * ROWS], s2[ROWS * ROWS];
        ref->scores((const float *const *)y1, ny, x, nx, n, s1);
        k->scores((const float *const *)y1, ny, x, nx, n, s2);
        for (int t = 0; t < ny * nx; t++) CHECK_NEAR(s2[t], s1[t], 1e-5 * n);
        int gy = (n / 8) % 2 ? nx : 1, gx = gy == 1 ? ny : 1;
        ref->gemm_acc(y1, ny, x, nx, g, gy, gx, n);
        k->gemm_acc(y2, ny, x, nx, g, gy, gx, n);
        for (int i = 0; i < ny; i++)
            for (int j = 0; j < n; j++) CHECK_NEAR(y2[i][j], y1[i][j], 1e-5);
    }
    ns__free_aligned(buf);
    printf("kernels: %s matches scalar\n", k->name);
}

int main(void) {
    CHECK(ns__kernels_pick(NULL) != NULL);
    CHECK(ns__kernels_pick("scalar") == &ns__kernels_scalar);
    CHECK(ns__kernels_pick("no-such-kernel") == NULL);
    const char *names[] = {"avx2", "avx512"};
    for (int i = 0; i < 2; i++) {
        const ns_kernels *k = ns__kernels_pick(names[i]);
        if (k) check_variant(k);
        else printf("kernels: %s not supported by this CPU, skipped\n", names[i]);
    }
    return check_exit("test_kernels");
}
