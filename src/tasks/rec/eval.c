/*
 * eval.c - what a recommender scores, recommends, and how it is evaluated.
 *
 * A NaN score counts as -inf. Recommendations are ordered by score,
 * descending, ties to the lower id (the more popular: item ids follow
 * training counts). Evaluation ranks, for each user, all items that are not
 * its training positives by eval/rank.h's rule (ties count half), every
 * test item at its position in that one list; a user costs
 * O(items log |test|) beyond the scores.
 */
#include "core/core.h"
#include "data/vocab.h"
#include "eval/rank.h"
#include "tasks/rec/rec.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Scores of user u into sc; q: klen floats of scratch (item2vec). */
static void scores(const ns_rec *r, const ns_kernels *k, int32_t u, float *sc, float *q) {
    const ns_model *m = r->m;
    const ns_inter *x = r->train;
    int32_t n = ns_vocab_size(x->items);
    if (u < 0) {
        for (int32_t i = 0; i < n; i++) sc[i] = (float)ns_vocab_count(x->items, i);
    } else if (!ns__rec_is_item2vec(r)) {
        const float *a = ns__in_row(m, u);
        for (int32_t i = 0; i < n; i++) sc[i] = k->dot(a, ns__out_row(m, i), m->klen) + (m->bias ? m->bias[i] : 0.0f);
    } else {
        /* The cosine with the mean of the user's unit item vectors. */
        size_t st = (size_t)m->stride;
        int64_t len;
        const int32_t *items = ns_inter_user(x, u, &len);
        memset(q, 0, (size_t)m->klen * sizeof *q);
        for (int64_t h = 0; h < len; h++)
            for (int32_t d = 0; d < m->dim; d++) q[d] += r->unit[(size_t)items[h] * st + (size_t)d];
        float n2 = k->dot(q, q, m->klen), inv = n2 > 0 ? 1.0f / sqrtf(n2) : 0.0f;
        for (int32_t i = 0; i < n; i++) sc[i] = k->dot(q, r->unit + (size_t)i * st, m->klen) * inv;
    }
    for (int32_t i = 0; i < n; i++)
        if (isnan(sc[i])) sc[i] = -INFINITY;
}

ns_status ns_rec_scores(const ns_rec *r, int32_t u, float *sc, ns_error *err) {
    ns__err_clear(err);
    if (u >= ns_vocab_size(r->train->users))
        return ns__fail(err, NS_EINVAL, "user id %d is not in 0..%d", u, ns_vocab_size(r->train->users) - 1);
    float *q = ns__aligned((size_t)r->m->klen, sizeof *q, "the query vector", err);
    if (!q) return NS_ENOMEM;
    scores(r, ns__kernels_pick(NULL), u, sc, q);
    ns__free_aligned(q);
    return NS_OK;
}

/* Item a comes before item b. */
static inline int before(const float *sc, int32_t a, int32_t b) {
    return sc[a] > sc[b] || (sc[a] == sc[b] && a < b);
}

ns_status ns_rec_recommend(const ns_rec *r, int32_t u, int32_t k, ns_hit *hits, int32_t *out_n, ns_error *err) {
    ns__err_clear(err);
    int32_t n = ns_vocab_size(r->train->items), got = 0;
    *out_n = 0;
    if (k < 1) return ns__fail(err, NS_EINVAL, "recommend: k must be >= 1, got %d", k);
    float *sc = ns__malloc((size_t)n, sizeof *sc, "the item scores", err);
    ns_status s = sc ? ns_rec_scores(r, u, sc, err) : NS_ENOMEM;
    if (s != NS_OK) {
        free(sc);
        return s;
    }
    for (int32_t i = 0; i < n; i++) {
        if (u >= 0 && ns_inter_has(r->train, u, i)) continue;
        if (got == k && !before(sc, i, hits[k - 1].id)) continue;
        /* Insert i into the sorted hits, dropping the last when full. */
        int32_t at = got < k ? got++ : k - 1;
        while (at > 0 && before(sc, i, hits[at - 1].id)) hits[at] = hits[at - 1], at--;
        hits[at].id = i, hits[at].score = sc[i];
    }
    free(sc);
    *out_n = got;
    return NS_OK;
}

/* Adds the metrics of one user's ranked test items to sums. */
static void add_metrics(ns_rec_metrics *sum, const double *ranks, int64_t nt, const int32_t *ks, int n_ks) {
    for (int c = 0; c < n_ks; c++) {
        double recall, ndcg;
        int hit;
        ns__rank_list(ranks, nt, ks[c], &recall, &ndcg, &hit);
        sum->recall[c] += recall, sum->ndcg[c] += ndcg, sum->hr[c] += hit;
    }
    sum->mrr += 1.0 / ranks[0];
}

