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
    /* Every block shape up to 11 x 11 (the kernels tile rows by two and
     * columns by eight) at lengths around the register-resident limit. */
    const int lens[] = {8, 16, 24, 104, 128, 136, 200};
    for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++)
        for (int ny = 1; ny < ROWS; ny++)
            for (int nx = 1; nx < ROWS; nx++) {
                int n = lens[li];
                float *y1[ROWS], *y2[ROWS], g[ROWS * ROWS], s1[ROWS * ROWS], s2[ROWS * ROWS];
                const float *x[ROWS];
                for (int i = 0; i < ny; i++) {
                    y1[i] = buf + (size_t)(2 + i) * MAXN + 8 * (i % 2); /* unaligned every other row */
                    y2[i] = buf + (size_t)(2 + ROWS + i) * MAXN + 8 * (i % 2);
                    fill(y1[i], n + 8, &r);
                    memcpy(y2[i], y1[i], sizeof(float) * (size_t)(n + 8));
                }
                for (int c = 0; c < nx; c++) {
                    float *xc = buf + (size_t)(2 + 2 * ROWS + c) * MAXN + 8 * (c % 2);
                    fill(xc, n, &r);
                    x[c] = xc;
                }
                fill(g, ny * nx, &r);
                ref->scores((const float *const *)y1, ny, x, nx, n, s1);
                k->scores((const float *const *)y1, ny, x, nx, n, s2);
                for (int t = 0; t < ny * nx; t++) CHECK_NEAR(s2[t], s1[t], 1e-5 * n);
                int gy = (nx + ny) % 2 ? nx : 1, gx = gy == 1 ? ny : 1;
                ref->gemm_acc(y1, ny, x, nx, g, gy, gx, n);
                k->gemm_acc(y2, ny, x, nx, g, gy, gx, n);
                for (int i = 0; i < ny; i++)
                    for (int j = 0; j < n + 8; j++) /* and nothing written past n */
                        CHECK_NEAR(y2[i][j], y1[i][j], 1e-5);
            }
    ns__free_aligned(buf);
    printf("kernels: %s matches scalar\n", k->name);
}

/* The distance in double precision, straight from its definition. */
static double dist_ref(const float *a, const float *b, int n, int metric) {
    double s = 0;
    if (metric == NS_DIST_CL1) {
        for (int k = 0; k < n / 2; k++) s += hypot((double)a[k] - b[k], (double)a[n / 2 + k] - b[n / 2 + k]);
        return s;
    }
    for (int k = 0; k < n; k++) {
        double x = (double)a[k] - b[k];
        s += metric == NS_DIST_L1 ? fabs(x) : x * x;
    }
    return metric == NS_DIST_L1 ? s : sqrt(s);
}

/* The scalar distances against their definition, their gradients against
 * central differences, and a variant against the scalar ones. */
