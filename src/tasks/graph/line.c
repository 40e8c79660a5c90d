/*
 * line.c - LINE (Tang et al., WWW 2015): arcs drawn by weight from one
 * alias table over all arcs, k negatives by degree^alpha for each. Order
 * 2 scores the source's input row against the output ("context") rows of
 * the target and the negatives; order 1 scores it against their input
 * rows (one table, u.v). A drawn arc is a block update of one input row
 * against 1 + k rows, the input gradient applied after it. Both orders:
 * two models of dim/2 trained one after the other, then each L2-normalised
 * and concatenated, as in the paper. MCMC negatives: a chain per drawn arc
 * u -> v, started at v (a neighbour of the anchor u: the paper's DFS
 * start), one step a negative.
 */
#include "tasks/graph/graph.h"

#include "core/core.h"
#include "engine/engine.h"
#include "model/model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PUBLISH_EVERY 2048 /* draws between the schedule's updates: a small graph's epoch is a few thousand */

typedef struct line_task {
    ns_model *m;
    const ns_graph *g;
    const ns_train_opts *o;
    const ns_kernels *k;
    int order;
    ns__arc_sampler arcs;
    ns_noise noise;
    ns__mcmc mcmc;   /* MCMC negatives (o->negatives) */
} line_task;

/* MCMC negatives: the chain's target for the arc u -> v (a: u's input
 * row) under the order's tables; u and v are no negatives. */
typedef struct mcmc_ctx {
    const line_task *t;
    const float *a;
    int32_t u, v;
} mcmc_ctx;

NS_HOGWILD static double mcmc_score(const void *p, int32_t y) {
    const mcmc_ctx *c = p;
    const ns_model *m = c->t->m;
    return c->t->k->dot(c->a, c->t->order == 1 ? ns__in_row(m, y) : ns__out_row(m, y), m->klen);
}

static int mcmc_excluded(const void *p, int32_t y) {
    const mcmc_ctx *c = p;
    return y == c->u || y == c->v;
}

typedef struct scratch {
    float **B, **bias, *shift, *y, *buf, *S, *G;
    float *A, *dA;
    int32_t *ids;
} scratch;

static void scratch_free(void *p) {
    scratch *x = p;
    free(x->B), free(x->bias), free(x->shift), free(x->y), free(x->ids);
    ns__free_aligned(x->buf);
}

static ns_status worker_init(void *data, ns__worker *w) {
    const line_task *t = data;
    size_t nb = (size_t)t->o->neg + 1, st = (size_t)t->m->stride;
    scratch *x = calloc(1, sizeof *x);
    if (x) {
        x->B = malloc(nb * sizeof *x->B), x->bias = malloc(nb * sizeof *x->bias);
        x->shift = malloc(nb * sizeof *x->shift), x->y = calloc(nb, sizeof *x->y);
        x->ids = malloc(nb * sizeof *x->ids);
        x->buf = ns__alloc_aligned(st + 2 * nb, sizeof(float));
    }
    if (!x || !x->B || !x->bias || !x->shift || !x->y || !x->ids || !x->buf) {
        if (x) scratch_free(x);
        free(x);
        return ns__nomem(&w->err, "a worker's buffers", (double)nb * 40 + 4.0 * (double)st);
    }
    x->dA = x->buf, x->S = x->buf + st, x->G = x->S + nb;
    x->y[0] = 1;
    w->scratch = x;
    return NS_OK;
}

