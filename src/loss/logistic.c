/*
 * logistic.c - the logistic loss of SGNS and NCE; see loss.h. The loop is
 * branch-free and calls no libm function (fastmath.h) so that it vectorises,
 * and is compiled for AVX-512, AVX2 and baseline x86-64 (target_clones): it
 * runs on every (input, output) pair of training.
 */
#include "loss.h"

#include "fastmath.h"

float ns__sigmoid(float x) {
    float e = ns__exp_neg(-__builtin_fabsf(x)); /* exp(-|x|) in (0, 1] */
    float p = 1.0f / (1.0f + e);
    return x >= 0 ? p : e * p;
}

float ns__softplus(float x) {
    float e = ns__exp_neg(-__builtin_fabsf(x));
    return (x > 0 ? x : 0.0f) + ns__log1p_unit(e);
}

NS_CLONES
double ns__loss_logistic(float *s, float *g, int n) {
    for (int t = 0; t < n; t++) {
        float x = s[t], y = g[t];
        float e = ns__exp_neg(-__builtin_fabsf(x));
        float p = 1.0f / (1.0f + e);
        float sig = x >= 0 ? p : e * p;
        /* y = 1: softplus(-x); y = 0: softplus(x). */
        float z = y > 0.5f ? -x : x;
        s[t] = (z > 0 ? z : 0.0f) + ns__log1p_unit(e);
        g[t] = sig - y;
    }
    double total = 0.0;
    for (int t = 0; t < n; t++) total += s[t];
    return total;
}
