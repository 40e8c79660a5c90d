/*
 * kg.c - the knowledge-graph trainer: mini-batches of true triples against
 * corrupted ones, Hogwild threads, Adam or Adagrad on the rows a step
 * touches, periodic filtered validation with early stopping.
 *
 * A step takes `batch` positives from the worker's shuffled pass over the
 * training triples. Each positive corrupts its tail or its head (1/2 each,
 * or the relation's Bernoulli probability of the head). The positives of a
 * side are cut into chunks of `chunk`; a chunk shares k uniformly drawn
 * entities as its negatives, so its scores are one chunk x k block of dot
 * products or distances between query vectors and entity rows (kg.h), which
 * the kernels compute without materialising a chunk x k x dim tensor.
 *
 * With z = f (+ gamma for the distance scorers under the margin loss), the
 * loss of a positive is softplus(-z+) + sum_j w_j softplus(z_j), the step's
 * loss their sum over 2 batch (the RotatE code's (positive mean + negative
 * mean) / 2), plus the penalty on the positives' rows over batch. The
 * gradients of the step are summed per row (a row map per worker) and each
 * touched row then takes one optimiser update. Adam is that of dense
 * tables: a row keeps moving along its decaying first moment in the steps
 * that do not touch it; those updates are taken in one go when it is next
 * touched, or at the end of a segment (ns__kg_adam_skip; each row's counter
 * says which step it is up to). Lazy Adam leaves untouched rows alone. The
 * learning rate drops to lr/10 after half of all steps.
 *
 * The engine (engine/engine.c) runs the workers, hands out the step
 * numbers, schedules the learning rate, and pauses for validation (which
 * keeps the best state: tables, moments and step count) and checkpoints;
 * at every pause `sync` brings every row up to date under dense Adam.
 * Threads race on the rows (Hogwild), the one intentional race.
 */
#include "negsamp.h"

#include "core/core.h"
#include "tasks/kg/triples.h"
#include "data/vocab.h"
#include "tasks/kg/kg.h"
#include "tasks/kg/train.h"
#include "engine/engine.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* One table of the model with its optimiser state: moments in the layout of
 * the table; under dense Adam, at[id] is the step row id is up to (the
 * updates of all steps before it taken). */
typedef struct kg_table {
    float *x, *m1, *m2;
    atomic_llong *at;
    int32_t rows;
    int len;
} kg_table;

/* The task: the model, its data and options, the optimiser's schedule and
 * tables, and what validation needs. */
typedef struct kg_run {
    ns_kg *m;
    const ns_triples *train;
    const ns_triples *valid;     /* validation triples, or NULL */
    const ns_kg_filter *filter;  /* for validation, or NULL */
    const ns_kg_opts *o;
    const ns_kernels *kern;
    const ns_kg_filter *known;   /* exclude_true: the training triples */
    double *p_head;              /* per relation */
    int metric;
    int chunk;
    int64_t total;               /* steps in all */
    ns__kg_rule *rules;          /* the update rule of each step */
    kg_table ent, rel;
} kg_run;

/* The gradient of a step for one table, row by row: slot[id] is the id's
 * row in g (-1: not touched this step), rows[s] the id of slot s. The rows
 * of g are zero when a step starts (applying them clears them). */
typedef struct step_grad {
    int32_t *slot, *rows;
    int32_t n;
    int len;   /* floats a row */
    float *g;
} step_grad;

static int grad_init(step_grad *x, int32_t ids, int32_t cap, int len) {
    x->n = 0, x->len = len;
    x->slot = malloc((size_t)ids * sizeof *x->slot), x->rows = malloc((size_t)cap * sizeof *x->rows);
    x->g = ns__alloc_aligned((size_t)cap * (size_t)len, sizeof(float));
    if (!x->slot || !x->rows || !x->g) return 0;
    for (int32_t i = 0; i < ids; i++) x->slot[i] = -1;
    return 1;
}

static void grad_free(step_grad *x) {
    free(x->slot), free(x->rows);
    ns__free_aligned(x->g);
}

static float *grad_row(step_grad *x, int32_t id) {
    int32_t s = x->slot[id];
    if (s < 0) {
        s = x->slot[id] = x->n++;
        x->rows[s] = id;
    }
    return x->g + (size_t)s * (size_t)x->len;
}

