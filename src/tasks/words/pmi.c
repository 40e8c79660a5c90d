/*
 * pmi.c - what SGNS learns, checked on the user's own data (Levy & Goldberg
 * 2014): with k negatives from Pn, the loss of a (context x, centre y) pair
 * seen #(x,y) times is minimised at
 *   u_x . v_y = log( #(x,y) / (k #(x) Pn(y)) )
 *             = PMI(x,y) + log(P(y) / Pn(y)) - log k,
 * PMI(x,y) = log( #(x,y) D / (#(x) #(y)) ), P(y) = #(y) / D, D = all pairs.
 * For alpha = 1, Pn = P and the offset from PMI is -log k; for other alpha
 * it is the "smoothed" shift log(P(y)/Pn(y)) - log k, which depends on y.
 *
 * Counts use the trainer's window weighting (a context at distance d is in
 * the shrunk window with probability (W - d + 1) / W) and no subsampling;
 * marginals run over every pair of the corpus, the comparison over pairs of
 * the n most frequent words seen at least min_count (weighted) times.
 */
#include "core/core.h"
#include "io/io.h"
#include "model/model.h"
#include "sample/sample.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int by_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int64_t n) {
    qsort(v, (size_t)n, sizeof *v, by_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

void ns_pmi_report_free(ns_pmi_report *r) {
    free(r->pairs);
    r->pairs = NULL;
}

ns_status ns_pmi_compare(const ns_model *m, const ns_corpus *c, int32_t top_n, int32_t window,
                         double min_count, ns_pmi_report *out, ns_error *err) {
    ns__err_clear(err);
    memset(out, 0, sizeof *out);
    ns_status st = ns__model_check_corpus(m, c, err);
    if (st != NS_OK) return st;
    if (window < 1 || window > 1000) return ns__fail(err, NS_EINVAL, "window must be in 1..1000, got %d", window);
    if (top_n < 2 || top_n > 8192) return ns__fail(err, NS_EINVAL, "top-n must be in 2..8192, got %d", top_n);
    if (!(min_count > 0)) return ns__fail(err, NS_EINVAL, "min-count must be > 0, got %g", min_count);
    int32_t n = top_n < m->rows ? top_n : m->rows, V = m->rows;
    double *co = calloc((size_t)n * (size_t)n, sizeof *co), *mx = calloc((size_t)V, sizeof *mx),
           *my = calloc((size_t)V, sizeof *my), *pn = malloc((size_t)V * sizeof *pn);
    if (!co || !mx || !my || !pn) {
        free(co), free(mx), free(my), free(pn);
        return ns__nomem(err, "the co-occurrence counts", ((double)n * n + 3.0 * V) * sizeof *co);
    }
    double D = 0;
    for (int64_t s = 0; s < ns_corpus_sentences(c); s++) {
        int64_t len;
        const int32_t *ids = ns_corpus_sentence(c, s, &len);
        for (int64_t t = 0; t < len; t++)
            for (int64_t q = t - window; q <= t + window; q++) {
                if (q < 0 || q >= len || q == t) continue;
                double w = ns__window_weight(window, llabs(q - t));
                int32_t x = ids[q], y = ids[t];
                mx[x] += w, my[y] += w, D += w;
                if (x < n && y < n) co[(size_t)x * (size_t)n + (size_t)y] += w;
            }
    }
    /* The trainer's noise: count^alpha (or its weights were not saved: the
     * model's alpha is what can be reproduced). */
    double pn_sum = 0;
    for (int32_t i = 0; i < V; i++) pn_sum += pn[i] = ns__noise_weight(ns_vocab_count(m->vocab, i), m->opts.ns_exponent);
    int64_t cap = 0;
    for (size_t i = 0; i < (size_t)n * (size_t)n; i++) cap += co[i] >= min_count;
    double *a = NULL, *b = NULL, *d1 = NULL, *d2 = NULL;
    if (cap == 0) {
        st = ns__fail(err, NS_EEMPTY, "no pair of the %d most frequent words occurs %g times", n, min_count);
        goto done;
    }
    out->pairs = malloc((size_t)cap * sizeof *out->pairs);
    a = malloc((size_t)cap * sizeof *a), b = malloc((size_t)cap * sizeof *b);
    d1 = malloc((size_t)cap * sizeof *d1), d2 = malloc((size_t)cap * sizeof *d2);
    if (!out->pairs || !a || !b || !d1 || !d2) {
        st = ns__nomem(err, "the word pairs", (double)cap * (sizeof *out->pairs + 4 * sizeof *a));
        goto done;
    }
    const ns_kernels *k = ns__kernels_pick(NULL);
    double log_k = log((double)m->opts.neg), s_off = 0, s_res = 0, s_shift = 0;
    int64_t np = 0;
    for (int32_t x = 0; x < n; x++)
        for (int32_t y = 0; y < n; y++) {
            double cxy = co[(size_t)x * (size_t)n + (size_t)y];
            if (cxy < min_count || pn[y] <= 0) continue;
            ns_pmi_pair *p = &out->pairs[np];
            p->x = x, p->y = y, p->count = cxy;
            p->pmi = log(cxy * D / (mx[x] * my[y]));
            p->shift = log(my[y] / D) - log(pn[y] / pn_sum) - log_k;
            p->dot = k->dot(ns__in_row(m, x), ns__out_row(m, y), m->klen) + (m->bias ? m->bias[y] : 0.0);
            a[np] = p->dot, b[np] = p->pmi;
            d1[np] = p->dot - p->pmi, d2[np] = p->dot - p->pmi - p->shift;
            s_off += d1[np], s_res += d2[np], s_shift += p->shift;
            np++;
        }
    out->n_pairs = np;
    ns_pearson(a, b, np, &out->pearson, err);
    if ((st = ns_spearman(a, b, np, &out->spearman, err)) != NS_OK) goto done;
    out->mean_offset = s_off / (double)np;
    out->median_offset = median(d1, np);
    out->mean_shift = s_shift / (double)np;
    out->mean_residual = s_res / (double)np;
    out->median_residual = median(d2, np);
done:
    if (st != NS_OK) ns_pmi_report_free(out);
    free(co), free(mx), free(my), free(pn), free(a), free(b), free(d1), free(d2);
    return st;
}

ns_status ns_pmi_save_csv(const ns_pmi_report *r, const ns_model *m, const char *path, ns_error *err) {
    ns__err_clear(err);
    ns_outfile out;
    ns_status s = ns__out_open(&out, path, err);
    if (s != NS_OK) return s;
    fprintf(out.f, "context,centre,count,pmi,dot,shift\n");
    for (int64_t i = 0; i < r->n_pairs; i++) {
        const ns_pmi_pair *p = &r->pairs[i];
        fprintf(out.f, "%s,%s,%.6g,%.6g,%.6g,%.6g\n", ns_vocab_word(m->vocab, p->x), ns_vocab_word(m->vocab, p->y),
                p->count, p->pmi, p->dot, p->shift);
    }
    return ns__out_finish(&out, 1, err);
}
