/*
 * Losses: the worked example of DESIGN.md, the fast exp/log against libm,
 * and for SGNS, NCE and sampled softmax the loss against a double-precision
 * reference and its gradients against finite differences, through the block
 * update every trainer uses.
 */
#include "check.h"
#include "core/core.h"
#include "kernels/kernels.h"
#include "loss/loss.h"
#include "model/model.h"

/* Runs a block update with the given kernels and loss; returns the loss. */
static double block_loss(const ns_kernels *k, ns_loss loss, float rows[][8], int na, int nb,
                         const float *y, const float *shift, float lr, int apply_a) {
    float *A[4], *B[8], S[32], G[32], dbuf[4][8];
    float *dA[4];
    for (int i = 0; i < na; i++) A[i] = rows[i], dA[i] = dbuf[i];
    for (int j = 0; j < nb; j++) B[j] = rows[na + j];
    double l = ns__block_update(k, loss, A, na, B, nb, y, shift, lr, 8, S, G, dA);
    if (apply_a)
        for (int i = 0; i < na; i++)
            for (int t = 0; t < 8; t++) A[i][t] += dA[i][t];
    return l;
}

static double block(const ns_kernels *k, float rows[][8], int na, int nb, const float *y, float lr,
                    int apply_a) {
    return block_loss(k, NS_LOSS_SGNS, rows, na, nb, y, NULL, lr, apply_a);
}

static void worked_example(const ns_kernels *k) {
    /* climb (input), tree (positive), apple and book (negatives). */
    float rows[4][8] = {{0.1f, -0.3f, 0.5f}, {0.4f, 0.2f, -0.1f}, {-0.2f, 0.6f, 0.3f}, {0.5f, -0.1f, -0.4f}};
    float before[4][8];
    memcpy(before, rows, sizeof rows);
    float y[3] = {1, 0, 0};
    double loss = block(k, rows, 1, 3, y, 1.0f, 1);
    CHECK_NEAR(loss, 2.03217, 1e-5);
    /* With lr = 1 each row moves by minus its gradient. */
    const double g_climb[3] = {-0.069480, 0.141999, 0.009986};
    const double g_tree[3] = {-0.051749, 0.155248, -0.258746};
    const double g_apple[3] = {0.048750, -0.146251, 0.243751};
    for (int t = 0; t < 3; t++) {
        CHECK_NEAR(before[0][t] - rows[0][t], g_climb[t], 1e-5);
        CHECK_NEAR(before[1][t] - rows[1][t], g_tree[t], 1e-5);
        CHECK_NEAR(before[2][t] - rows[2][t], g_apple[t], 1e-5);
    }
    for (int t = 3; t < 8; t++) CHECK(rows[0][t] == 0 && rows[1][t] == 0); /* padding stays 0 */
}

static void against_libm(void) {
    double worst_sig = 0, worst_sp = 0;
    for (double x0 = -30; x0 <= 30; x0 += 0.01) {
        double x = (double)(float)x0; /* the argument the float functions see */
        double sig = 1.0 / (1.0 + exp(-x)), sp = log1p(exp(-fabs(x))) + (x > 0 ? x : 0);
        double es = fabs(ns__sigmoid((float)x) - sig) / sig, ep = fabs(ns__softplus((float)x) - sp) / sp;
        if (es > worst_sig) worst_sig = es;
        if (ep > worst_sp) worst_sp = ep;
    }
    CHECK(worst_sig < 1e-6);
    CHECK(worst_sp < 1e-6);
    CHECK_NEAR(ns__sigmoid(-100.0f), 0.0, 1e-30);
    CHECK_NEAR(ns__sigmoid(100.0f), 1.0, 0);
    CHECK_NEAR(ns__softplus(100.0f), 100.0, 1e-4);
}

/* The loss in double precision from the definitions, for comparison. */
static double reference_loss(ns_loss loss, float rows[][8], int na, int nb, const float *y,
                             const float *shift) {
    double total = 0;
    for (int i = 0; i < na; i++) {
        double s[8], mx = -1e300, z = 0;
        for (int j = 0; j < nb; j++) {
            s[j] = -(shift ? shift[j] : 0);
            for (int t = 0; t < 8; t++) s[j] += (double)rows[i][t] * rows[na + j][t];
            mx = s[j] > mx ? s[j] : mx;
        }
        if (loss == NS_LOSS_SOFTMAX_SAMPLED) {
            for (int j = 0; j < nb; j++) z += exp(s[j] - mx);
            total += log(z) + mx - s[0];
        } else {
            for (int j = 0; j < nb; j++) total += log1p(exp(y[j] > 0.5 ? -s[j] : s[j]));
        }
    }
    return total;
}

/* d loss / d row entry by central differences vs the update with lr = 1. */
static void finite_differences(const ns_kernels *k, ns_loss loss, int na, int nb) {
    ns_rng r;
    ns__rng_seed(&r, 9, (uint64_t)(na * 10 + nb + 100 * loss));
    float rows[12][8] = {{0}}, shift[8];
    for (int i = 0; i < na + nb; i++)
        for (int t = 0; t < 5; t++) rows[i][t] = ns__rng_float(&r) * 2 - 1;
    for (int j = 0; j < nb; j++) shift[j] = ns__rng_float(&r) * 4 - 3; /* like log(k Pn) */
    const float *sh = loss == NS_LOSS_SGNS ? NULL : shift;
    float y[8] = {1, 0, 0, 0, 0, 0, 0, 0};
    if (nb > 2 && loss == NS_LOSS_SGNS) y[2] = 1; /* several positives: still a valid loss */
    float moved[12][8];
    memcpy(moved, rows, sizeof rows);
    double l0 = block_loss(k, loss, moved, na, nb, y, sh, 1.0f, 1);
    CHECK_NEAR(l0, reference_loss(loss, rows, na, nb, y, sh), 1e-5 * (1 + fabs(l0)));
    const double h = 1e-3;
    for (int i = 0; i < na + nb; i++)
        for (int t = 0; t < 5; t++) {
            float save = rows[i][t], tmp[12][8];
            memcpy(tmp, rows, sizeof rows);
            tmp[i][t] = save + (float)h;
            double lp = block_loss(k, loss, tmp, na, nb, y, sh, 0.0f, 0);
            memcpy(tmp, rows, sizeof rows);
            tmp[i][t] = save - (float)h;
            double lm = block_loss(k, loss, tmp, na, nb, y, sh, 0.0f, 0);
            double fd = (lp - lm) / (2 * h);
            CHECK_NEAR(rows[i][t] - moved[i][t], fd, 2e-3);
        }
}

int main(void) {
    const char *names[] = {"scalar", "avx2", "avx512"};
    for (int i = 0; i < 3; i++) {
        const ns_kernels *k = ns__kernels_pick(names[i]);
        if (!k) continue;
        worked_example(k);
        for (int loss = NS_LOSS_SGNS; loss <= NS_LOSS_SOFTMAX_SAMPLED; loss++) {
            finite_differences(k, (ns_loss)loss, 1, 3);
            finite_differences(k, (ns_loss)loss, 4, 6);
        }
    }
    against_libm();
    return check_exit("test_loss");
}