/* A worker's buffers: its order of the triples (the engine's worker keeps
 * the pass number and the cursor in it), scratch, and the gradient of the
 * current step. */
typedef struct kg_worker {
    kg_run *run;
    ns_rng *rng;                  /* the engine worker's stream */
    int64_t *order;
    int32_t *side_list[2];
    int n_side[2];
    int32_t *neg;
    const float **neg_rows;
    float **neg_grads;
    float *q, *gq, *cs;           /* chunk x n, chunk x n, chunk x 2 half */
    const float **q_rows;
    float **gq_rows;
    float *raw, *g, *raw_pos, *g_pos, *wt;   /* chunk x k, chunk x k, chunk, chunk, k */
    step_grad ent, rel;
} kg_worker;

static void worker_free(void *p) {
    kg_worker *w = p;
    free(w->order), free(w->side_list[0]), free(w->side_list[1]), free(w->neg);
    free(w->neg_rows), free(w->neg_grads), free(w->q_rows), free(w->gq_rows);
    ns__free_aligned(w->q), ns__free_aligned(w->gq), ns__free_aligned(w->cs);
    free(w->raw), free(w->g), free(w->raw_pos), free(w->g_pos), free(w->wt);
    grad_free(&w->ent), grad_free(&w->rel);
}

static int buffers_init(kg_worker *w, kg_run *r, ns_rng *rng) {
    const ns_kg *m = r->m;
    int b = r->o->batch, k = r->o->neg, c = r->chunk;
    int64_t nt = r->train->n;
    memset(w, 0, sizeof *w);
    w->run = r, w->rng = rng;
    w->order = malloc((size_t)nt * sizeof *w->order);
    w->side_list[0] = malloc((size_t)b * sizeof(int32_t)), w->side_list[1] = malloc((size_t)b * sizeof(int32_t));
    w->neg = malloc((size_t)k * sizeof *w->neg);
    w->neg_rows = malloc((size_t)k * sizeof *w->neg_rows), w->neg_grads = malloc((size_t)k * sizeof *w->neg_grads);
    w->q_rows = malloc((size_t)c * sizeof *w->q_rows), w->gq_rows = malloc((size_t)c * sizeof *w->gq_rows);
    w->q = ns__alloc_aligned((size_t)c * (size_t)m->n, sizeof(float));
    w->gq = ns__alloc_aligned((size_t)c * (size_t)m->n, sizeof(float));
    w->cs = ns__alloc_aligned((size_t)c * 2 * (size_t)(m->half ? m->half : 1), sizeof(float));
    w->raw = malloc((size_t)c * (size_t)k * sizeof(float)), w->g = malloc((size_t)c * (size_t)k * sizeof(float));
    w->raw_pos = malloc((size_t)c * sizeof(float)), w->g_pos = malloc((size_t)c * sizeof(float));
    w->wt = malloc((size_t)k * sizeof(float));
    /* Rows a step can touch: both entities of each positive and each
     * chunk's negatives (a side has at most batch / chunk + 1 chunks). */
    int64_t ce = 2 * (int64_t)b + ((int64_t)b / c + 2) * k;
    int grads = grad_init(&w->ent, m->ne, (int32_t)(ce < m->ne ? ce : m->ne), m->n) &&
                grad_init(&w->rel, m->nr, b < m->nr ? b : m->nr, m->nrel);
    if (!w->order || !w->side_list[0] || !w->side_list[1] || !w->neg || !w->neg_rows || !w->neg_grads || !w->q_rows ||
        !w->gq_rows || !w->q || !w->gq || !w->cs || !w->raw || !w->g || !w->raw_pos || !w->g_pos || !w->wt || !grads)
        return 0;
    return 1;
}

/* The order of pass `pass`: the worker's own shuffle of every triple. */
static void pass_order(kg_worker *w, int worker, int64_t pass) {
    int64_t nt = w->run->train->n;
    for (int64_t i = 0; i < nt; i++) w->order[i] = i;
    ns__epoch_shuffle(w->order, nt, w->run->o->seed, worker, pass);
}

static float softplus(float x) { return x > 0 ? x + log1pf(expf(-x)) : log1pf(expf(x)); }
static float sigmoid(float x) { return 1.0f / (1.0f + expf(-x)); }