static void check_dist(const ns_kernels *k) {
    const ns_kernels *ref = &ns__kernels_scalar;
    ns_rng r;
    ns__rng_seed(&r, 7, 1);
    enum { MAXN = 272, NA = 3, NB = 67 }; /* NB > 64, odd: several blocks of every kernel and a partial one */
    float *buf = ns__alloc_aligned((size_t)(NA + NB) * 3 * MAXN, sizeof(float));
    for (int metric = 0; metric < 3; metric++)
        for (int n = metric == NS_DIST_CL1 ? 32 : 16; n <= MAXN; n += metric == NS_DIST_CL1 ? 32 : 16) {
            const float *a[NA], *b[NB];
            float *ga1[NA], *ga2[NA], *gb1[NB], *gb2[NB], s1[NA * NB], s2[NA * NB], g[NA * NB];
            for (int i = 0; i < NA + NB; i++) {
                float *row = buf + (size_t)i * 3 * MAXN;
                fill(row, n, &r);
                memset(row + MAXN, 0, 2 * MAXN * sizeof(float));
                if (i < NA) a[i] = row, ga1[i] = row + MAXN, ga2[i] = row + 2 * MAXN;
                else b[i - NA] = row, gb1[i - NA] = row + MAXN, gb2[i - NA] = row + 2 * MAXN;
            }
            fill(g, NA * NB, &r);
            ref->dist(a, NA, b, NB, n, metric, s1);
            k->dist(a, NA, b, NB, n, metric, s2);
            for (int t = 0; t < NA * NB; t++) {
                CHECK_NEAR(s1[t], dist_ref(a[t / NB], b[t % NB], n, metric), 1e-5 * n);
                CHECK_NEAR(s2[t], s1[t], 1e-5 * n);
            }
            ref->dist_grad(ga1, a, NA, gb1, b, NB, g, s1, n, metric);
            k->dist_grad(ga2, a, NA, gb2, b, NB, g, s2, n, metric);
            for (int i = 0; i < NA; i++)
                for (int d = 0; d < n; d++) CHECK_NEAR(ga2[i][d], ga1[i][d], 1e-5);
            for (int j = 0; j < NB; j++)
                for (int d = 0; d < n; d++) CHECK_NEAR(gb2[j][d], gb1[j][d], 1e-5);
            if (k != ref || n > 64) continue;
            /* ga_i[d] = sum_j g_ij dd_ij/da_i[d]: central differences in double. */
            for (int i = 0; i < NA; i++)
                for (int d = 0; d < n; d += 3) {
                    float *ai = (float *)a[i], keep = ai[d];
                    double fd = 0, h = 1e-3;
                    int kink = 0; /* L1 has none within h of a difference 0 */
                    for (int j = 0; j < NB; j++) kink |= metric == NS_DIST_L1 && fabs(keep - b[j][d]) < 2 * h;
                    for (int j = 0; j < NB && !kink; j++) {
                        ai[d] = keep + (float)h;
                        double up = dist_ref(ai, b[j], n, metric);
                        ai[d] = keep - (float)h;
                        fd += g[i * NB + j] * (up - dist_ref(ai, b[j], n, metric)) / (2 * h);
                    }
                    ai[d] = keep;
                    if (!kink) CHECK_NEAR(ga1[i][d], fd, 2e-3);
                }
            for (int j = 0; j < NB; j++) /* gb_j[d] = sum_i g_ij dd_ij/db_j[d] */
                for (int d = 1; d < n; d += 3) {
                    float *bj = (float *)b[j], keep = bj[d];
                    double fd = 0, h = 1e-3;
                    int kink = 0;
                    for (int i = 0; i < NA; i++) kink |= metric == NS_DIST_L1 && fabs(keep - a[i][d]) < 2 * h;
                    for (int i = 0; i < NA && !kink; i++) {
                        bj[d] = keep + (float)h;
                        double up = dist_ref(a[i], bj, n, metric);
                        bj[d] = keep - (float)h;
                        fd += g[i * NB + j] * (up - dist_ref(a[i], bj, n, metric)) / (2 * h);
                    }
                    bj[d] = keep;
                    if (!kink) CHECK_NEAR(gb1[j][d], fd, 2e-3);
                }
        }
    ns__free_aligned(buf);
    printf("kernels: %s distances match%s\n", k->name, k == ref ? " their definition and central differences" : " scalar");
}

int main(void) {
    check_dist(&ns__kernels_scalar);
    CHECK(ns__kernels_pick(NULL) != NULL);
    CHECK(ns__kernels_pick("scalar") == &ns__kernels_scalar);
    CHECK(ns__kernels_pick("no-such-kernel") == NULL);
    /* NS_KERNELS forces a variant the CPU runs; a name it does not know
     * leaves the choice to the CPU. */
    const ns_kernels *best = ns__kernels_pick("auto");
    setenv("NS_KERNELS", "scalar", 1);
    CHECK(ns__kernels_pick(NULL) == &ns__kernels_scalar);
    CHECK(ns__kernels_pick("auto") == best);
    setenv("NS_KERNELS", "no-such-kernel", 1);
    CHECK(ns__kernels_pick(NULL) == best);
    unsetenv("NS_KERNELS");
    CHECK(ns__kernels_pick(NULL) == best);
    const char *names[] = {"avx2", "avx512"};
    for (int i = 0; i < 2; i++) {
        const ns_kernels *k = ns__kernels_pick(names[i]);
        if (k) check_variant(k), check_dist(k);
        else printf("kernels: %s not supported by this CPU, skipped\n", names[i]);
    }
    return check_exit("test_kernels");
}
