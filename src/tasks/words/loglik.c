/*
 * loglik.c - held-out log-likelihood of a word model: how well the model's
 * scores predict the centre word y from a context word x on text it was not
 * trained on (the skip-gram conditional the trainer fits):
 *   log P(y | x) = s(x, y) - log Z(x),   s(x, y) = in[x] . out[y] + bias[y],
 *   Z(x) = sum over every word y' of exp(s(x, y')).
 * Pairs are weighted as the trainer sees them: a context at distance d of
 * the centre is inside the shrunk window (uniform in 1..W) with probability
 * (W - d + 1) / W. No subsampling. log Z(x) is computed once per distinct
 * context word (V dot products each), so the cost is V^2 d at worst: for
 * small vocabularies, where the exact softmax is the reference.
 */
#include "core/core.h"
#include "model/model.h"
#include "sample/sample.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* log Z(x) in double precision over one row of scores. */
static double log_partition(const ns_model *m, const ns_kernels *k, int32_t x, float *s) {
    const float *a = ns__in_row(m, x);
    const int32_t chunk = 256;
    const float *B[256];
    for (int32_t y0 = 0; y0 < m->rows; y0 += chunk) {
        int32_t nb = m->rows - y0 < chunk ? m->rows - y0 : chunk;
        for (int32_t j = 0; j < nb; j++) B[j] = ns__out_row(m, y0 + j);
        k->scores(&a, 1, B, nb, m->klen, s + y0);
    }
    double mx = -INFINITY, z = 0;
    for (int32_t y = 0; y < m->rows; y++) {
        if (m->bias) s[y] += m->bias[y];
        if (s[y] > mx) mx = s[y];
    }
    for (int32_t y = 0; y < m->rows; y++) z += exp((double)s[y] - mx);
    return mx + log(z);
}

ns_status ns_eval_loglik(const ns_model *m, const ns_corpus *c, int32_t window,
                         ns_loglik_report *out, ns_error *err) {
    ns__err_clear(err);
    if (window < 1 || window > 1000) return ns__fail(err, NS_EINVAL, "window must be in 1..1000, got %d", window);
    ns_status st = ns__model_check_corpus(m, c, err);
    if (st != NS_OK) return st;
    const ns_kernels *k = ns__kernels_pick(NULL);
    double *logz = malloc((size_t)m->rows * sizeof *logz);
    float *s = malloc((size_t)m->rows * sizeof *s);
    if (!logz || !s) {
        free(logz), free(s);
        return ns__nomem(err, "the log-partition cache", (double)m->rows * (sizeof *logz + sizeof *s));
    }
    for (int32_t x = 0; x < m->rows; x++) logz[x] = NAN; /* not computed yet */
    memset(out, 0, sizeof *out);
    double w_sum = 0, lp = 0, sc = 0, lz = 0;
    for (int64_t si = 0; si < ns_corpus_sentences(c); si++) {
        int64_t len;
        const int32_t *ids = ns_corpus_sentence(c, si, &len);
        for (int64_t t = 0; t < len; t++) {
            int32_t y = ids[t];
            for (int64_t q = t - window; q <= t + window; q++) {
                if (q < 0 || q >= len || q == t) continue;
                int32_t x = ids[q];
                double w = ns__window_weight(window, llabs(q - t));
                if (isnan(logz[x])) logz[x] = log_partition(m, k, x, s);
                double score = k->dot(ns__in_row(m, x), ns__out_row(m, y), m->klen) +
                               (m->bias ? m->bias[y] : 0.0);
                w_sum += w, sc += w * score, lz += w * logz[x], lp += w * (score - logz[x]);
                out->pairs++;
            }
        }
    }
    free(logz), free(s);
    if (out->pairs == 0) return ns__fail(err, NS_EEMPTY, "no (context, centre) pair in the held-out text");
    out->weight = w_sum;
    out->mean_logp = lp / w_sum;
    out->mean_score = sc / w_sum;
    out->mean_logz = lz / w_sum;
    return NS_OK;
}