void ns__kg_neg_weights(const float *z, int k, float a, float *w) {
    float zmax = -INFINITY;
    for (int j = 0; j < k; j++) zmax = z[j] > zmax ? z[j] : zmax;
    double sum = 0;
    for (int j = 0; j < k; j++) {
        w[j] = z[j] == -INFINITY ? 0.0f : a > 0 ? expf(a * (z[j] - zmax)) : 1.0f;
        sum += w[j];
    }
    for (int j = 0; j < k; j++) w[j] = sum > 0 ? (float)(w[j] / sum) : 0.0f;
}

/* The loss coefficients of one chunk: from raw scores (c positives, k
 * negatives each) to dL/draw in g_pos and g; returns the chunk's loss sum. */
static double chunk_loss(kg_worker *w, const int32_t *pos, int c, int side, float scale) {
    kg_run *r = w->run;
    const ns_kg_opts *o = r->o;
    const ns_triples *t = r->train;
    int k = o->neg, metric = r->metric;
    float shift = metric >= 0 && o->loss == NS_KG_LOSS_MARGIN ? (float)o->gamma : 0.0f;
    float dz = metric < 0 ? 1.0f : -1.0f; /* dz/draw */
    double loss = 0;
    for (int i = 0; i < c; i++) {
        int64_t p = pos[i];
        float *raw = w->raw + (size_t)i * k, *g = w->g + (size_t)i * k;
        int64_t na = 0;
        const ns_key3 *ans = r->known ? ns__filter_answers(r->known, side, t->r[p], side ? t->t[p] : t->h[p], &na) : NULL;
        /* z in g for now; masked negatives get -inf. */
        int live = 0;
        for (int j = 0; j < k; j++) {
            int masked = ans && ns__filter_in(ans, na, w->neg[j]);
            g[j] = masked ? -INFINITY : ns__kg_f(metric, raw[j]) + shift;
            live += !masked;
        }
        float zp = ns__kg_f(metric, w->raw_pos[i]) + shift;
        loss += softplus(-zp);
        w->g_pos[i] = -scale * sigmoid(-zp) * dz;
        ns__kg_neg_weights(g, k, (float)o->adv_temperature, w->wt);
        float *wt = w->wt, mult = o->loss == NS_KG_LOSS_LOGISTIC ? (float)live : 1.0f;
        for (int j = 0; j < k; j++) {
            if (g[j] == -INFINITY) {
                g[j] = 0;
                continue;
            }
            float wj = wt[j] * mult;
            loss += wj * softplus(g[j]);
            g[j] = scale * wj * sigmoid(g[j]) * dz;
        }
    }
    return loss;
}

/* Forward and backward of one chunk of positives pos[0..c) on one side
 * against the negatives in w->neg; the gradients go to the worker's rows. */
