/*
 * kg.c - filtered link prediction and top-k answers for knowledge-graph
 * models.
 *
 * A tail query (h, r, ?) is the query vector q of (h, r) against every
 * entity row; a head query (?, r, t) the head-side q of (t, r) (model/kg.h).
 * Queries go in blocks of QB; a block's scores against all entities are
 * computed in entity blocks of EB rows (so the rows are reused from cache
 * QB times) into a QB x entities matrix, in which the known answers other
 * than the target (filter) are left out and the target ranked by
 * eval/rank.h's rule (ties count half).
 * Every rank is stored and the metrics summed in query order afterwards,
 * so the figures do not depend on the number of threads.
 */
#include "negsamp.h"

#include "core/core.h"
#include "eval/rank.h"
#include "tasks/kg/triples.h"
#include "tasks/kg/kg.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define QB 32
#define EB 128

typedef struct eval_job {
    const ns_kg *m;
    const ns_triples *test;
    const ns_kg_filter *filter;
    const ns_kernels *kern;
    const float **ents;      /* every entity row */
    int64_t n;               /* triples ranked */
    double *rank;            /* 2 n: tail ranks, then head ranks */
    atomic_llong next;       /* next block of queries (2 n queries) */
    atomic_int nomem;
} eval_job;

/* Scores of queries q[0..nq) against every entity into s (nq x ne). */
static void score_all(const ns_kg *m, const ns_kernels *kn, const float **ents, const float *const *q, int nq,
                      float *blk, float *s) {
    int metric = ns__kg_metric(m);
    for (int32_t e0 = 0; e0 < m->ne; e0 += EB) {
        int nb = m->ne - e0 < EB ? m->ne - e0 : EB;
        if (metric < 0) kn->scores(q, nq, ents + e0, nb, m->n, blk);
        else kn->dist(q, nq, ents + e0, nb, m->n, metric, blk);
        for (int i = 0; i < nq; i++)
            for (int j = 0; j < nb; j++) s[(size_t)i * m->ne + e0 + j] = ns__kg_f(metric, blk[i * nb + j]);
    }
}

/* The rank of `target` among the scores s[0..ne), known answers left out
 * (s is scratch). */
static double rank_of(float *s, int32_t ne, int32_t target, const ns_key3 *ans, int64_t na) {
    for (int64_t a = 0; a < na; a++)
        if (ans[a].c != target) s[ans[a].c] = NAN;
    return ns__rank_one(s, ne, target);
}

static void *eval_work(void *arg) {
    eval_job *j = arg;
    const ns_kg *m = j->m;
    const ns_triples *t = j->test;
    int n = m->n, cw = 2 * (m->half ? m->half : 1);
    float *q = ns__alloc_aligned((size_t)QB * n, sizeof(float)), *cs = ns__alloc_aligned((size_t)cw, sizeof(float));
    float *blk = malloc((size_t)QB * EB * sizeof(float)), *s = malloc((size_t)QB * (size_t)m->ne * sizeof(float));
    const float *rows[QB];
    int64_t which[QB];
    if (!q || !cs || !blk || !s) {
        atomic_store(&j->nomem, 1);
        goto done;
    }
    for (;;) {
        int64_t b = atomic_fetch_add(&j->next, QB);
        if (b >= 2 * j->n) break;
        int nq = 0;
        for (int64_t k = b; k < b + QB && k < 2 * j->n; k++) {
            int side = k >= j->n;
            int64_t i = side ? k - j->n : k;
            if (t->h[i] < 0 || t->r[i] < 0 || t->t[i] < 0) {
                j->rank[k] = m->ne; /* unknown: the worst rank */
                continue;
            }
            const float *rel = ns__kg_rel(m, t->r[i]);
            ns__kg_phases(m, rel, cs);
            ns__kg_query(m, side, ns__kg_ent(m, side ? t->t[i] : t->h[i]), rel, cs, q + (size_t)nq * n);
            rows[nq] = q + (size_t)nq * n, which[nq++] = k;
        }
        score_all(m, j->kern, j->ents, rows, nq, blk, s);
        for (int a = 0; a < nq; a++) {
            int64_t k = which[a];
            int side = k >= j->n;
            int64_t i = side ? k - j->n : k, na = 0;
            const ns_key3 *ans =
                j->filter ? ns__filter_answers(j->filter, side, t->r[i], side ? t->t[i] : t->h[i], &na) : NULL;
            j->rank[k] = rank_of(s + (size_t)a * m->ne, m->ne, side ? t->h[i] : t->t[i], ans, na);
        }
    }
done:
    ns__free_aligned(q), ns__free_aligned(cs);
    free(blk), free(s);
    return NULL;
}