/* The ranks of the user's test items t[0..nt) by the scores all[0..n),
 * its training positives (seen[j] == mark) left out; t is sorted. */
static void rank_user(const float *all, int32_t n, const int32_t *seen, int32_t mark, int32_t *t, int64_t nt,
                      float *sc, int64_t *scratch, double *ranks) {
    for (int32_t j = 0; j < n; j++) sc[j] = seen[j] == mark ? NAN : all[j];
    ns__rank_many(sc, n, t, nt, scratch, ranks);
}

ns_status ns_rec_eval(const ns_rec *r, const ns_inter *test, const int32_t *ks, int n_ks, ns_rec_report *out,
                      ns_error *err) {
    ns__err_clear(err);
    if (n_ks < 1 || n_ks > NS_REC_MAX_K) return ns__fail(err, NS_EINVAL, "1 to %d cut-offs", NS_REC_MAX_K);
    for (int c = 0; c < n_ks; c++)
        if (ks[c] < 1) return ns__fail(err, NS_EINVAL, "cut-off K must be >= 1, got %d", ks[c]);
    const ns_inter *tr = r->train;
    if (!ns__vocab_same(test->users, tr->users) || !ns__vocab_same(test->items, tr->items))
        return ns__fail(err, NS_EINVAL, "the test interactions were not loaded against this model's training data");
    int32_t n_items = ns_vocab_size(tr->items), n_users = ns_vocab_size(tr->users);
    int64_t max_t = 0;
    for (int32_t u = 0; u < n_users; u++)
        if (test->start[u + 1] - test->start[u] > max_t) max_t = test->start[u + 1] - test->start[u];
    size_t ni = (size_t)n_items, nt_max = (size_t)(max_t ? max_t : 1);
    float *sc = ns__malloc(ni, sizeof *sc, "the item scores", err);
    float *pop = sc ? ns__malloc(ni, sizeof *pop, "the popularity scores", err) : NULL;
    float *left = pop ? ns__malloc(ni, sizeof *left, "the scores left to rank", err) : NULL;
    float *q = left ? ns__aligned((size_t)r->m->klen, sizeof *q, "the query vector", err) : NULL;
    int32_t *t = q ? ns__malloc(nt_max, sizeof *t, "a user's test items", err) : NULL;
    int64_t *scratch = t ? ns__malloc(2 * (nt_max + 1), sizeof *scratch, "the rank counters", err) : NULL;
    int32_t *seen = scratch ? ns__calloc(ni, sizeof *seen, "the training positives' marks", err) : NULL;
    double *ranks = seen ? ns__malloc(nt_max, sizeof *ranks, "a user's ranks", err) : NULL;
    ns_status s = ranks ? NS_OK : NS_ENOMEM;
    const ns_kernels *k = ns__kernels_pick(NULL);
    if (s == NS_OK) scores(r, k, -1, pop, q); /* the same for every user */
    memset(out, 0, sizeof *out);
    out->n_k = n_ks;
    for (int c = 0; c < n_ks; c++) out->k[c] = ks[c];
    for (int32_t u = 0; s == NS_OK && u < n_users; u++) {
        int64_t nt = 0, len;
        const int32_t *mine = ns_inter_user(tr, u, &len);
        for (int64_t h = 0; h < len; h++) seen[mine[h]] = u + 1;
        const int32_t *want = ns_inter_user(test, u, &len);
        for (int64_t h = 0; h < len; h++) {
            if (seen[want[h]] == u + 1) out->seen++;
            else t[nt++] = want[h];
        }
        if (nt == 0) continue;
        out->users++, out->positives += nt;
        double t0 = ns__now();
        scores(r, k, u, sc, q);
        rank_user(sc, n_items, seen, u + 1, t, nt, left, scratch, ranks);
        out->seconds += ns__now() - t0;
        add_metrics(&out->model, ranks, nt, ks, n_ks);
        rank_user(pop, n_items, seen, u + 1, t, nt, left, scratch, ranks);
        add_metrics(&out->popularity, ranks, nt, ks, n_ks);
    }
    free(sc), free(pop), free(left), free(t), free(scratch), free(seen), free(ranks), ns__free_aligned(q);
    if (s != NS_OK) return s;
    if (out->users == 0)
        return ns__fail(err, NS_EEMPTY, "no test positive to rank (%lld were training positives of the same user)",
                        (long long)out->seen);
    for (int which = 0; which < 2; which++) {
        ns_rec_metrics *s = which ? &out->popularity : &out->model;
        double n = (double)out->users;
        for (int c = 0; c < n_ks; c++) s->recall[c] /= n, s->ndcg[c] /= n, s->hr[c] /= n;
        s->mrr /= n;
    }
    return NS_OK;
}
