/*
 * walk.c - DeepWalk's and node2vec's random walks, made as the word
 * trainer asks for them, the walks file, and the graph options.
 *
 * node2vec's second-order step from v (reached from t) draws x with weight
 * w(v,x) a(t,x), a = 1/p for x = t, 1 for a neighbour of t (an arc x -> t,
 * as node2vec's reference tests it), 1/q otherwise. Precomputed per-arc
 * alias tables (the reference's) need memory proportional to the sum of
 * the squared degrees; here a step is drawn by rejection instead: propose x
 * by weight (v's alias table, or uniformly), accept it with probability
 * a(t,x) / max(1/p, 1, 1/q). The accepted x has exactly node2vec's
 * distribution; a trial costs one binary search in x's neighbour list, and
 * a step takes max(1/p,1,1/q) / E[a] trials on average (1 for p = q = 1,
 * at most max/min of the three).
 */
#include "tasks/graph/graph.h"

#include "core/core.h"
#include "data/vocab.h"
#include "io/io.h"
#include "model/model.h"
#include "tasks/words/corpus.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const method_names[] = {"deepwalk", "node2vec", "line"};

const char *ns_graph_method_name(ns_graph_method m) {
    return (unsigned)m < 3 ? method_names[m] : "unknown";
}

int ns_graph_method_parse(const char *name) {
    for (int i = 0; i < 3; i++)
        if (!strcmp(name, method_names[i])) return i;
    return -1;
}

void ns_graph_opts_default(ns_graph_opts *o) {
    o->method = NS_GRAPH_DEEPWALK;
    o->walks_per_node = 10;
    o->walk_length = 80;
    o->p = 1;
    o->q = 1;
    o->order = 2;
}

ns_status ns_graph_opts_check(const ns_graph_opts *o, ns_error *err) {
    ns__err_clear(err);
    if ((unsigned)o->method > NS_GRAPH_LINE) return ns__fail(err, NS_EINVAL, "unknown graph method %d", (int)o->method);
    if (o->walks_per_node < 1 || o->walks_per_node > 100000)
        return ns__fail(err, NS_EINVAL, "walks-per-node must be in 1..100000, got %d", o->walks_per_node);
    if (o->walk_length < 2 || o->walk_length > 100000)
        return ns__fail(err, NS_EINVAL, "walk-length must be in 2..100000, got %d", o->walk_length);
    if (!(o->p >= 1e-3 && o->p <= 1e3) || !(o->q >= 1e-3 && o->q <= 1e3))
        return ns__fail(err, NS_EINVAL, "p and q must be in [0.001, 1000], got %g and %g", o->p, o->q);
    if (o->order < 1 || o->order > 3)
        return ns__fail(err, NS_EINVAL, "order must be 1, 2 or 3 (both), got %d", o->order);
    return NS_OK;
}

int64_t ns__graph_walk(const ns_graph *g, const ns_graph_opts *go, int32_t start, ns_rng *rng, int32_t *out) {
    int64_t n = 0, len = go->walk_length;
    int second = go->method == NS_GRAPH_NODE2VEC && !(go->p == 1 && go->q == 1);
    double ip = 1 / go->p, iq = 1 / go->q, top = ip > 1 ? ip : 1;
    if (iq > top) top = iq;
    /* acceptance as thresholds on 53 random bits: return, neighbour, out */
    double acc[3] = {ip / top, 1 / top, iq / top};
    int32_t prev = -1, cur = start;
    out[n++] = start;
    while (n < len && g->off[cur + 1] > g->off[cur]) {
        int32_t x = ns__graph_step(g, cur, rng);
        while (second && prev >= 0) {
            double a = x == prev ? acc[0] : ns_graph_has_arc(g, x, prev) ? acc[1] : acc[2];
            if (a >= 1 || (double)(ns__rng_next(rng) >> 11) * 0x1p-53 < a) break;
            x = ns__graph_step(g, cur, rng);
        }
        prev = cur, cur = x;
        out[n++] = x;
    }
    return n;
}

/* The walks as the word trainer's sentences: item i of an epoch starts at
 * node i mod n (walks_per_node rounds over the nodes; the order shuffled). */
typedef struct walks {
    const ns_graph *g;
    const ns_graph_opts *go;
} walks;

static const int32_t *walk_get(const void *data, int64_t i, ns_rng *rng, int32_t *buf, int64_t *len) {
    const walks *w = data;
    *len = ns__graph_walk(w->g, w->go, (int32_t)(i % w->g->n), rng, buf);
    return buf;
}

