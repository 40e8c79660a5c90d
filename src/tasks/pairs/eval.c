/*
 * eval.c - ranking evaluation of a pair model: for each held-out pair
 * (left, right), every right item is scored against left (u . v + bias)
 * and the true right item's rank among them gives Recall@K and the mean
 * reciprocal rank. Filtered: the other right items known to go with the
 * same left item (in the held-out pairs or in the filter sets, e.g. the
 * training pairs) are left out of the ranking, as in knowledge-graph and
 * recommender evaluations. Ranks follow eval/rank.h (ties count half).
 */
#include "core/core.h"
#include "data/vocab.h"
#include "eval/rank.h"
#include "model/model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int by_key(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Every known (left, right) as a sorted array of keys left << 32 | right. */
static ns_status known_pairs(const ns_pairs *test, const ns_pairs *const *filter, int n_filter,
                             uint64_t **out, int64_t *n, ns_error *err) {
    int64_t total = ns_pairs_count(test);
    for (int f = 0; f < n_filter; f++) total += ns_pairs_count(filter[f]);
    uint64_t *keys = ns__malloc((size_t)(total ? total : 1), sizeof *keys, "the known pairs", err);
    if (!keys) return NS_ENOMEM;
    *n = 0;
    for (int f = -1; f < n_filter; f++) {
        const ns_pairs *p = f < 0 ? test : filter[f];
        for (int64_t i = 0; i < ns_pairs_count(p); i++) {
            int32_t l, r;
            ns_pairs_get(p, i, &l, &r, NULL);
            if (l >= 0 && r >= 0) keys[(*n)++] = (uint64_t)l << 32 | (uint32_t)r;
        }
    }
    qsort(keys, (size_t)*n, sizeof *keys, by_key);
    *out = keys;
    return NS_OK;
}

ns_status ns_eval_pairs(const ns_model *m, const ns_pairs *test, const ns_pairs *const *filter,
                        int n_filter, const int32_t *ks, int n_ks, ns_rank_report *out, ns_error *err) {
    ns__err_clear(err);
    if (n_ks < 0 || n_ks > NS_RANK_MAX_K) return ns__fail(err, NS_EINVAL, "at most %d cut-offs", NS_RANK_MAX_K);
    for (int i = 0; i < n_ks; i++)
        if (ks[i] < 1) return ns__fail(err, NS_EINVAL, "cut-off K must be >= 1, got %d", ks[i]);
    if (!ns__vocab_same(ns_pairs_left_vocab(test), ns_model_vocab(m)) ||
        !ns__vocab_same(ns_pairs_right_vocab(test), ns_model_vocab_out(m)))
        return ns__fail(err, NS_EINVAL, "the held-out pairs were not loaded with this model");
    for (int f = 0; f < n_filter; f++)
        if (!ns__vocab_same(ns_pairs_left_vocab(filter[f]), ns_model_vocab(m)))
            return ns__fail(err, NS_EINVAL, "filter pairs were not loaded with this model");
    uint64_t *keys;
    int64_t n_keys;
    ns_status s = known_pairs(test, filter, n_filter, &keys, &n_keys, err);
    if (s != NS_OK) return s;
    int32_t R = m->rows_out;
    const ns_kernels *k = ns__kernels_pick(NULL);
    float *sc = ns__malloc((size_t)R, sizeof *sc, "the right items' scores", err);
    const float **B = sc ? ns__malloc((size_t)R, sizeof *B, "the right items' rows", err) : NULL;
    if (!B) {
        free(keys), free(sc), free(B);
        return NS_ENOMEM;
    }
    for (int32_t j = 0; j < R; j++) B[j] = ns__out_row(m, j);
    memset(out, 0, sizeof *out);
    ns__rank_sums sums;
    ns__rank_sums_init(&sums, ks, n_ks);
    for (int64_t i = 0; i < ns_pairs_count(test); i++) {
        int32_t l, r;
        ns_pairs_get(test, i, &l, &r, NULL);
        out->queries++;
        if (l < 0 || r < 0) continue;
        const float *a = ns__in_row(m, l);
        for (int32_t j0 = 0; j0 < R; j0 += 4096)
            k->scores(&a, 1, B + j0, R - j0 < 4096 ? R - j0 : 4096, m->klen, sc + j0);
        if (m->bias)
            for (int32_t j = 0; j < R; j++) sc[j] += m->bias[j];
        /* Leave out the other known right items of l. */
        uint64_t lo = (uint64_t)l << 32;
        int64_t a0 = 0, a1 = n_keys;
        while (a0 < a1) {
            int64_t mid = (a0 + a1) / 2;
            if (keys[mid] < lo) a0 = mid + 1;
            else a1 = mid;
        }
        for (int64_t q = a0; q < n_keys && keys[q] >> 32 == (uint64_t)l; q++)
            if ((int32_t)(uint32_t)keys[q] != r) sc[(uint32_t)keys[q]] = NAN;
        ns__rank_sums_add(&sums, ns__rank_one(sc, R, r));
    }
    free(keys), free(sc), free(B);
    out->covered = sums.n;
    if (out->covered == 0) return ns__fail(err, NS_EEMPTY, "no held-out pair has both items in the model");
    double n = (double)sums.n;
    out->mrr = sums.rr / n, out->mean_rank = sums.rank / n, out->n_k = n_ks;
    for (int t = 0; t < n_ks; t++) out->k[t] = ks[t], out->recall[t] = (double)sums.hits[t] / n;
    return NS_OK;
}
