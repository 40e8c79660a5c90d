/*
 * pairs.c - training on pair data (left -> right, with optional explicit
 * negatives), Hogwild threads over shards of a shuffled order of the pairs.
 *
 * Per pair (sgns, nce, softmax-sampled): A = [left's input row], B = [right's
 * output row, k negatives drawn from the noise over right items, then the
 * line's explicit negatives], one block update; the full softmax scores
 * every right item instead. Explicit negatives get the same NCE / sampled
 * softmax shift as sampled ones, so that every column's score means the
 * same thing.
 *
 * InfoNCE, per mini-batch of `batch` pairs: A = the batch's left rows, B =
 * the distinct right items of the batch (each row's positive, the other
 * rows' positives being its negatives) and then the batch's explicit
 * negatives, shared by every row; row i's positive is the column of its
 * right item, so a right item that occurs twice in a batch is never a
 * negative of a row that has it as positive. Scores are divided by the
 * temperature.
 */
#include "negsamp.h"

#include "core/core.h"
#include "data/vocab.h"
#include "model/model.h"
#include "engine/run.h"
#include "sample/sample.h"

#include <stdlib.h>
#include <string.h>

#define PUBLISH_EVERY 4096

typedef struct pairs_task {
    const ns_pairs *p;
    int64_t *order;      /* a shuffled permutation of the pairs; workers
                            reshuffle their own slice every epoch */
    int32_t max_negs;    /* most explicit negatives on a line */
} pairs_task;

typedef struct scratch {
    float **A, **B, **dA, **bias;
    int32_t *ids, *ex, *pos, *col;
    int64_t *stamp;      /* InfoNCE: the batch a right item last got a column in */
    float *y, *shift, *S, *G, *buf;
} scratch;

static void scratch_free(scratch *x) {
    free(x->A), free(x->B), free(x->dA), free(x->bias), free(x->ids), free(x->ex), free(x->pos);
    free(x->col), free(x->stamp), free(x->y), free(x->shift);
    ns__free_aligned(x->S), ns__free_aligned(x->buf);
}

static int scratch_init(scratch *x, ns_model *m, const ns_train_opts *o, int32_t max_negs) {
    int infonce = o->loss == NS_LOSS_INFONCE, full = o->loss == NS_LOSS_SOFTMAX;
    size_t na = infonce ? (size_t)o->batch : 1, st = (size_t)m->stride;
    size_t nb = full ? (size_t)m->rows_out
                     : infonce ? na * (1 + (size_t)max_negs) : 1 + (size_t)o->neg + (size_t)max_negs;
    memset(x, 0, sizeof *x);
    x->A = malloc(na * sizeof *x->A);
    x->dA = malloc(na * sizeof *x->dA);
    x->pos = calloc(na, sizeof *x->pos);
    x->B = malloc(nb * sizeof *x->B);
    x->bias = malloc(nb * sizeof *x->bias);
    x->ids = malloc(nb * sizeof *x->ids);
    x->y = calloc(nb, sizeof *x->y);
    x->shift = malloc(nb * sizeof *x->shift);
    x->ex = malloc(2 * sizeof *x->ex);
    x->S = ns__alloc_aligned(2 * na * nb, sizeof(float));
    x->buf = ns__alloc_aligned(na * st, sizeof(float));
    if (infonce) {
        x->col = malloc((size_t)m->rows_out * sizeof *x->col);
        x->stamp = malloc((size_t)m->rows_out * sizeof *x->stamp);
    }
    if (!x->A || !x->dA || !x->pos || !x->B || !x->bias || !x->ids || !x->y || !x->shift || !x->ex ||
        !x->S || !x->buf || (infonce && (!x->col || !x->stamp))) {
        scratch_free(x);
        return 0;
    }
    x->G = x->S + na * nb;
    for (size_t i = 0; i < na; i++) x->dA[i] = x->buf + i * st;
    for (int32_t j = 0; infonce && j < m->rows_out; j++) x->stamp[j] = -1;
    for (int32_t j = 0; full && j < m->rows_out; j++) x->ids[j] = j, x->B[j] = ns__out_row(m, j);
    x->y[0] = 1.0f;
    return 1;
}

/* One block update over x->A[0..na) and the columns x->ids[0..nb) (whose
 * rows are in x->B); applies the input gradients. Returns the loss. */
static double update(const ns_run *r, scratch *x, int na, int nb, float lr) {
    const ns_model *m = r->m;
    const ns_kernels *k = r->k;
    ns_block b = ns__run_block(r, lr, x->ids, nb, x->y, x->pos, x->shift, x->bias);
    double l = ns__block_update(k, &b, x->A, na, x->B, nb, m->klen, x->S, x->G, x->dA);
    float one = 1.0f;
    for (int i = 0; i < na; i++) k->gemm_acc(&x->A[i], 1, (const float *const *)&x->dA[i], 1, &one, 0, 0, m->klen);
    return l;
}

/* Columns for one pair: its right item, k sampled negatives, its explicit
 * ones. Returns their number. */
static int pair_columns(const ns_run *r, scratch *x, ns_rng *rng, int32_t left, int32_t right,
                        const int32_t *negs, int nn) {
    const ns_model *m = r->m;
    int nb = 1, n_ex = 1;
    x->ids[0] = x->ex[0] = right;
    if (r->o->reject_anchor && !m->vocab_out) x->ex[n_ex++] = left;
    nb += ns__noise_draw(&r->noise, rng, r->o->neg, x->ex, n_ex, x->ids + 1);
    for (int j = 0; j < nn; j++)
        if (negs[j] != right) x->ids[nb++] = negs[j];
    for (int j = 0; j < nb; j++) x->B[j] = ns__out_row(m, x->ids[j]);
    return nb;
}

