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
 * Threads race on the rows (Hogwild), the one intentional race; step
 * counting, loss sums and the stop flag are atomics or under a mutex.
 */
#include "negsamp.h"

#include "core/core.h"
#include "tasks/kg/triples.h"
#include "data/vocab.h"
#include "tasks/kg/kg.h"
#include "tasks/kg/train.h"
#include "engine/run.h"

#include <math.h>
#include <pthread.h>
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

typedef struct kg_run {
    ns_kg *m;
    const ns_triples *train;
    const ns_kg_opts *o;
    const ns_kernels *kern;
    const ns_kg_filter *known;   /* exclude_true: the training triples */
    double *p_head;              /* per relation */
    int metric;
    int chunk;
    int64_t total;               /* steps in all */
    ns__kg_rule *rules;          /* the update rule of each step */
    kg_table ent, rel;
    int64_t end;                 /* this segment stops at this step */
    atomic_llong next;           /* the next step to claim */
    atomic_llong finished;       /* steps completed */
    atomic_int stop;             /* 1: callback, 2: out of memory, 3: diverged */
    pthread_mutex_t lock;
    double loss;                 /* loss sum and positives since the last report */
    int64_t pos;
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

/* A worker's state: its pass over the triples, its scratch buffers and the
 * gradient of the current step. */
typedef struct kg_worker {
    kg_run *run;
    pthread_t thread;
    ns_rng rng;
    int64_t *order, at;
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

static void worker_free(kg_worker *w) {
    free(w->order), free(w->side_list[0]), free(w->side_list[1]), free(w->neg);
    free(w->neg_rows), free(w->neg_grads), free(w->q_rows), free(w->gq_rows);
    ns__free_aligned(w->q), ns__free_aligned(w->gq), ns__free_aligned(w->cs);
    free(w->raw), free(w->g), free(w->raw_pos), free(w->g_pos), free(w->wt);
    grad_free(&w->ent), grad_free(&w->rel);
}

static int worker_init(kg_worker *w, kg_run *r, int id) {
    const ns_kg *m = r->m;
    int b = r->o->batch, k = r->o->neg, c = r->chunk;
    int64_t nt = r->train->n;
    memset(w, 0, sizeof *w);
    w->run = r;
    ns__rng_seed(&w->rng, r->o->seed, 0x6b670000ULL + (uint64_t)id + 1000003ULL * (uint64_t)m->steps_done);
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
    for (int64_t i = 0; i < nt; i++) w->order[i] = i;
    w->at = nt; /* shuffled before the first step */
    return 1;
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
static double chunk_step(kg_worker *w, const int32_t *pos, int c, int side, float scale) {
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
static void penalty(float *g, const float *x, int n, int p, float weight) {
    for (int d = 0; d < n; d++) g[d] += p == 2 ? 2.0f * weight * x[d] : 3.0f * weight * x[d] * fabsf(x[d]);
}

/* The learning rate of a step: lr, lr/10 from half of all steps on. */
static double lr_at(const kg_run *r, int64_t step) { return 2 * step < r->total ? r->o->lr : r->o->lr / 10; }

/* A step's update: Adam x -= lr m1 / (sqrt(m2) + eps) with the bias
 * corrections of step t folded into lr and eps, once a step:
 * lr = lr0 sqrt(1 - b2^t) / (1 - b1^t), eps = 1e-8 sqrt(1 - b2^t).
 * Adagrad: m2 += g^2, x -= lr g / (sqrt(m2) + 1e-10). */
static ns__kg_rule rule_at(const kg_run *r, int64_t step) {
    float lr = (float)lr_at(r, step);
    if (r->o->optim == NS_KG_ADAGRAD) return (ns__kg_rule){lr, 1e-10f, 0};
    double t = (double)step + 1, c2 = sqrt(1 - pow(NS_KG_ADAM_B2, t));
    return (ns__kg_rule){(float)(lr * c2 / (1 - pow(NS_KG_ADAM_B1, t))), (float)(1e-8 * c2), 0};
}

void ns__kg_rules_ahead(ns__kg_rule *rules, int64_t from, int64_t total) {
    const double q = NS_KG_ADAM_B1 / sqrt(NS_KG_ADAM_B2);
    rules[total].lr = 0, rules[total].ahead = 0;
    for (int64_t j = total - 1; j >= from; j--) rules[j].ahead = q * (rules[j].lr + rules[j + 1].ahead);
}

void ns__kg_adam_skip(const ns__kg_rule *rules, int64_t a, int64_t s, float *x, float *m1, float *m2, int n) {
    double d1 = pow(NS_KG_ADAM_B1, (double)(s - a)), d2 = pow(NS_KG_ADAM_B2, (double)(s - a));
    double f = rules[a].ahead - d1 / sqrt(d2) * rules[s].ahead;
    float eps = rules[a].eps;
    for (int d = 0; d < n; d++) {
        x[d] -= (float)f * m1[d] / (sqrtf(m2[d]) + eps);
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

/* One optimiser update of a row from its gradient, which is zeroed. */
static void update_row(ns__kg_rule u, float *x, float *m1, float *m2, float *g, int n) {
    for (int d = 0; d < n; d++) {
        if (m1) {
            m1[d] = NS_KG_ADAM_B1 * m1[d] + (1 - NS_KG_ADAM_B1) * g[d];
            m2[d] = NS_KG_ADAM_B2 * m2[d] + (1 - NS_KG_ADAM_B2) * g[d] * g[d];
        } else {
            m2[d] += g[d] * g[d];
        }
        x[d] -= u.lr * (m1 ? m1[d] : g[d]) / (sqrtf(m2[d]) + u.eps);
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

/* The next batch of positives from the worker's shuffled pass. */
static void next_batch(kg_worker *w) {
    kg_run *r = w->run;
    int64_t nt = r->train->n;
    w->n_side[0] = w->n_side[1] = 0;
    for (int i = 0; i < r->o->batch; i++) {
        if (w->at == nt) {
            ns__shuffle(w->order, nt, &w->rng);
            w->at = 0;
        }
        int64_t p = w->order[w->at++];
        double ph = r->p_head ? r->p_head[r->train->r[p]] : 0.5;
        int side = ns__rng_float(&w->rng) < ph;
        w->side_list[side][w->n_side[side]++] = (int32_t)p;
    }
}

static double one_step(kg_worker *w, int64_t step) {
    kg_run *r = w->run;
    ns_kg *m = r->m;
    const ns_kg_opts *o = r->o;
    const ns_triples *t = r->train;
    float scale = 0.5f / (float)o->batch;
    double loss = 0;
    next_batch(w);
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
                w->neg[j] = (int32_t)ns__rng_below(&w->rng, (uint32_t)m->ne);
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

static void *work(void *arg) {
    kg_worker *w = arg;
    kg_run *r = w->run;
    for (;;) {
        if (atomic_load_explicit(&r->stop, memory_order_relaxed)) break;
        int64_t step = atomic_fetch_add(&r->next, 1);
        if (step >= r->end) break;
        double loss = one_step(w, step);
        if (!isfinite(loss)) atomic_store(&r->stop, 3);
        pthread_mutex_lock(&r->lock);
        r->loss += loss, r->pos += r->o->batch;
        pthread_mutex_unlock(&r->lock);
        atomic_fetch_add(&r->finished, 1);
    }
    return NULL;
}

/* Runs the workers from r->next to r->end, reporting every `interval`. */
static ns_status run_segment(kg_run *r, kg_worker *w, int nt, const ns_kg_progress *pr, double t0, ns_kg_progress_fn cb,
                             void *user, double interval, ns_error *err) {
    int started = 0;
    for (; started < nt; started++)
        if (pthread_create(&w[started].thread, NULL, work, &w[started]) != 0) break;
    if (started == 0) return ns__fail(err, NS_ENOMEM, "cannot start a training thread");
    double last = ns__now();
    /* Every claimed step below r->end completes, so this ends. */
    while (atomic_load(&r->finished) < r->end && !atomic_load(&r->stop)) {
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
        if (!cb || ns__now() - last < interval) continue;
        last = ns__now();
        ns_kg_progress p = *pr; /* the best validation so far, nothing of a pause */
        p.paused = 0, p.valid_mrr = 0;
        pthread_mutex_lock(&r->lock);
        p.loss = r->pos ? r->loss / (double)r->pos : 0;
        r->loss = 0, r->pos = 0;
        pthread_mutex_unlock(&r->lock);
        p.step = atomic_load(&r->finished);
        p.lr = lr_at(r, p.step);
        p.seconds = ns__now() - t0;
        if (cb(&p, user)) atomic_store(&r->stop, 1);
    }
    for (int t = 0; t < started; t++) pthread_join(w[t].thread, NULL);
    /* Steps claimed past the end were not run. */
    atomic_store(&r->next, atomic_load(&r->finished));
    return NS_OK;
}

/* The rule of every step and, under dense Adam, the rows' step counters
 * (all rows are up to date when a run starts). */
static ns_status setup_optimiser(kg_run *r, ns_error *err) {
    ns_kg *m = r->m;
    r->ent = (kg_table){m->E, m->E1, m->E2, NULL, m->ne, m->n};
    r->rel = (kg_table){m->R, m->R1, m->R2, NULL, m->nr, m->nrel};
    int64_t from = m->steps_done < r->total ? m->steps_done : r->total;
    if (!(r->rules = malloc((size_t)(r->total + 1) * sizeof *r->rules)))
        return ns__fail(err, NS_ENOMEM, "cannot allocate the schedule of %lld steps", (long long)r->total);
    for (int64_t j = from; j < r->total; j++) r->rules[j] = rule_at(r, j);
    ns__kg_rules_ahead(r->rules, from, r->total);
    if (r->o->optim != NS_KG_ADAM) return NS_OK;
    r->ent.at = malloc((size_t)m->ne * sizeof *r->ent.at), r->rel.at = malloc((size_t)m->nr * sizeof *r->rel.at);
    if (!r->ent.at || !r->rel.at) return ns__fail(err, NS_ENOMEM, "cannot allocate the rows' step counters");
    for (int32_t i = 0; i < m->ne; i++) atomic_init(&r->ent.at[i], m->steps_done);
    for (int32_t i = 0; i < m->nr; i++) atomic_init(&r->rel.at[i], m->steps_done);
    return NS_OK;
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

ns_status ns_kg_train(ns_kg *m, const ns_triples *train, const ns_triples *valid, const ns_kg_filter *filter,
                      const ns_kg_opts *o, ns_kg_progress_fn cb, void *user, double interval, ns_error *err) {
    ns_status s = ns_kg_opts_check(o, err);
    if (s == NS_OK) s = check_compatible(m, train, o, err);
    if (s != NS_OK) return s;
    kg_run r = {.m = m, .train = train, .o = o, .metric = ns__kg_metric(m)};
    r.kern = ns__kernels_pick(NULL);
    r.chunk = o->chunk == 0 || o->chunk > o->batch ? o->batch : o->chunk;
    r.total = o->steps ? o->steps : o->epochs * ((train->n + o->batch - 1) / o->batch);
    atomic_init(&r.next, m->steps_done), atomic_init(&r.finished, m->steps_done), atomic_init(&r.stop, 0);
    pthread_mutex_init(&r.lock, NULL);
    int nt = o->threads;
    kg_worker *w = calloc((size_t)nt, sizeof *w);
    ns_kg_filter *known = NULL;
    float *best = NULL;
    size_t ne = (size_t)m->ne * (size_t)m->n, nr = (size_t)m->nr * (size_t)m->nrel;
    if (!w) s = NS_ENOMEM;
    if (s == NS_OK && o->exclude_true) s = ns_kg_filter_create(&known, &train, 1, err);
    r.known = known;
    if (s == NS_OK) s = setup_optimiser(&r, err);
    if (s == NS_OK && o->bernoulli) {
        if (!(r.p_head = malloc((size_t)m->nr * sizeof *r.p_head))) s = NS_ENOMEM;
        else s = ns_triples_bernoulli(train, m->nr, r.p_head, err);
    }
    for (int t = 0; s == NS_OK && t < nt; t++)
        if (!worker_init(&w[t], &r, t)) s = NS_ENOMEM;
    int validate = valid && o->valid_every > 0;
    if (s == NS_OK && validate && !(best = ns__alloc_aligned(ne + nr, sizeof(float)))) s = NS_ENOMEM;
    ns_kg_progress pr = {.steps = r.total};
    double t0 = ns__now();
    int bad = 0;
    while (s == NS_OK && atomic_load(&r.finished) < r.total && !atomic_load(&r.stop)) {
        int64_t done = atomic_load(&r.finished);
        r.end = o->valid_every > 0 ? (done / o->valid_every + 1) * o->valid_every : r.total;
        if (r.end > r.total) r.end = r.total;
        s = run_segment(&r, w, nt, &pr, t0, cb, user, interval, err);
        m->steps_done = atomic_load(&r.finished);
        catch_up(&r, r.ent, m->steps_done), catch_up(&r, r.rel, m->steps_done);
        if (s != NS_OK || atomic_load(&r.stop) || o->valid_every == 0) break;
        pr.step = m->steps_done, pr.lr = lr_at(&r, pr.step), pr.paused = 1, pr.valid_mrr = 0;
        if (validate) {
            ns_kg_report rep;
            if ((s = ns_kg_eval(m, valid, filter, nt, 0, o->valid_max, &rep, err)) != NS_OK) break;
            pr.valid_mrr = rep.all.mrr;
            if (rep.all.mrr > pr.best_mrr) {
                pr.best_mrr = rep.all.mrr, pr.best_step = m->steps_done, bad = 0;
                memcpy(best, m->E, ne * sizeof(float)), memcpy(best + ne, m->R, nr * sizeof(float));
            } else {
                bad++;
            }
        }
        pr.seconds = ns__now() - t0;
        if (cb && cb(&pr, user)) atomic_store(&r.stop, 1);
        if (validate && o->patience && bad >= o->patience) break;
    }
    if (s == NS_OK && atomic_load(&r.stop) == 3)
        s = ns__fail(err, NS_EDIVERGED, "training diverged (a step's loss is not finite); lower the learning rate");
    else if (s == NS_OK && atomic_load(&r.stop) == 1)
        s = NS_ECANCELED;
    if (best && pr.best_step > 0) /* the best validated parameters */
        memcpy(m->E, best, ne * sizeof(float)), memcpy(m->R, best + ne, nr * sizeof(float));
    if (s == NS_OK || s == NS_ECANCELED) m->o = *o;
    for (int t = 0; w && t < nt; t++) worker_free(&w[t]);
    free(w), free(r.p_head), free(r.rules), free(r.ent.at), free(r.rel.at);
    ns__free_aligned(best);
    ns_kg_filter_free(known);
    pthread_mutex_destroy(&r.lock);
    return s;
}

double ns__kg_chunk_grad(ns_kg *m, const ns_triples *train, const ns_kg_opts *o, const int32_t *pos, int c,
                         int side, const int32_t *neg, float scale, float *gE, float *gR) {
    kg_run r = {.m = m, .train = train, .o = o, .metric = ns__kg_metric(m), .chunk = c};
    r.kern = ns__kernels_pick(NULL);
    ns_kg_filter *known = NULL;
    kg_worker w;
    double loss = NAN;
    if (o->exclude_true && ns_kg_filter_create(&known, &train, 1, NULL) != NS_OK) return NAN;
    r.known = known;
    if (worker_init(&w, &r, 0)) {
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
