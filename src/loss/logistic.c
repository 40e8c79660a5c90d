/*
 * logistic.c - the SGNS (logistic) loss; see loss.h.
 *
 * exp and log1p are computed with short polynomials instead of libm calls,
 * branch-free so that the compiler can vectorise the loop: the loss runs on
 * every (input, output) pair of training, about 60 pairs per centre word.
 *   exp(x) = 2^n * exp(r), n = round(x / ln 2), r = x - n ln 2 in
 *     [-ln2/2, ln2/2], exp(r) by its Taylor polynomial to degree 7
 *     (relative error < 2e-8 before float rounding).
 *   log(1 + t), t in [0, 1]: z = t / (2 + t) in [0, 1/3],
 *     log(1 + t) = 2 atanh(z) = 2 (z + z^3/3 + ... + z^13/13)
 *     (relative error < 5e-9).
 */
#include "loss.h"

#include <stdint.h>
#include <string.h>

static inline float exp_neg(float x) {
    /* x <= 0 here; below -87 exp underflows to 0 (a denormal is as good). */
    x = x < -87.0f ? -87.0f : x;
    float n = __builtin_roundf(x * 1.44269504088896341f);
    float r = x - n * 0.693145751953125f - n * 1.428606765330187e-06f;
    float p = 1.0f / 5040.0f;
    p = p * r + 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    int32_t bits = ((int32_t)n + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

static inline float log1p_unit(float t) {
    float z = t / (2.0f + t), z2 = z * z;
    float p = 1.0f / 13.0f;
    p = p * z2 + 1.0f / 11.0f;
    p = p * z2 + 1.0f / 9.0f;
    p = p * z2 + 1.0f / 7.0f;
    p = p * z2 + 1.0f / 5.0f;
    p = p * z2 + 1.0f / 3.0f;
    p = p * z2 + 1.0f;
    return 2.0f * z * p;
}

float ns__sigmoid(float x) {
    float e = exp_neg(-__builtin_fabsf(x)); /* exp(-|x|) in (0, 1] */
    float p = 1.0f / (1.0f + e);
    return x >= 0 ? p : e * p;
}

float ns__softplus(float x) {
    float e = exp_neg(-__builtin_fabsf(x));
    return (x > 0 ? x : 0.0f) + log1p_unit(e);
}

double ns__loss_logistic(const float *s, const float *y, int nrows, int n, float *g) {
    double total = 0.0;
    for (int i = 0; i < nrows; i++) {
        const float *si = s + (long)i * n;
        float *gi = g + (long)i * n;
        float row = 0.0f;
        for (int j = 0; j < n; j++) {
            float x = si[j];
            float e = exp_neg(-__builtin_fabsf(x));
            float p = 1.0f / (1.0f + e);
            float sig = x >= 0 ? p : e * p;
            /* y = 1: softplus(-x); y = 0: softplus(x). */
            float z = y[j] > 0.5f ? -x : x;
            row += (z > 0 ? z : 0.0f) + log1p_unit(e);
            gi[j] = sig - y[j];
        }
        total += row;
    }
    return total;
}