void ns__graph_mark(ns_model *m, const ns_graph *g, const ns_graph_opts *go) {
    ns_corpus_opts_default(&m->corpus);
    m->corpus.min_count = 1; /* every node, whatever its degree */
    m->is_graph = 1, m->graph = *go, m->graph.undirected = g->st.undirected;
}

ns_status ns_graph_train(ns_model **mp, const ns_graph *g, const ns_graph_opts *go, const ns_train_opts *o,
                         const ns_train_hooks *h, ns_error *err) {
    ns__err_clear(err);
    ns_status s = ns_graph_opts_check(go, err);
    if (s == NS_OK) s = ns_train_opts_check(o, err);
    if (s != NS_OK) return s;
    if (o->maxn > 0) return ns__fail(err, NS_EINVAL, "subwords (maxn %d) are for text, not graphs", o->maxn);
    if (*mp && !ns__vocab_same(ns_model_vocab(*mp), g->vocab))
        return ns__fail(err, NS_EINVAL, "the model's nodes (%d) are not the graph's (%d, in degree order)",
                        ns_vocab_size(ns_model_vocab(*mp)), g->n);
    if (go->method == NS_GRAPH_LINE) return ns__graph_train_line(mp, g, go, o, h, err);
    if (o->task != NS_TASK_SKIPGRAM && o->task != NS_TASK_CBOW)
        return ns__fail(err, NS_EINVAL, "walks train skip-gram or CBOW, not task %d", (int)o->task);
    ns_model *fresh = NULL;
    if (!*mp && (s = ns_model_create(&fresh, g->vocab, o, err)) != NS_OK) return s;
    ns_model *m = *mp ? *mp : fresh;
    walks w = {g, go};
    int64_t n = (int64_t)go->walks_per_node * g->n;
    ns__sentences src = {n, n * go->walk_length, go->walk_length, walk_get, NULL,
                         ns__malloc((size_t)n, sizeof(int64_t), "the order of the walks", err), &w, g->off, g->adj,
                         NULL};
    if (!src.order) s = NS_ENOMEM;
    for (int64_t i = 0; s == NS_OK && i < n; i++) src.order[i] = i;
    if (s == NS_OK) {
        ns_rng rng;
        ns__rng_seed(&rng, o->seed, 0x6772617068ULL);
        ns__shuffle(src.order, n, &rng); /* every shard holds walks from all over the graph */
        ns__graph_mark(m, g, go);
        s = ns__train_words_from(m, &src, o, h, NULL, err);
    }
    free(src.order);
    if (fresh && s != NS_OK && s != NS_ECANCELED) ns_model_free(fresh);
    else if (fresh) *mp = fresh;
    return s;
}

ns_status ns_graph_save_walks(const ns_graph *g, const ns_graph_opts *go, uint64_t seed, const char *path,
                              ns_error *err) {
    ns__err_clear(err);
    ns_status s = ns_graph_opts_check(go, err);
    if (s != NS_OK) return s;
    if (go->method == NS_GRAPH_LINE) return ns__fail(err, NS_EINVAL, "LINE draws edges, not walks");
    int32_t *buf = ns__malloc((size_t)go->walk_length, sizeof *buf, "a walk", err);
    int64_t *order = ns__malloc((size_t)g->n, sizeof *order, "the order of the nodes", err);
    ns_outfile f = {0};
    if (!buf || !order) s = NS_ENOMEM;
    if (s == NS_OK) s = ns__out_open(&f, path, err);
    ns_rng rng;
    ns__rng_seed(&rng, seed, 0x77616c6b73ULL);
    for (int32_t r = 0; s == NS_OK && r < go->walks_per_node; r++) {
        for (int32_t u = 0; u < g->n; u++) order[u] = u;
        ns__shuffle(order, g->n, &rng);
        for (int32_t k = 0; k < g->n; k++) {
            int64_t len = ns__graph_walk(g, go, (int32_t)order[k], &rng, buf);
            for (int64_t i = 0; i < len; i++) {
                fputs(ns_vocab_word(g->vocab, buf[i]), f.f);
                fputc(i + 1 < len ? ' ' : '\n', f.f);
            }
        }
    }
    if (f.f) {
        ns_status fs = ns__out_finish(&f, s == NS_OK, err);
        if (s == NS_OK) s = fs;
    }
    free(buf), free(order);
    return s;
}