NS_HOGWILD static double chunk_step(kg_worker *w, const int32_t *pos, int c, int side, float scale) {
    kg_run *r = w->run;
    const ns_kg *m = r->m;
    const ns_triples *t = r->train;
    const ns_kernels *kn = r->kern;
    int k = r->o->neg, n = m->n, metric = r->metric, cw = 2 * (m->half ? m->half : 1);
    for (int j = 0; j < k; j++) w->neg_rows[j] = ns__kg_ent(m, w->neg[j]);
    for (int i = 0; i < c; i++) {
        int64_t p = pos[i];
        float *q = w->q + (size_t)i * n, *cs = w->cs + (size_t)i * cw;
        const float *rel = ns__kg_rel(m, t->r[p]), *target = ns__kg_ent(m, side ? t->h[p] : t->t[p]);
        ns__kg_phases(m, rel, cs);
        ns__kg_query(m, side, ns__kg_ent(m, side ? t->t[p] : t->h[p]), rel, cs, q);
        w->q_rows[i] = q;
        w->gq_rows[i] = memset(w->gq + (size_t)i * n, 0, (size_t)n * sizeof(float));
        if (metric < 0) w->raw_pos[i] = kn->dot(q, target, n);
        else kn->dist(&w->q_rows[i], 1, &target, 1, n, metric, &w->raw_pos[i]);
    }
    if (metric < 0) kn->scores(w->q_rows, c, w->neg_rows, k, n, w->raw);
    else kn->dist(w->q_rows, c, w->neg_rows, k, n, metric, w->raw);
    double loss = chunk_loss(w, pos, c, side, scale);
    for (int j = 0; j < k; j++) w->neg_grads[j] = grad_row(&w->ent, w->neg[j]);
    if (metric < 0) {
        kn->gemm_acc(w->gq_rows, c, w->neg_rows, k, w->g, k, 1, n);
        kn->gemm_acc(w->neg_grads, k, w->q_rows, c, w->g, 1, k, n);
    } else {
        kn->dist_grad(w->gq_rows, w->q_rows, c, w->neg_grads, w->neg_rows, k, w->g, w->raw, n, metric);
    }
    for (int i = 0; i < c; i++) {
        int64_t p = pos[i];
        int32_t x = side ? t->t[p] : t->h[p], y = side ? t->h[p] : t->t[p];
        const float *target = ns__kg_ent(m, y);
        float *gy = grad_row(&w->ent, y);
        if (metric < 0) {
            float gp = w->g_pos[i];
            for (int d = 0; d < n; d++) w->gq_rows[i][d] += gp * target[d], gy[d] += gp * w->q_rows[i][d];
        } else {
            kn->dist_grad(&w->gq_rows[i], &w->q_rows[i], 1, &gy, &target, 1, &w->g_pos[i], &w->raw_pos[i], n, metric);
        }
        ns__kg_query_back(m, side, ns__kg_ent(m, x), ns__kg_rel(m, t->r[p]), w->cs + (size_t)i * cw, w->gq_rows[i],
                          grad_row(&w->ent, x), grad_row(&w->rel, t->r[p]));
    }
    return loss;
}

/* d/dx of weight * |x|^p (p = 2 or 3) added to g over n values. */
NS_HOGWILD static void penalty(float *g, const float *x, int n, int p, float weight) {
    for (int d = 0; d < n; d++) g[d] += p == 2 ? 2.0f * weight * x[d] : 3.0f * weight * x[d] * fabsf(x[d]);
}

/* A step's update: Adam x -= lr m1 / (sqrt(m2) + eps) with the bias
 * corrections of step t folded into lr and eps, once a step:
 * lr = lr0 sqrt(1 - b2^t) / (1 - b1^t), eps = 1e-8 sqrt(1 - b2^t), lr0 the
 * engine's schedule (lr, then lr/10 from half of all steps on).
 * Adagrad: m2 += g^2, x -= lr g / (sqrt(m2) + 1e-10). */
static ns__kg_rule rule_at(const kg_run *r, const ns__task *task, int64_t step) {
    float lr = (float)ns__engine_lr(task, step);
    if (r->o->optim == NS_KG_ADAGRAD) return (ns__kg_rule){lr, 1e-10f, 0};
    double t = (double)step + 1, c2 = sqrt(1 - pow(NS_KG_ADAM_B2, t));
    return (ns__kg_rule){(float)(lr * c2 / (1 - pow(NS_KG_ADAM_B1, t))), (float)(1e-8 * c2), 0};
}

void ns__kg_rules_ahead(ns__kg_rule *rules, int64_t from, int64_t total) {
    const double q = NS_KG_ADAM_B1 / sqrt(NS_KG_ADAM_B2);
    rules[total].lr = 0, rules[total].ahead = 0;
    for (int64_t j = total - 1; j >= from; j--) rules[j].ahead = q * (rules[j].lr + rules[j + 1].ahead);
}

/* Adam's ratio m1 / (sqrt(m2) + eps) clamped at NS_KG_ADAM_MAX_RATIO, by
 * comparisons (fminf / fmaxf are library calls that keep the loops from
 * vectorising: 7% of a WN18RR RotatE step); a NaN passes through, for the
 * engine's divergence check. */
static inline float clamped(float ratio) {
    const float c = NS_KG_ADAM_MAX_RATIO;
    return ratio > c ? c : ratio < -c ? -c : ratio;
}