static ns_status run(void *data, ns__worker *w, float lr, ns__tally *tl) {
    const line_task *t = data;
    ns_model *m = t->m;
    scratch *x = w->scratch;
    ns_rng *rng = &w->rng;
    float one = 1.0f;
    while (w->pos < w->last && tl->units < PUBLISH_EVERY) {
        w->pos++;
        int32_t u, v;
        ns__arc_draw(&t->arcs, rng, &u, &v);
        int32_t ex[2] = {v, u};
        x->ids[0] = v;
        int nb = 1;
        if (t->o->negatives == NS_NEG_MCMC) { /* a chain from v, a neighbour of the anchor */
            mcmc_ctx c = {t, ns__in_row(m, u), u, v};
            ns__mcmc_target tg = {mcmc_score, mcmc_excluded, &c};
            int32_t state = v;
            nb += ns__mcmc_draw(&t->mcmc, rng, &state, &tg, t->o->neg, 8, x->ids + 1);
        } else {
            nb += ns__noise_draw(&t->noise, rng, t->o->neg, ex, 2, x->ids + 1);
        }
        for (int j = 0; j < nb; j++) x->B[j] = t->order == 1 ? ns__in_row(m, x->ids[j]) : ns__out_row(m, x->ids[j]);
        ns_block b = ns__block_for(m, t->o, &t->noise, lr, x->ids, nb, x->y, NULL, x->shift, x->bias);
        float *A = ns__in_row(m, u);
        tl->loss += ns__block_update(t->k, &b, &A, 1, x->B, nb, m->klen, x->S, x->G, &x->dA);
        t->k->gemm_acc(&A, 1, (const float *const *)&x->dA, 1, &one, 0, 0, m->klen);
        tl->pairs++, tl->units++;
    }
    return NS_OK;
}

static ns_status save(void *data, const char *path, const ns__run_state *now, const ns__run_state *best,
                      ns_error *err) {
    (void)now;
    const line_task *t = data;
    ns_status s = ns__model_best_run(t->m, best, err);
    return s == NS_OK ? ns_model_save(t->m, path, err) : s;
}

static ns_status snapshot(void *data, int restore, ns_error *err) {
    return ns__model_snapshot(((line_task *)data)->m, restore, err);
}

ns_status ns__arc_sampler_init(ns__arc_sampler *a, const ns_graph *g, ns_error *err) {
    int64_t arcs = g->off[g->n];
    ns_status s = NS_OK;
    memset(a, 0, sizeof *a);
    a->g = g;
    a->src = ns__malloc((size_t)arcs, sizeof *a->src, "the arcs' sources", err);
    if (!a->src) return NS_ENOMEM;
    for (int32_t u = 0; u < g->n; u++)
        for (int64_t i = g->off[u]; i < g->off[u + 1]; i++) a->src[i] = u;
    if (g->w) {
        double *w = arcs > INT32_MAX ? NULL : ns__malloc((size_t)arcs, sizeof *w, "the arcs' weights", err);
        if (arcs > INT32_MAX) s = ns__fail(err, NS_EINVAL, "LINE on a weighted graph takes up to 2^31 arcs");
        else if (!w) s = NS_ENOMEM;
        for (int64_t i = 0; s == NS_OK && i < arcs; i++) w[i] = g->w[i];
        if (s == NS_OK) s = ns__alias_init(&a->alias, w, (int32_t)arcs, err);
        free(w);
    }
    if (s != NS_OK) ns__arc_sampler_destroy(a);
    return s;
}

void ns__arc_sampler_destroy(ns__arc_sampler *a) {
    free(a->src);
    a->src = NULL;
    ns__alias_destroy(&a->alias);
}

/* One order on model m (dim and vocabulary set). */
static ns_status train_order(ns_model *m, const ns_graph *g, const ns_graph_opts *go, int order,
                             const ns_train_opts *o, const ns_train_hooks *h, ns_error *err) {
    line_task t = {m, g, o, ns__kernels_pick(NULL), order, {0}, {{0}, NULL, NULL}, {0}};
    int64_t arcs = g->off[g->n];
    ns_status s = ns__arc_sampler_init(&t.arcs, g, err);
    if (s == NS_OK) s = ns__noise_build(&t.noise, g->vocab, o, err);
    t.mcmc = ns__mcmc_of(&t.noise, o, g->off, g->adj);
    m->opts = *o, m->opts.noise_weights = NULL;
    ns__graph_mark(m, g, go);
    ns__task task = {.unit = "edges", .mode = NS__SHARDS, .threads = o->threads, .seed = o->seed, .items = arcs,
                     .per_epoch = arcs, .epochs = o->epochs, .lr = o->lr, .min_lr_frac = o->min_lr_frac,
                     .data = &t, .worker_init = worker_init, .scratch_free = scratch_free, .run = run,
                     .save = save, .snapshot = snapshot};
    if (s == NS_OK) s = ns__engine_run(&task, &m->run, &m->best_run, h, err);
    ns__model_best_done(m, s);
    ns__noise_destroy(&t.noise);
    ns__arc_sampler_destroy(&t.arcs);
    return s;
}

