/*
 * graph.c - edge lists into compressed sparse rows: node ids by degree,
 * self loops dropped, repeated edges merged, neighbour lists sorted, and
 * the per-node alias tables of a weighted graph.
 */
#include "tasks/graph/graph.h"

#include "core/core.h"
#include "core/parse.h"
#include "data/reader.h"
#include "data/vocab.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The edges as read: endpoints (ids of the reading order) and weights. */
typedef struct edges {
    int32_t *u, *v;
    float *w;
    int64_t n, cap[3];
} edges;

static void edges_free(edges *e) { free(e->u), free(e->v), free(e->w); }

void ns_graph_free(ns_graph *g) {
    if (!g) return;
    ns_vocab_free(g->vocab);
    free(g->off), free(g->adj), free(g->w), free(g->cells);
    free(g);
}

const ns_vocab *ns_graph_vocab(const ns_graph *g) { return g->vocab; }
const ns_graph_stats *ns_graph_info(const ns_graph *g) { return &g->st; }

const int32_t *ns_graph_neighbors(const ns_graph *g, int32_t u, int64_t *n, const float **w) {
    *n = g->off[u + 1] - g->off[u];
    if (w) *w = g->w ? g->w + g->off[u] : NULL;
    return g->adj + g->off[u];
}

int ns_graph_has_arc(const ns_graph *g, int32_t u, int32_t v) {
    int64_t lo = g->off[u], hi = g->off[u + 1];
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (g->adj[mid] < v) lo = mid + 1;
        else hi = mid;
    }
    return lo < g->off[u + 1] && g->adj[lo] == v;
}

typedef struct arc {
    int32_t v;
    float w;
} arc;

static int cmp_arc(const void *x, const void *y) {
    const arc *a = x, *b = y;
    if (a->v != b->v) return a->v < b->v ? -1 : 1;
    return (a->w < b->w) - (a->w > b->w); /* the largest weight first */
}

/* The rows of n nodes from the edges: off, adj and w (NULL unless
 * weighted); counts self loops and repeats into st. */
static ns_status build_rows(ns_graph *g, const edges *e, int undirected, ns_error *err) {
    int32_t n = g->n;
    free(g->off), free(g->adj), free(g->w);
    g->adj = NULL, g->w = NULL;
    g->off = ns__calloc((size_t)n + 1, sizeof *g->off, "the graph's rows", err);
    if (!g->off) return NS_ENOMEM;
    g->st.self_loops = g->st.duplicates = 0;
    for (int64_t i = 0; i < e->n; i++) {
        if (e->u[i] == e->v[i]) {
            g->st.self_loops++;
            continue;
        }
        g->off[e->u[i] + 1]++;
        if (undirected) g->off[e->v[i] + 1]++;
    }
    for (int32_t u = 0; u < n; u++) g->off[u + 1] += g->off[u];
    int64_t m = g->off[n];
    arc *a = ns__malloc((size_t)(m ? m : 1), sizeof *a, "the graph's arcs", err);
    int64_t *at = ns__malloc((size_t)n + 1, sizeof *at, "the graph's rows", err);
    if (!a || !at) {
        free(a), free(at);
        return NS_ENOMEM;
    }
    memcpy(at, g->off, ((size_t)n + 1) * sizeof *at);
    for (int64_t i = 0; i < e->n; i++) {
        int32_t u = e->u[i], v = e->v[i];
        if (u == v) continue;
        a[at[u]++] = (arc){v, e->w[i]};
        if (undirected) a[at[v]++] = (arc){u, e->w[i]};
    }
    /* Sort each row and merge repeats in place; `at` becomes the new
     * offsets. */
    int64_t k = 0, dup = 0, weighted = 0;
    for (int32_t u = 0; u < n; u++) {
        int64_t b = g->off[u], end = g->off[u + 1];
        qsort(a + b, (size_t)(end - b), sizeof *a, cmp_arc);
        at[u] = k;
        for (int64_t i = b; i < end; i++) {
            if (k > at[u] && a[k - 1].v == a[i].v) {
                if (!undirected || u < a[i].v) dup++;
                continue;
            }
            a[k++] = a[i];
            weighted |= a[i].w != 1.0f;
        }
    }
    at[n] = k;
    free(g->off);
    g->off = at;
    g->st.duplicates = dup;
    g->st.arcs = k;
    g->st.edges = undirected ? k / 2 : k;
    g->st.weighted = (int)weighted;
    g->adj = ns__malloc((size_t)(k ? k : 1), sizeof *g->adj, "the graph's arcs", err);
    if (g->adj && weighted) g->w = ns__malloc((size_t)(k ? k : 1), sizeof *g->w, "the graph's weights", err);
    if (!g->adj || (weighted && !g->w)) {
        free(a);
        return NS_ENOMEM;
    }
    for (int64_t i = 0; i < k; i++) {
        g->adj[i] = a[i].v;
        if (g->w) g->w[i] = a[i].w;
    }
    free(a);
    return NS_OK;
}