NS_HOGWILD void ns__kg_adam_skip(const ns__kg_rule *rules, int64_t a, int64_t s, float *x, float *m1, float *m2, int n) {
    double d1 = pow(NS_KG_ADAM_B1, (double)(s - a)), d2 = pow(NS_KG_ADAM_B2, (double)(s - a));
    double f = rules[a].ahead - d1 / sqrt(d2) * rules[s].ahead;
    float eps = rules[a].eps;
    for (int d = 0; d < n; d++) {
        float ratio = m1[d] / (sqrtf(m2[d]) + eps);
        x[d] -= (float)f * clamped(ratio);
        m1[d] *= (float)d1, m2[d] *= (float)d2;
    }
}

/* Dense Adam: brings a row up to step s before step s reads it. Where
 * another thread moved the row's counter meanwhile, that thread took the
 * updates (Hogwild). */
static void row_fresh(const kg_run *r, kg_table tab, int32_t id, int64_t s) {
    if (!tab.at) return;
    long long a = atomic_load_explicit(&tab.at[id], memory_order_relaxed);
    if (a >= s || !atomic_compare_exchange_strong_explicit(&tab.at[id], &a, s, memory_order_relaxed,
                                                           memory_order_relaxed))
        return;
    size_t off = (size_t)id * (size_t)tab.len;
    ns__kg_adam_skip(r->rules, a, s, tab.x + off, tab.m1 + off, tab.m2 + off, tab.len);
}

/* Dense Adam: marks a row as up to step s + 1 after step s updated it (the
 * counter never goes back: a later step of another thread may be ahead). */
static void row_done(kg_table tab, int32_t id, int64_t s) {
    if (!tab.at) return;
    long long seen = atomic_load_explicit(&tab.at[id], memory_order_relaxed);
    while (seen < s + 1 && !atomic_compare_exchange_weak_explicit(&tab.at[id], &seen, s + 1, memory_order_relaxed,
                                                                   memory_order_relaxed)) {
    }
}

/* One optimiser update of a row from its gradient, which is zeroed. The
 * moments are computed in registers from one read of each, and Adam's
 * ratio is clamped (see NS_KG_ADAM_MAX_RATIO); Adagrad's, g / sqrt(m2 +
 * g^2), cannot pass 1. */
NS_HOGWILD static void update_row(ns__kg_rule u, float *x, float *m1, float *m2, float *g, int n) {
    for (int d = 0; d < n; d++) {
        float step;
        if (m1) {
            float a = NS_KG_ADAM_B1 * m1[d] + (1 - NS_KG_ADAM_B1) * g[d];
            float b = NS_KG_ADAM_B2 * m2[d] + (1 - NS_KG_ADAM_B2) * g[d] * g[d];
            m1[d] = a, m2[d] = b;
            step = clamped(a / (sqrtf(b) + u.eps));
        } else {
            float b = m2[d] + g[d] * g[d];
            m2[d] = b;
            step = g[d] / (sqrtf(b) + u.eps);
        }
        x[d] -= u.lr * step;
        g[d] = 0;
    }
}

/* Updates every row that step s touched and empties the map. */
static void grad_apply(const kg_run *r, int64_t s, step_grad *x, kg_table tab) {
    for (int32_t i = 0; i < x->n; i++) {
        int32_t id = x->rows[i];
        size_t off = (size_t)id * (size_t)x->len;
        update_row(r->rules[s], tab.x + off, tab.m1 ? tab.m1 + off : NULL, tab.m2 + off, x->g + (size_t)i * x->len,
                   x->len);
        row_done(tab, id, s);
        x->slot[id] = -1;
    }
    x->n = 0;
}

/* Dense Adam: brings every row of a table up to step s (between segments,
 * no worker running). */
static void catch_up(const kg_run *r, kg_table tab, int64_t s) {
    for (int32_t id = 0; tab.at && id < tab.rows; id++) row_fresh(r, tab, id, s);
}

/* The next batch of positives from the worker's shuffled pass (ew->epoch
 * the pass, ew->pos the cursor in its order). */
static void next_batch(kg_worker *w, ns__worker *ew) {
    kg_run *r = w->run;
    int64_t nt = r->train->n;
    w->n_side[0] = w->n_side[1] = 0;
    for (int i = 0; i < r->o->batch; i++) {
        if (ew->pos == nt) pass_order(w, ew->id, ++ew->epoch), ew->pos = 0;
        int64_t p = w->order[ew->pos++];
        double ph = r->p_head ? r->p_head[r->train->r[p]] : 0.5;
        int side = ns__rng_float(w->rng) < ph;
        w->side_list[side][w->n_side[side]++] = (int32_t)p;
    }
}

