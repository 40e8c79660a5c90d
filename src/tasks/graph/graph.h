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

/* LINE (line.c). */
ns_status ns__graph_train_line(ns_model **m, const ns_graph *g, const ns_graph_opts *go, const ns_train_opts *o,
                               const ns_train_hooks *h, ns_error *err);

#endif
