/*
 * train.c (pairs) - training on pair data (left -> right, with optional explicit
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
#include "engine/engine.h"
#include "tasks/pairs/pairs.h"
#include "sample/sample.h"

#include <stdlib.h>
#include <string.h>

#define PUBLISH_EVERY 4096

typedef struct pairs_task {
    ns_model *m;
    const ns_train_opts *o;
    const ns_kernels *k;
    ns_noise noise;      /* negatives and the NCE / sampled-softmax shift */
    const ns_pairs *p;
    const ns_pairs *valid; /* NULL: no validation */
    int64_t *order;      /* a shuffled permutation of the pairs; workers
                            reshuffle their own slice every epoch */
    int32_t max_negs;    /* most explicit negatives on a line */
} pairs_task;

typedef struct scratch {
    float **A, **B, **dA, **bias;
    int32_t *ids, *ex, *pos, *col;
    int64_t *stamp;      /* InfoNCE: the batch a right item last got a column in */
    int64_t batch_no;    /* InfoNCE: batches so far */
    float *y, *shift, *S, *G, *buf;
} scratch;

static void scratch_free(void *p) {
    scratch *x = p;
    free(x->A), free(x->B), free(x->dA), free(x->bias), free(x->ids), free(x->ex), free(x->pos);
    free(x->col), free(x->stamp), free(x->y), free(x->shift);
    ns__free_aligned(x->S), ns__free_aligned(x->buf);
}