static double one_step(kg_worker *w, ns__worker *ew, int64_t step) {
    kg_run *r = w->run;
    ns_kg *m = r->m;
    const ns_kg_opts *o = r->o;
    const ns_triples *t = r->train;
    float scale = 0.5f / (float)o->batch;
    double loss = 0;
    next_batch(w, ew);
    for (int side = 0; side < 2; side++)
        for (int i = 0; i < w->n_side[side]; i++) {
            int64_t p = w->side_list[side][i];
            row_fresh(r, r->ent, t->h[p], step), row_fresh(r, r->ent, t->t[p], step);
            row_fresh(r, r->rel, t->r[p], step);
        }
    for (int side = 0; side < 2; side++)
        for (int at = 0; at < w->n_side[side]; at += r->chunk) {
            int c = w->n_side[side] - at < r->chunk ? w->n_side[side] - at : r->chunk;
            for (int j = 0; j < o->neg; j++) {
                w->neg[j] = (int32_t)ns__rng_below(w->rng, (uint32_t)m->ne);
                row_fresh(r, r->ent, w->neg[j], step);
            }
            loss += chunk_step(w, w->side_list[side] + at, c, side, scale);
        }
    if (o->reg != NS_KG_REG_NONE && o->reg_weight > 0) {
        int p = o->reg == NS_KG_REG_L2 ? 2 : 3;
        float wt = (float)(o->reg_weight / o->batch);
        for (int side = 0; side < 2; side++)
            for (int i = 0; i < w->n_side[side]; i++) {
                int64_t q = w->side_list[side][i];
                penalty(grad_row(&w->ent, t->h[q]), ns__kg_ent(m, t->h[q]), m->n, p, wt);
                penalty(grad_row(&w->ent, t->t[q]), ns__kg_ent(m, t->t[q]), m->n, p, wt);
                penalty(grad_row(&w->rel, t->r[q]), ns__kg_rel(m, t->r[q]), m->nrel, p, wt);
            }
    }
    grad_apply(r, step, &w->ent, r->ent);
    grad_apply(r, step, &w->rel, r->rel);
    return loss;
}

static ns_status worker_init(void *data, ns__worker *ew) {
    kg_run *r = data;
    kg_worker *w = malloc(sizeof *w);
    if (!w || !buffers_init(w, r, &ew->rng)) {
        if (w) worker_free(w);
        free(w);
        double b = r->o->batch, k = r->o->neg, c = r->chunk, ce = 2 * b + (b / c + 2) * k;
        ce = ce < r->m->ne ? ce : r->m->ne;
        return ns__nomem(&ew->err, "a worker's buffers", (double)r->train->n * 8 + 4.0 * (r->m->ne + r->m->nr) +
                                                              4.0 * (ce + b) * r->m->n + 8 * c * k + 12.0 * c * r->m->n);
    }
    /* A fresh worker starts pass 0; a resumed one has its pass and cursor. */
    pass_order(w, ew->id, ew->epoch);
    ew->scratch = w;
    return NS_OK;
}

static ns_status run_step(void *data, ns__worker *ew, float lr, ns__tally *tl) {
    kg_run *r = data;
    (void)lr; /* the step's rule holds it */
    tl->loss = one_step(ew->scratch, ew, ew->step);
    tl->units = 1, tl->pairs = r->o->batch;
    return NS_OK;
}

/* The rule of every step and, under dense Adam, the rows' step counters
 * (all rows are up to date when a run starts). */
static ns_status setup_optimiser(kg_run *r, const ns__task *t, ns_error *err) {
    ns_kg *m = r->m;
    int64_t done = m->run.done;
    r->ent = (kg_table){m->E, m->E1, m->E2, NULL, m->ne, m->n};
    r->rel = (kg_table){m->R, m->R1, m->R2, NULL, m->nr, m->nrel};
    int64_t from = done < r->total ? done : r->total;
    if (!(r->rules = ns__malloc((size_t)r->total + 1, sizeof *r->rules, "the schedule of every step", err)))
        return NS_ENOMEM;
    for (int64_t j = from; j < r->total; j++) r->rules[j] = rule_at(r, t, j);
    ns__kg_rules_ahead(r->rules, from, r->total);
    if (r->o->optim != NS_KG_ADAM) return NS_OK;
    if (!(r->ent.at = ns__malloc((size_t)m->ne, sizeof *r->ent.at, "the entities' step counters", err)) ||
        !(r->rel.at = ns__malloc((size_t)m->nr, sizeof *r->rel.at, "the relations' step counters", err)))
        return NS_ENOMEM;
    for (int32_t i = 0; i < m->ne; i++) atomic_init(&r->ent.at[i], done);
    for (int32_t i = 0; i < m->nr; i++) atomic_init(&r->rel.at[i], done);
    return NS_OK;
}

