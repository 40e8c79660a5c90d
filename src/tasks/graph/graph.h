/*
 * graph.h - the graph task: an edge list in compressed sparse rows, the
 * walks (DeepWalk, node2vec) and LINE's edge sampling, and the evaluations
 * (node classification, link prediction).
 */
#ifndef NS_GRAPH_H
#define NS_GRAPH_H

#include "negsamp.h"

#include "sample/sample.h"

/* Node u's out-arcs are adj[off[u] .. off[u + 1]), sorted by target; with
 * weights, w[] alongside and cells[] the per-node alias tables (indices
 * local to the node). */
struct ns_graph {
    ns_vocab *vocab;
    int32_t n;
    int64_t *off;
    int32_t *adj;
    float *w;              /* NULL: every weight is 1 */
    ns_alias_cell *cells;  /* NULL when unweighted */
    ns_graph_stats st;
};

/* One step of a first-order walk from u (out-degree >= 1): a neighbour by
 * weight. */
static inline int32_t ns__graph_step(const ns_graph *g, int32_t u, ns_rng *rng) {
    int64_t a = g->off[u];
    uint32_t d = (uint32_t)(g->off[u + 1] - a);
    return g->adj[a + (g->cells ? ns__alias_draw_cells(g->cells + a, d, rng) : (int32_t)ns__rng_below(rng, d))];
}

/* A walk of up to len nodes from `start` into out; returns its length
 * (shorter when it reaches a node without out-arcs). node2vec's bias when
 * go->method is NS_GRAPH_NODE2VEC. */
int64_t ns__graph_walk(const ns_graph *g, const ns_graph_opts *go, int32_t start, ns_rng *rng, int32_t *out);

/* Node classification's top-k rule (eval.c): the k labels of highest
 * score (ties to the lower label) are predicted for a node whose true
 * labels are truth[0..k); adds its true positives, false positives and
 * false negatives to counts[3 l + 0, 1, 2] of each label l. order: L ints
 * of scratch. */
void ns__topk_count(const double *score, int32_t L, const int32_t *truth, int32_t k, int32_t *order, int64_t *counts);
/* Micro-F1 (over all decisions) and Macro-F1 (the mean of the labels'
 * F1, 0 for a label with no true or predicted positive) of such counts. */
void ns__f1(const int64_t *counts, int32_t L, double *micro, double *macro);
/* The AUC of scores s[0..n) for labels y (1 positive, 0 negative): the
 * Mann-Whitney statistic, ties counting half. Both labels needed (else
 * *st = NS_EINVAL with a message). */
double ns__auc(const double *s, const signed char *y, int64_t n, ns_error *err, ns_status *st);

/* LINE's draws (line.c): arcs by weight (uniformly when unweighted). */
typedef struct ns__arc_sampler {
    const ns_graph *g;
    int32_t *src;   /* per arc, its source */
    ns_alias alias; /* weighted graphs */
} ns__arc_sampler;
ns_status ns__arc_sampler_init(ns__arc_sampler *a, const ns_graph *g, ns_error *err);
void ns__arc_sampler_destroy(ns__arc_sampler *a);
static inline int64_t ns__arc_draw(const ns__arc_sampler *a, ns_rng *rng, int32_t *u, int32_t *v) {
    int64_t i = a->alias.cells ? ns__alias_draw(&a->alias, rng)
                               : (int64_t)(ns__rng_next(rng) % (uint64_t)a->g->off[a->g->n]);
    *u = a->src[i], *v = a->g->adj[i];
    return i;
}

/* Records on m that it learns graph g with options go (walk.c). */
void ns__graph_mark(ns_model *m, const ns_graph *g, const ns_graph_opts *go);

/* LINE (line.c). */
ns_status ns__graph_train_line(ns_model **m, const ns_graph *g, const ns_graph_opts *go, const ns_train_opts *o,
                               const ns_train_hooks *h, ns_error *err);

#endif