static const int32_t kg_ks[3] = {1, 3, 10};

static ns_kg_metrics metrics_of(const ns__rank_sums *x) {
    ns_kg_metrics m = {.n = x->n};
    if (x->n == 0) return m;
    double n = (double)x->n;
    m.mr = x->rank / n, m.mrr = x->rr / n;
    m.hits1 = (double)x->hits[0] / n, m.hits3 = (double)x->hits[1] / n, m.hits10 = (double)x->hits[2] / n;
    return m;
}

void ns_kg_report_free(ns_kg_report *r) {
    if (!r) return;
    free(r->per_relation);
    r->per_relation = NULL;
}

ns_status ns_kg_eval(const ns_kg *m, const ns_triples *test, const ns_kg_filter *filter, int32_t threads,
                     int per_relation, int64_t max, ns_kg_report *out, ns_error *err) {
    ns__err_clear(err);
    memset(out, 0, sizeof *out);
    if (threads < 1) return ns__fail(err, NS_EINVAL, "threads must be >= 1 (got %d)", threads);
    for (int64_t i = 0; i < test->n; i++)
        if (test->h[i] >= m->ne || test->t[i] >= m->ne || test->r[i] >= m->nr)
            return ns__fail(err, NS_EINVAL, "test triple %lld is not over the model's vocabularies", (long long)i + 1);
    double t0 = ns__now();
    eval_job j = {.m = m, .test = test, .filter = filter, .kern = ns__kernels_pick(NULL)};
    j.n = max > 0 && max < test->n ? max : test->n;
    atomic_init(&j.next, 0), atomic_init(&j.nomem, 0);
    int32_t nrel = per_relation ? m->nr : 0;
    ns__rank_sums all, side_sums[2], *rel = NULL;
    ns__rank_sums_init(&all, kg_ks, 3), ns__rank_sums_init(&side_sums[0], kg_ks, 3);
    ns__rank_sums_init(&side_sums[1], kg_ks, 3);
    pthread_t *th = NULL;
    j.ents = ns__malloc((size_t)m->ne, sizeof *j.ents, "the entity rows", err);
    if (j.ents) j.rank = ns__malloc((size_t)(2 * j.n), sizeof *j.rank, "the ranks", err);
    if (j.rank) th = ns__malloc((size_t)threads, sizeof *th, "the threads", err);
    if (th && nrel) rel = ns__malloc((size_t)nrel, sizeof *rel, "the per-relation sums", err);
    if (th && nrel && rel)
        out->per_relation = ns__calloc((size_t)nrel, sizeof *out->per_relation, "the per-relation metrics", err);
    ns_status s = th && (!nrel || out->per_relation) ? NS_OK : NS_ENOMEM;
    if (s == NS_OK) {
        int started = 0;
        for (int32_t e = 0; e < m->ne; e++) j.ents[e] = ns__kg_ent(m, e);
        for (int32_t r = 0; r < nrel; r++) ns__rank_sums_init(&rel[r], kg_ks, 3);
        for (; started < threads; started++)
            if (pthread_create(&th[started], NULL, eval_work, &j) != 0) break;
        if (started == 0) eval_work(&j);
        for (int t = 0; t < started; t++) pthread_join(th[t], NULL);
        if (atomic_load(&j.nomem))
            s = ns__nomem(err, "the score blocks of the evaluation", (double)QB * (double)m->ne * sizeof(float));
    }
    for (int64_t k = 0; s == NS_OK && k < 2 * j.n; k++) {
        int side = k >= j.n;
        int64_t i = side ? k - j.n : k;
        ns__rank_sums_add(&all, j.rank[k]);
        ns__rank_sums_add(&side_sums[side], j.rank[k]);
        if (test->h[i] < 0 || test->r[i] < 0 || test->t[i] < 0) out->unknown += !side;
        else if (nrel) ns__rank_sums_add(&rel[test->r[i]], j.rank[k]);
    }
    if (s == NS_OK) {
        out->all = metrics_of(&all), out->tail = metrics_of(&side_sums[0]), out->head = metrics_of(&side_sums[1]);
        for (int32_t r = 0; r < nrel; r++) out->per_relation[r] = metrics_of(&rel[r]);
        out->triples = j.n, out->relations = nrel;
        out->seconds = ns__now() - t0;
    } else {
        ns_kg_report_free(out);
    }
    free(j.ents), free(j.rank), free(th), free(rel);
    return s;
}

