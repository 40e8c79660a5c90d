/*
 * fastmath.h - branch-free exp and log1p for the losses, so that their loops
 * vectorise (no libm calls).
 *   exp(x), x <= 0: 2^n * exp(r), n = round(x / ln 2), r = x - n ln 2 in
 *     [-ln2/2, ln2/2], exp(r) by its Taylor polynomial to degree 7
 *     (relative error < 2e-8 before float rounding); clamped at -87.
 *   log(1 + t), t in [0, 1]: z = t / (2 + t) in [0, 1/3],
 *     log(1 + t) = 2 atanh(z) = 2 (z + z^3/3 + ... + z^13/13)
 *     (relative error < 5e-9).
 */
#ifndef NS_FASTMATH_H
#define NS_FASTMATH_H

#include <stdint.h>
#include <string.h>

static inline float ns__exp_neg(float x) {
    x = x > -87.0f ? x : -87.0f; /* also maps NaN (a diverged model) to a finite value */
    /* Round to nearest by adding and subtracting 1.5 * 2^23. */
    float n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
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

static inline float ns__log1p_unit(float t) {
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

/* sigmoid(x), and *l = log(1 + exp(-|x|)) (softplus(x) = max(x, 0) + l,
 * softplus(-x) = max(-x, 0) + l), from one exp: what every logistic and
 * pairwise loss needs. */
static inline float ns__sigmoid_log1pe(float x, float *l) {
    float e = ns__exp_neg(-__builtin_fabsf(x)); /* exp(-|x|) in (0, 1] */
    float p = 1.0f / (1.0f + e);
    *l = ns__log1p_unit(e);
    return x >= 0 ? p : e * p;
}

/* GCC clones for AVX-512, AVX2 and baseline x86-64, chosen at load time. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_THREAD__)
#define NS_CLONES __attribute__((target_clones("avx512f", "arch=haswell", "default")))
#else
#define NS_CLONES
#endif

#endif
