/*
 * Losses: the worked example of DESIGN.md, the fast exp/log against libm,
 * and for SGNS, NCE and sampled softmax the loss against a double-precision
 * reference and its gradients against finite differences, through the block
 * update every trainer uses; likewise the full softmax (positive in any
 * column), InfoNCE (row i's positive in column i, temperature 0.5) and the
 * pairwise ranking losses BPR and WARP (weighted hinge).
 */
#include "check.h"
#include "core/core.h"
#include "kernels/kernels.h"
#include "loss/loss.h"
#include "model/model.h"

#define WARP_WEIGHT 1.7f

/* Runs a block update with the given kernels, loss, L2 and biases (bias may
 * be NULL: none); returns the loss. */
static double block_full(const ns_kernels *k, ns_loss loss, float rows[][8], float *bias, int na,
                         int nb, const float *y, const float *shift, const int *pos, float scale,
                         float l2, float lr, int apply_a) {
    float *A[4], *B[8], S[32], G[32], dbuf[4][8], *bp[8];
    float *dA[4];
    for (int i = 0; i < na; i++) A[i] = rows[i], dA[i] = dbuf[i];
    for (int j = 0; j < nb; j++) B[j] = rows[na + j], bp[j] = bias ? &bias[j] : NULL;
    ns_block b = {.loss = loss, .lr = lr, .scale = scale, .l2 = l2, .y = y, .shift = shift,
                  .bias = bias ? bp : NULL, .pos = pos, .weight = WARP_WEIGHT};
    double l = ns__block_update(k, &b, A, na, B, nb, 8, S, G, dA);
    if (apply_a)
        for (int i = 0; i < na; i++)
            for (int t = 0; t < 8; t++) A[i][t] += dA[i][t];
    return l;
}

static double block(const ns_kernels *k, float rows[][8], int na, int nb, const float *y, float lr,
                    int apply_a) {
    return block_full(k, NS_LOSS_SGNS, rows, NULL, na, nb, y, NULL, NULL, 1.0f, 0, lr, apply_a);
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
static double reference_loss(ns_loss loss, float rows[][8], const float *bias, int na, int nb,
                             const float *y, const float *shift, const int *pos, float scale, float l2) {
    double total = 0;
    for (int i = 0; i < na; i++) {
        double s[8], mx = -1e300, z = 0, dot;
        for (int j = 0; j < nb; j++) {
            dot = 0;
            for (int t = 0; t < 8; t++) dot += (double)rows[i][t] * rows[na + j][t];
            s[j] = scale * dot + (bias ? bias[j] : 0) - (shift ? shift[j] : 0);
            mx = s[j] > mx ? s[j] : mx;
        }
        int p = pos ? pos[i] : 0;
        if (loss == NS_LOSS_BPR || loss == NS_LOSS_WARP) {
            for (int j = 0; j < nb; j++) {
                double d = s[j] - s[p];
                if (j != p) total += loss == NS_LOSS_BPR ? log1p(exp(d)) : WARP_WEIGHT * (d > -1 ? 1 + d : 0);
            }
        } else if (loss != NS_LOSS_SGNS && loss != NS_LOSS_NCE) {
            for (int j = 0; j < nb; j++) z += exp(s[j] - mx);
            total += log(z) + mx - s[p];
        } else {
            for (int j = 0; j < nb; j++) total += log1p(exp(y[j] > 0.5 ? -s[j] : s[j]));
        }
    }
    for (int r = 0; r < na + nb; r++)
        for (int t = 0; t < 8; t++) total += 0.5 * l2 * rows[r][t] * rows[r][t];
    return total;
}

/* d loss / d (row entry or bias) by central differences vs the update with
 * lr = 1, for a loss with or without shift, L2 and biases. The full softmax
 * and the pairwise losses put row i's positive in column (3i + 1) % nb, InfoNCE in column i with scores
 * scaled by 1 / temperature 0.5 (nb >= na). */
static void finite_differences(const ns_kernels *k, ns_loss loss, int na, int nb, float l2, int with_bias) {
    ns_rng r;
    ns__rng_seed(&r, 9, (uint64_t)(na * 10 + nb + 100 * loss + with_bias * 1000));
    float rows[12][8] = {{0}}, shift[8], bias[8];
    for (int i = 0; i < na + nb; i++)
        for (int t = 0; t < 5; t++) rows[i][t] = ns__rng_float(&r) * 2 - 1;
    for (int j = 0; j < nb; j++) shift[j] = ns__rng_float(&r) * 4 - 3, bias[j] = ns__rng_float(&r) - 1.6f;
    const float *sh = loss == NS_LOSS_NCE || loss == NS_LOSS_SOFTMAX_SAMPLED ? shift : NULL;
    int pos[4];
    int pairwise = loss == NS_LOSS_BPR || loss == NS_LOSS_WARP;
    for (int i = 0; i < na; i++) pos[i] = loss == NS_LOSS_SOFTMAX || pairwise ? (i * 3 + 1) % nb : i;
    const int *ps = loss == NS_LOSS_SOFTMAX || loss == NS_LOSS_INFONCE || pairwise ? pos : NULL;
    float scale = loss == NS_LOSS_INFONCE ? 2.0f : 1.0f;
    float *bi = with_bias ? bias : NULL;
    float y[8] = {1, 0, 0, 0, 0, 0, 0, 0};
    if (nb > 2 && loss == NS_LOSS_SGNS) y[2] = 1; /* several positives: still a valid loss */
    float moved[12][8], moved_bias[8];
    memcpy(moved, rows, sizeof rows);
    memcpy(moved_bias, bias, sizeof bias);
    double l0 = block_full(k, loss, moved, bi ? moved_bias : NULL, na, nb, y, sh, ps, scale, l2, 1.0f, 1);
    CHECK_NEAR(l0, reference_loss(loss, rows, bi, na, nb, y, sh, ps, scale, l2), 1e-5 * (1 + fabs(l0)));
    const double h = 1e-3;
    for (int i = 0; i < na + nb + (with_bias ? 1 : 0); i++)
        for (int t = 0; t < (i < na + nb ? 5 : nb); t++) {
            /* i == na + nb walks the biases (t = column). */
            float tmp[12][8], tb[8];
            double lpm[2];
            for (int sgn = 0; sgn < 2; sgn++) {
                memcpy(tmp, rows, sizeof rows);
                memcpy(tb, bias, sizeof bias);
                float *p = i < na + nb ? &tmp[i][t] : &tb[t];
                *p += (float)(sgn ? -h : h);
                lpm[sgn] = block_full(k, loss, tmp, bi ? tb : NULL, na, nb, y, sh, ps, scale, l2, 0.0f, 0);
            }
            double fd = (lpm[0] - lpm[1]) / (2 * h);
            double step = i < na + nb ? rows[i][t] - moved[i][t] : bias[t] - moved_bias[t];
            CHECK_NEAR(step, fd, 2e-3);
        }
}

int main(void) {
    const char *names[] = {"scalar", "avx2", "avx512"};
    for (int i = 0; i < 3; i++) {
        const ns_kernels *k = ns__kernels_pick(names[i]);
        if (!k) continue;
        worked_example(k);
        for (int loss = NS_LOSS_SGNS; loss <= NS_LOSS_WARP; loss++) {
            finite_differences(k, (ns_loss)loss, 1, 3, 0, 0);
            finite_differences(k, (ns_loss)loss, 4, 6, 0, 0);
            finite_differences(k, (ns_loss)loss, 4, 6, 0.3f, 1); /* L2 and biases */
        }
    }
    against_libm();
    return check_exit("test_loss");
}