static int hit_order(const void *x, const void *y) {
    const ns_hit *a = x, *b = y;
    if (a->score != b->score) return a->score > b->score ? -1 : 1;
    return (a->id > b->id) - (a->id < b->id);
}

ns_status ns_kg_predict(const ns_kg *m, int32_t head, int32_t rel, int32_t tail, const ns_kg_filter *filter,
                        int32_t k, ns_hit *hits, int32_t *n_out, ns_error *err) {
    ns__err_clear(err);
    *n_out = 0;
    int side = head < 0;
    int32_t x = side ? tail : head;
    if (k < 1) return ns__fail(err, NS_EINVAL, "predict: k must be >= 1, got %d", k);
    if ((head < 0) == (tail < 0)) return ns__fail(err, NS_EINVAL, "predict: exactly one of head and tail must be < 0");
    if (x >= m->ne || rel < 0 || rel >= m->nr)
        return ns__fail(err, NS_EINVAL, "predict: ids out of range (entities 0..%d, relations 0..%d)", m->ne - 1,
                        m->nr - 1);
    const ns_kernels *kn = ns__kernels_pick(NULL);
    int cw = 2 * (m->half ? m->half : 1);
    size_t ne = (size_t)m->ne;
    float *q = ns__aligned((size_t)m->n, sizeof(float), "the query vector", err);
    float *cs = q ? ns__aligned((size_t)cw, sizeof(float), "the phases", err) : NULL;
    float *blk = cs ? ns__malloc(EB, sizeof(float), "a score block", err) : NULL;
    float *s = blk ? ns__malloc(ne, sizeof(float), "the entity scores", err) : NULL;
    const float **ents = s ? ns__malloc(ne, sizeof *ents, "the entity rows", err) : NULL;
    ns_hit *all = ents ? ns__malloc(ne, sizeof *all, "the answers", err) : NULL;
    ns_status st = all ? NS_OK : NS_ENOMEM;
    if (st == NS_OK) {
        for (int32_t e = 0; e < m->ne; e++) ents[e] = ns__kg_ent(m, e);
        const float *r = ns__kg_rel(m, rel);
        ns__kg_phases(m, r, cs);
        ns__kg_query(m, side, ns__kg_ent(m, x), r, cs, q);
        const float *qr[1] = {q};
        score_all(m, kn, ents, qr, 1, blk, s);
        int64_t na = 0;
        const ns_key3 *ans = filter ? ns__filter_answers(filter, side, rel, x, &na) : NULL;
        int32_t n = 0;
        for (int32_t e = 0; e < m->ne; e++)
            if (!(ans && ns__filter_in(ans, na, e))) all[n++] = (ns_hit){e, isnan(s[e]) ? -INFINITY : s[e]};
        qsort(all, (size_t)n, sizeof *all, hit_order);
        *n_out = n < k ? n : k;
        memcpy(hits, all, (size_t)*n_out * sizeof *hits);
    }
    ns__free_aligned(q), ns__free_aligned(cs);
    free(blk), free(s), free(ents), free(all);
    return st;
}