/* Columns for an InfoNCE batch of pairs order[from..to); sets x->A and
 * x->pos. Returns the number of columns. */
static int batch_columns(const ns_run *r, const pairs_task *t, scratch *x, int64_t from, int64_t to,
                         int64_t batch_no) {
    const ns_model *m = r->m;
    int nb = 0;
    for (int pass = 0; pass < 2; pass++)
        for (int64_t q = from; q < to; q++) {
            int32_t left, right;
            const int32_t *negs;
            int32_t nn = ns_pairs_get(t->p, t->order[q], &left, &right, &negs);
            for (int j = pass ? 0 : -1; j < (pass ? nn : 0); j++) {
                int32_t id = j < 0 ? right : negs[j];
                if (x->stamp[id] != batch_no) {
                    x->stamp[id] = batch_no, x->col[id] = nb;
                    x->ids[nb] = id, x->B[nb] = ns__out_row(m, id);
                    nb++;
                }
            }
            if (!pass) x->A[q - from] = ns__in_row(m, left), x->pos[q - from] = x->col[right];
        }
    return nb;
}

static void *work(void *arg) {
    ns_worker *me = arg;
    ns_run *r = me->run;
    const pairs_task *t = r->task;
    const ns_train_opts *o = r->o;
    ns_model *m = r->m;
    ns_rng rng;
    ns__rng_seed(&rng, o->seed, (uint64_t)me->id + 1);
    scratch x;
    if (!scratch_init(&x, m, o, t->max_negs)) {
        atomic_store(&r->stop, 2);
        return NULL;
    }
    int infonce = o->loss == NS_LOSS_INFONCE;
    int64_t step = infonce ? o->batch : 1, batch_no = 0;
    float lr = (float)ns__run_lr(r, atomic_load(&r->done));
    for (int ep = 0; ep < o->epochs && !ns__run_stopped(r); ep++) {
        ns__shuffle(t->order + me->first, me->last - me->first, &rng); /* this shard, anew */
        ns_tally tl = {0};
        for (int64_t q = me->first; q < me->last; q += step) {
            int64_t end = q + step < me->last ? q + step : me->last;
            int na = (int)(end - q), nb;
            if (infonce) {
                nb = batch_columns(r, t, &x, q, end, batch_no++);
            } else {
                int32_t left, right;
                const int32_t *negs;
                int32_t nn = ns_pairs_get(t->p, t->order[q], &left, &right, &negs);
                x.A[0] = ns__in_row(m, left);
                if (o->loss == NS_LOSS_SOFTMAX) nb = m->rows_out, x.pos[0] = right;
                else nb = pair_columns(r, &x, &rng, left, right, negs, nn);
            }
            tl.loss += update(r, &x, na, nb, lr);
            tl.units += na, tl.pairs += na;
            if (tl.units >= PUBLISH_EVERY || end == me->last) {
                lr = ns__run_flush(me, &tl);
                if (ns__run_stopped(r)) break;
            }
        }
        ns__run_epoch_done(me, ep, &tl);
    }
    scratch_free(&x);
    return NULL;
}

static void split(ns_worker *w, int nt, const void *task) {
    ns__run_shards(w, nt, ns_pairs_count(((const pairs_task *)task)->p), NULL, NULL);
}

ns_status ns_train_pairs(ns_model *m, const ns_pairs *p, const ns_train_opts *o, ns_progress_fn cb,
                         void *user, double interval, ns_error *err) {
    ns_status s = ns_train_opts_check(o, err);
    if (s != NS_OK) return s;
    if (o->task != NS_TASK_PAIRS) return ns__fail(err, NS_EINVAL, "options are not for the pairs task");
    if (o->dim != m->dim)
        return ns__fail(err, NS_EINVAL, "dim %d differs from the model's %d", o->dim, m->dim);
    if (!o->bias != !m->bias)
        return ns__fail(err, NS_EINVAL, "bias %s, but the model was created %s output biases",
                        o->bias ? "on" : "off", m->bias ? "with" : "without");
    int shared = ns_pairs_left_vocab(p) == ns_pairs_right_vocab(p);
    if (shared != !m->vocab_out || !ns__vocab_same(ns_pairs_left_vocab(p), m->vocab) ||
        !ns__vocab_same(ns_pairs_right_vocab(p), ns__out_vocab(m)))
        return ns__fail(err, NS_EINVAL, "the pairs' vocabularies are not the model's");
    pairs_task t = {p, malloc((size_t)ns_pairs_count(p) * sizeof *t.order), 0};
    if (!t.order) return NS_ENOMEM;
    for (int64_t i = 0; i < ns_pairs_count(p); i++) {
        int32_t l, r;
        int32_t nn = ns_pairs_get(p, i, &l, &r, NULL);
        if (nn > t.max_negs) t.max_negs = nn;
        t.order[i] = i;
    }
    ns_rng rng;
    ns__rng_seed(&rng, o->seed, 0);
    ns__shuffle(t.order, ns_pairs_count(p), &rng); /* shards then hold random pairs */
    ns_run run = {.m = m, .o = o, .k = ns__kernels_pick(NULL), .task = &t, .per_epoch = ns_pairs_count(p)};
    /* The exact softmax and InfoNCE draw no negatives: no noise table. */
    if (!ns__loss_samples(o->loss) || (s = ns__noise_build(&run.noise, ns__out_vocab(m), o, err)) == NS_OK)
        s = ns__run_threads(&run, work, split, cb, user, interval, err);
    free(t.order);
    return s;
}