static int scratch_init(scratch *x, ns_model *m, const ns_train_opts *o, int32_t max_negs, double *bytes) {
    int infonce = o->loss == NS_LOSS_INFONCE, full = o->loss == NS_LOSS_SOFTMAX;
    size_t na = infonce ? (size_t)o->batch : 1, st = (size_t)m->stride;
    size_t nb = full ? (size_t)m->rows_out
                     : infonce ? na * (1 + (size_t)max_negs) : 1 + (size_t)o->neg + (size_t)max_negs;
    *bytes = (double)na * (8 + 8 + 4 + 4 * st) + (double)nb * (8 + 4 + 4 + 4 + 4) + 8.0 * na * nb +
             (infonce ? 8.0 * m->rows_out : 0);
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
static double update(const pairs_task *t, scratch *x, int na, int nb, float lr) {
    const ns_model *m = t->m;
    const ns_kernels *k = t->k;
    ns_block b = ns__block_for(m, t->o, &t->noise, lr, x->ids, nb, x->y, x->pos, x->shift, x->bias);
    double l = ns__block_update(k, &b, x->A, na, x->B, nb, m->klen, x->S, x->G, x->dA);
    float one = 1.0f;
    for (int i = 0; i < na; i++) k->gemm_acc(&x->A[i], 1, (const float *const *)&x->dA[i], 1, &one, 0, 0, m->klen);
    return l;
}

/* Columns for one pair: its right item, k sampled negatives, its explicit
 * ones. Returns their number. */
static int pair_columns(const pairs_task *t, scratch *x, ns_rng *rng, int32_t left, int32_t right,
                        const int32_t *negs, int nn) {
    const ns_model *m = t->m;
    int nb = 1, n_ex = 1;
    x->ids[0] = x->ex[0] = right;
    if (t->o->reject_anchor && !m->vocab_out) x->ex[n_ex++] = left;
    nb += ns__noise_draw(&t->noise, rng, t->o->neg, x->ex, n_ex, x->ids + 1);
    for (int j = 0; j < nn; j++)
        if (negs[j] != right) x->ids[nb++] = negs[j];
    for (int j = 0; j < nb; j++) x->B[j] = ns__out_row(m, x->ids[j]);
    return nb;
}

/* Columns for an InfoNCE batch of pairs order[from..to); sets x->A and
 * x->pos. Returns the number of columns. */
static int batch_columns(const pairs_task *t, scratch *x, int64_t from, int64_t to) {
    const ns_model *m = t->m;
    int64_t batch_no = x->batch_no++;
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

static ns_status worker_init(void *data, ns__worker *w) {
    pairs_task *t = data;
    scratch *x = malloc(sizeof *x);
    double bytes = sizeof *x;
    if (!x || !scratch_init(x, t->m, t->o, t->max_negs, &bytes)) {
        free(x);
        return ns__nomem(&w->err, "a worker's buffers", bytes);
    }
    w->scratch = x;
    return NS_OK;
}

/* Pairs (InfoNCE: batches) from w->pos on, until PUBLISH_EVERY pairs are
 * done or the shard ends. */
static ns_status run(void *data, ns__worker *w, float lr, ns__tally *tl) {
    const pairs_task *t = data;
    const ns_train_opts *o = t->o;
    ns_model *m = t->m;
    scratch *x = w->scratch;
    int infonce = o->loss == NS_LOSS_INFONCE;
    int64_t step = infonce ? o->batch : 1;
    while (w->pos < w->last && tl->units < PUBLISH_EVERY) {
        int64_t q = w->pos, end = q + step < w->last ? q + step : w->last;
        int na = (int)(end - q), nb;
        if (infonce) {
            nb = batch_columns(t, x, q, end);
        } else {
            int32_t left, right;
            const int32_t *negs;
            int32_t nn = ns_pairs_get(t->p, t->order[q], &left, &right, &negs);
            x->A[0] = ns__in_row(m, left);
            if (o->loss == NS_LOSS_SOFTMAX) nb = m->rows_out, x->pos[0] = right;
            else nb = pair_columns(t, x, &w->rng, left, right, negs, nn);
        }
        tl->loss += update(t, x, na, nb, lr);
        tl->units += na, tl->pairs += na;
        w->pos = end;
    }
    return NS_OK;
}

/* Whether some pair has both items in the model. */
static int covers(const ns_pairs *p) {
    for (int64_t i = 0; i < ns_pairs_count(p); i++) {
        int32_t l, r;
        ns_pairs_get(p, i, &l, &r, NULL);
        if (l >= 0 && r >= 0) return 1;
    }
    return 0;
}

/* Filtered MRR on the validation pairs (the training pairs filtered). */
static ns_status validate(void *data, double *metric, ns_error *err) {
    const pairs_task *t = data;
    ns_rank_report rep;
    int32_t k = 10;
    ns_status s = ns_eval_pairs(t->m, t->valid, &t->p, 1, &k, 1, &rep, err);
    if (s == NS_OK) *metric = rep.mrr;
    return s;
}

static ns_status snapshot(void *data, int restore, ns_error *err) {
    return ns__model_snapshot(((pairs_task *)data)->m, restore, err);
}

static ns_status save(void *data, const char *path, const ns__run_state *now, const ns__run_state *best,
                      ns_error *err) {
    (void)now; /* the model's run state is `now` */
    ns_model *m = ((pairs_task *)data)->m;
    ns_status s = ns__model_best_run(m, best, err);
    return s == NS_OK ? ns_model_save(m, path, err) : s;
}

int32_t ns__pairs_epochs(int32_t epochs, int64_t pairs) {
    if (epochs != (int32_t)NS_AUTO) return epochs;
    int64_t e = (NS_PAIRS_AUTO_UPDATES + pairs - 1) / (pairs > 0 ? pairs : 1);
    return e < 5 ? 5 : e > 100000 ? 100000 : (int32_t)e;
}

ns_status ns_train_pairs(ns_model *m, const ns_pairs *p, const ns_pairs *valid, const ns_train_opts *given,
                         const ns_train_hooks *h, ns_error *err) {
    ns__err_clear(err);
    ns_status s = ns_train_opts_check(given, err);
    if (s != NS_OK) return s;
    ns_train_opts opts = *given, *o = &opts; /* with the epochs resolved */
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
    if (valid && (!ns__vocab_same(ns_pairs_left_vocab(valid), m->vocab) ||
                  !ns__vocab_same(ns_pairs_right_vocab(valid), ns__out_vocab(m))))
        return ns__fail(err, NS_EINVAL, "the validation pairs are not over the model's vocabularies (load them with the model)");
    if (valid && o->valid_every > 0 && !covers(valid))
        return ns__fail(err, NS_EEMPTY, "no validation pair has both items in the model");
    if (h && h->checkpoint && (s = ns_output_check(h->checkpoint, err)) != NS_OK) return s;
    int64_t all = ns_pairs_count(p), n = 0;
    pairs_task t = {m, o, ns__kernels_pick(NULL), {{0}, NULL, NULL}, p, valid,
                    ns__malloc((size_t)all, sizeof *t.order, "the order of the pairs", err), 0};
    if (!t.order) return NS_ENOMEM;
    for (int64_t i = 0; i < all; i++) { /* pairs with an item the model lacks are left out */
        int32_t l, r;
        int32_t nn = ns_pairs_get(p, i, &l, &r, NULL);
        if (nn > t.max_negs) t.max_negs = nn;
        if (l >= 0 && r >= 0) t.order[n++] = i;
    }
    if (n == 0) {
        free(t.order);
        return ns__fail(err, NS_EEMPTY, "no pair has both items in the model");
    }
    ns_rng rng;
    ns__rng_seed(&rng, o->seed, 0);
    ns__shuffle(t.order, n, &rng); /* shards then hold random pairs */
    opts.epochs = ns__pairs_epochs(given->epochs, n);
    m->opts = *o, m->opts.noise_weights = NULL;
    ns__pairs_opts_of(p, &m->pairs);
    ns__task task = {.unit = "pairs", .mode = NS__SHARDS, .threads = o->threads, .seed = o->seed, .items = n,
                     .per_epoch = n, .epochs = o->epochs, .lr = o->lr, .min_lr_frac = o->min_lr_frac,
                     .diverge_hint = o->loss == NS_LOSS_INFONCE ? " or raise the temperature" : NULL, .data = &t,
                     .worker_init = worker_init, .scratch_free = scratch_free, .order = t.order, .run = run,
                     .save = save, .snapshot = snapshot};
    if (valid && o->valid_every > 0)
        task.validate = validate, task.valid_every = o->valid_every, task.patience = o->patience,
        task.metric = "filtered MRR";
    /* The exact softmax and InfoNCE draw no negatives: no noise table. */
    if (!ns__loss_samples(o->loss) || (s = ns__noise_build(&t.noise, ns__out_vocab(m), o, err)) == NS_OK)
        s = ns__engine_run(&task, &m->run, &m->best_run, h, err);
    ns__noise_destroy(&t.noise);
    ns__model_best_done(m, s);
    free(t.order);
    return s;
}