/* The per-node alias tables of a weighted graph. */
static ns_status build_alias(ns_graph *g, ns_error *err) {
    int64_t m = g->off[g->n], dmax = 1;
    for (int32_t u = 0; u < g->n; u++)
        if (g->off[u + 1] - g->off[u] > dmax) dmax = g->off[u + 1] - g->off[u];
    g->cells = ns__malloc((size_t)(m ? m : 1), sizeof *g->cells, "the graph's alias tables", err);
    double *w = ns__malloc((size_t)dmax * 2, sizeof *w, "an alias table", err);
    int32_t *small = ns__malloc((size_t)dmax * 2, sizeof *small, "an alias table", err);
    if (!g->cells || !w || !small) {
        free(w), free(small);
        return NS_ENOMEM;
    }
    for (int32_t u = 0; u < g->n; u++) {
        int64_t a = g->off[u];
        int32_t d = (int32_t)(g->off[u + 1] - a);
        double sum = 0;
        for (int32_t i = 0; i < d; i++) sum += w[i] = g->w[a + i];
        if (d) ns__alias_fill(g->cells + a, w, d, sum, w + dmax, small, small + dmax);
    }
    free(w), free(small);
    return NS_OK;
}

static ns_status read_edges(const char *path, ns_vocab *v, edges *e, int64_t *lines, ns_error *err) {
    ns_lines lr = {0};
    ns_status s = ns__lines_open(&lr, path, err);
    char *line, *f[3];
    size_t len;
    int got = 0;
    while (s == NS_OK && (got = ns__lines_next_data(&lr, &line, &len, err)) > 0) {
        int nf = ns__fields(line, 0, f, 3);
        double w = 1;
        if (nf < 2 || nf > 3) {
            s = ns__fail(err, NS_EFORMAT, "%s:%lld: expected 'u v [weight]' (two or three fields separated by "
                         "tabs or spaces), got %d field%s", path, lr.no, nf, nf == 1 ? "" : "s");
            break;
        }
        if (nf == 3 && (!ns__parse_double(f[2], &w) || !(w > 0) || w > 3.4e38)) {
            s = ns__fail(err, NS_EFORMAT, "%s:%lld: weight '%s' is not a positive number", path, lr.no, f[2]);
            break;
        }
        int32_t id[2];
        for (int k = 0; k < 2 && s == NS_OK; k++) s = ns_vocab_add(v, f[k], strlen(f[k]), 0, &id[k], err);
        if (s != NS_OK) break;
        if (!ns__grow((void **)&e->u, &e->cap[0], e->n + 1, sizeof *e->u) ||
            !ns__grow((void **)&e->v, &e->cap[1], e->n + 1, sizeof *e->v) ||
            !ns__grow((void **)&e->w, &e->cap[2], e->n + 1, sizeof *e->w)) {
            s = ns__nomem(err, "the edges", 2.0 * (double)e->n * 12);
            break;
        }
        e->u[e->n] = id[0], e->v[e->n] = id[1], e->w[e->n++] = (float)w;
    }
    if (s == NS_OK && got < 0) s = got == -1 ? NS_EIO : ns__nomem(err, "a line", (double)lr.line_cap * 2);
    if (s == NS_OK && e->n == 0) s = ns__fail(err, NS_EEMPTY, "%s: no 'u v [weight]' line", path);
    *lines = e->n;
    ns__lines_close(&lr);
    return s;
}

ns_status ns_graph_load(ns_graph **out, const char *path, int undirected, ns_error *err) {
    ns__err_clear(err);
    ns_graph *g = ns__calloc(1, sizeof *g, "a graph", err);
    if (!g) return NS_ENOMEM;
    edges e = {0};
    int32_t *map = NULL;
    ns_status s = ns_vocab_create(&g->vocab, err);
    if (s == NS_OK) s = read_edges(path, g->vocab, &e, &g->st.lines, err);
    g->n = s == NS_OK ? ns_vocab_size(g->vocab) : 0;
    /* Rows in the reading order give the degrees; the nodes are then
     * ordered by degree (the noise and subsampling counts) and the rows
     * built again in that order. */
    if (s == NS_OK) s = build_rows(g, &e, undirected, err);
    if (s == NS_OK) {
        int32_t n = g->n;
        int64_t *deg = ns__calloc((size_t)n, sizeof *deg, "the degrees", err);
        if (!deg) s = NS_ENOMEM;
        for (int32_t u = 0; s == NS_OK && u < n; u++) {
            deg[u] += g->off[u + 1] - g->off[u];
            if (!undirected)
                for (int64_t i = g->off[u]; i < g->off[u + 1]; i++) deg[g->adj[i]]++;
        }
        for (int32_t u = 0; s == NS_OK && u < n; u++) ns__vocab_set_count(g->vocab, u, deg[u]);
        free(deg);
    }
    if (s == NS_OK) s = ns__vocab_prune(g->vocab, 0, 0, 0, &map, err);
    if (s == NS_OK) {
        for (int64_t i = 0; i < e.n; i++) e.u[i] = map[e.u[i]], e.v[i] = map[e.v[i]];
        s = build_rows(g, &e, undirected, err);
    }
    if (s == NS_OK && g->st.weighted) s = build_alias(g, err);
    free(map);
    edges_free(&e);
    if (s == NS_OK) {
        g->st.nodes = g->n, g->st.undirected = undirected;
        for (int32_t u = 0; u < g->n; u++) g->st.sinks += g->off[u + 1] == g->off[u];
        if (g->st.arcs == 0) s = ns__fail(err, NS_EEMPTY, "%s: no edge between two different nodes", path);
    }
    if (s != NS_OK) {
        ns_graph_free(g);
        return s;
    }
    *out = g;
    return NS_OK;
}