/* Pauses: every row brought up to the step (dense Adam), so that the model
 * can be read, validated and saved. */
static ns_status sync(void *data, int64_t done, ns_error *err) {
    kg_run *r = data;
    (void)err;
    catch_up(r, r->ent, done), catch_up(r, r->rel, done);
    return NS_OK;
}

static ns_status validate(void *data, double *metric, ns_error *err) {
    kg_run *r = data;
    ns_kg_report rep;
    ns_status s = ns_kg_eval(r->m, r->valid, r->filter, r->o->threads, 0, r->o->valid_max, &rep, err);
    *metric = rep.all.mrr;
    return s;
}

/* The best state: every table, optimiser state included. */
static ns_status snapshot(void *data, int restore, ns_error *err) {
    ns_kg *m = ((kg_run *)data)->m;
    float *t[6];
    size_t len[6], all = 0;
    int n = ns__kg_tables(m, t, len);
    for (int k = 0; k < n; k++) all += len[k];
    if (!m->best && !(m->best = ns__aligned(all, sizeof(float), "the best state's tables", err))) return NS_ENOMEM;
    size_t off = 0;
    for (int k = 0; k < n; off += len[k], k++)
        memcpy(restore ? t[k] : m->best + off, restore ? m->best + off : t[k], len[k] * sizeof(float));
    return NS_OK;
}

static ns_status save(void *data, const char *path, const ns__run_state *now, const ns__run_state *best,
                      ns_error *err) {
    ns_kg *m = ((kg_run *)data)->m;
    (void)now; /* the model's run state is `now` */
    ns_status s = best ? ns__run_state_copy(&m->best_run, best, err) : NS_OK;
    if (s == NS_OK && !best) m->best_run.done = 0;
    return s == NS_OK ? ns_kg_save(m, path, err) : s;
}

static ns_status check_compatible(const ns_kg *m, const ns_triples *train, const ns_kg_opts *o, ns_error *err) {
    int adagrad = m->o.optim == NS_KG_ADAGRAD;
    if (o->model != m->o.model || o->dim != m->o.dim || o->gamma != m->o.gamma || (o->optim == NS_KG_ADAGRAD) != adagrad)
        return ns__fail(err, NS_EINVAL,
                        "the options change the model (%s, dim %d, gamma %g, %s); scorer, dim, gamma and optimiser "
                        "(Adam or Adagrad) must stay as they were", ns_kg_model_name(m->o.model), m->o.dim,
                        m->o.gamma, adagrad ? "adagrad" : "adam");
    if (!ns__vocab_same(train->ents, m->ents) || !ns__vocab_same(train->rels, m->rels))
        return ns__fail(err, NS_EINVAL, "the training triples' entities or relations are not the model's");
    for (int64_t i = 0; i < train->n; i++)
        if (train->h[i] < 0 || train->r[i] < 0 || train->t[i] < 0)
            return ns__fail(err, NS_EINVAL, "training triple %lld names an unknown entity or relation", (long long)i + 1);
    return NS_OK;
}

int64_t ns__kg_steps(const ns_kg_opts *o, int64_t n_train) {
    return o->steps ? o->steps : o->epochs * ((n_train + o->batch - 1) / o->batch);
}

double ns__kg_lr(const ns_kg_opts *o, int64_t n_train) {
    if (o->lr != NS_AUTO) return o->lr;
    if (o->optim == NS_KG_ADAGRAD) return NS_KG_ADAGRAD_LR;
    double range = (o->gamma + 2.0) / o->dim, steps = (double)ns__kg_steps(o, n_train);
    double per_step = NS_KG_LR_BUDGET / (steps > 1 ? steps : 1);
    return range * (per_step < NS_KG_LR_CAP ? per_step : NS_KG_LR_CAP);
}