/* A model whose input rows are a's and b's, each L2-normalised, side by
 * side. */
static ns_status concat(ns_model **out, const ns_model *a, const ns_model *b, const ns_train_opts *o, ns_error *err) {
    ns_train_opts co = *o;
    co.dim = a->dim + b->dim;
    ns_model *m;
    ns_status s = ns_model_create(&m, a->vocab, &co, err);
    if (s != NS_OK) return s;
    for (int32_t i = 0; i < m->rows; i++) {
        float *r = ns__in_row(m, i);
        const ns_model *part[2] = {a, b};
        for (int p = 0; p < 2; p++) {
            const float *x = ns__in_row(part[p], i);
            double n2 = 0;
            for (int32_t j = 0; j < part[p]->dim; j++) n2 += (double)x[j] * x[j];
            float inv = n2 > 0 ? (float)(1 / sqrt(n2)) : 0.0f;
            for (int32_t j = 0; j < part[p]->dim; j++) r[(p ? a->dim : 0) + j] = x[j] * inv;
        }
    }
    *out = m;
    return NS_OK;
}

ns_status ns__graph_train_line(ns_model **mp, const ns_graph *g, const ns_graph_opts *go, const ns_train_opts *o,
                               const ns_train_hooks *h, ns_error *err) {
    if (o->task != NS_TASK_SKIPGRAM) return ns__fail(err, NS_EINVAL, "LINE trains task skip-gram's dot products");
    if (o->loss != NS_LOSS_SGNS && o->loss != NS_LOSS_NCE && o->loss != NS_LOSS_SOFTMAX_SAMPLED)
        return ns__fail(err, NS_EINVAL, "LINE trains with sgns, nce or softmax-sampled, not %s", ns_loss_name(o->loss));
    if (o->bias) return ns__fail(err, NS_EINVAL, "LINE has no biases");
    ns_status s;
    if (go->order != 3) {
        ns_model *fresh = NULL;
        if (!*mp && (s = ns_model_create(&fresh, g->vocab, o, err)) != NS_OK) return s;
        s = train_order(*mp ? *mp : fresh, g, go, go->order, o, h, err);
        if (fresh && s != NS_OK && s != NS_ECANCELED) ns_model_free(fresh);
        else if (fresh) *mp = fresh;
        return s;
    }
    if (*mp) return ns__fail(err, NS_EINVAL, "LINE with both orders does not continue a model (train -order 1 and 2 apart)");
    if (h && (h->checkpoint_every || h->checkpoint_seconds > 0))
        return ns__fail(err, NS_EINVAL, "LINE with both orders writes no checkpoints (train -order 1 and 2 apart)");
    if (o->dim < 2) return ns__fail(err, NS_EINVAL, "LINE with both orders needs dim >= 2 (half each)");
    ns_train_opts half = *o;
    ns_model *part[2] = {NULL, NULL};
    s = NS_OK;
    for (int p = 0; p < 2 && s == NS_OK; p++) {
        half.dim = p ? o->dim - o->dim / 2 : o->dim / 2;
        half.seed = o->seed + (uint64_t)p;
        s = ns_model_create(&part[p], g->vocab, &half, err);
        if (s == NS_OK) s = train_order(part[p], g, go, p + 1, &half, h, err);
    }
    if (s == NS_OK) s = concat(mp, part[0], part[1], o, err);
    if (s == NS_OK) ns__graph_mark(*mp, g, go);
    ns_model_free(part[0]), ns_model_free(part[1]);
    return s;
}
