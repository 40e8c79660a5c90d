/*
 * logistic.c - the logistic loss of SGNS and NCE; see loss.h. The loop is
 * branch-free and calls no libm function (fastmath.h) so that it vectorises,
 * and is compiled for AVX-512, AVX2 and baseline x86-64 (target_clones): it
 * runs on every (input, output) pair of training.
 */
#include "loss.h"

#include "fastmath.h"

float ns__sigmoid(float x) {
    float l;
    return ns__sigmoid_log1pe(x, &l);
}

float ns__softplus(float x) {
    float l;
    ns__sigmoid_log1pe(x, &l);
    return (x > 0 ? x : 0.0f) + l;
}

NS_CLONES
double ns__loss_logistic(float *s, float *g, int n) {
    for (int t = 0; t < n; t++) {
        float x = s[t], y = g[t], l;
        float sig = ns__sigmoid_log1pe(x, &l);
        /* y = 1: softplus(-x); y = 0: softplus(x). */
        float z = y > 0.5f ? -x : x;
        s[t] = (z > 0 ? z : 0.0f) + l;
        g[t] = sig - y;
    }
    double total = 0.0;
    for (int t = 0; t < n; t++) total += s[t];
    return total;
}