ns_status ns_kg_train(ns_kg *m, const ns_triples *train, const ns_triples *valid, const ns_kg_filter *filter,
                      const ns_kg_opts *given, const ns_train_hooks *h, ns_error *err) {
    ns__err_clear(err);
    ns_status s = ns_kg_opts_check(given, err);
    ns_kg_opts run = *given, *o = &run; /* with the learning rate resolved */
    if (s == NS_OK) run.lr = ns__kg_lr(given, train->n), s = check_compatible(m, train, o, err);
    if (s == NS_OK && h && h->checkpoint) s = ns_output_check(h->checkpoint, err);
    if (s != NS_OK) return s;
    kg_run r = {.m = m, .train = train, .valid = valid, .filter = filter, .o = o, .metric = ns__kg_metric(m)};
    r.kern = ns__kernels_pick(NULL);
    r.chunk = o->chunk == 0 || o->chunk > o->batch ? o->batch : o->chunk;
    r.total = ns__kg_steps(o, train->n);
    int validating = valid && o->valid_every > 0;
    ns__task t = {.unit = "steps", .mode = NS__STEPS, .threads = o->threads, .seed = o->seed, .steps = r.total,
                  .step_items = train->n, .lr = o->lr, .valid_every = validating ? o->valid_every : 0,
                  .patience = o->patience, .metric = "filtered MRR", .data = &r, .worker_init = worker_init,
                  .scratch_free = worker_free, .run = run_step, .sync = sync, .validate = validating ? validate : NULL,
                  .snapshot = snapshot, .save = save};
    ns_kg_filter *known = NULL;
    if (o->exclude_true) s = ns_kg_filter_create(&known, &train, 1, err);
    r.known = known;
    if (s == NS_OK) s = setup_optimiser(&r, &t, err);
    if (s == NS_OK && o->bernoulli) {
        if (!(r.p_head = ns__malloc((size_t)m->nr, sizeof *r.p_head, "the Bernoulli probabilities", err))) s = NS_ENOMEM;
        else s = ns_triples_bernoulli(train, m->nr, r.p_head, err);
    }
    /* The run's options go with the model (and its checkpoints). */
    if (s == NS_OK) m->o = *o;
    if (s == NS_OK) s = ns__engine_run(&t, &m->run, &m->best_run, h, err);
    /* The model now is the best state (or where a stop left it); the copy
     * of the best served the run and its checkpoints only, and after a
     * cancel the checkpoint the caller may save. */
    if (s != NS_ECANCELED || m->best_run.done == 0) {
        ns__free_aligned(m->best), m->best = NULL;
        ns__run_state_free(&m->best_run);
    }
    free(r.p_head), free(r.rules), free(r.ent.at), free(r.rel.at);
    ns_kg_filter_free(known);
    return s;
}

double ns__kg_chunk_grad(ns_kg *m, const ns_triples *train, const ns_kg_opts *o, const int32_t *pos, int c,
                         int side, const int32_t *neg, float scale, float *gE, float *gR) {
    kg_run r = {.m = m, .train = train, .o = o, .metric = ns__kg_metric(m), .chunk = c};
    r.kern = ns__kernels_pick(NULL);
    ns_kg_filter *known = NULL;
    kg_worker w;
    ns_rng rng;
    ns__rng_seed(&rng, 1, 1);
    double loss = NAN;
    if (o->exclude_true && ns_kg_filter_create(&known, &train, 1, NULL) != NS_OK) return NAN;
    r.known = known;
    if (buffers_init(&w, &r, &rng)) {
        memcpy(w.neg, neg, (size_t)o->neg * sizeof *neg);
        loss = chunk_step(&w, pos, c, side, scale);
        for (int tab = 0; tab < 2; tab++) {
            const step_grad *x = tab ? &w.rel : &w.ent;
            float *dense = tab ? gR : gE;
            for (int32_t s = 0; s < x->n; s++)
                for (int d = 0; d < x->len; d++) dense[(size_t)x->rows[s] * x->len + d] += x->g[(size_t)s * x->len + d];
        }
    }
    worker_free(&w);
    ns_kg_filter_free(known);
    return loss;
}
