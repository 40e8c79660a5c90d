/*
 * words.c - skip-gram and CBOW with negative sampling over an in-memory
 * corpus, Hogwild threads.
 *
 * Each thread owns a contiguous shard of sentences (split by token count) and
 * walks all of it every epoch. Per sentence: subsample (word2vec's keep
 * probability), then for each centre position draw the effective window
 * b in 1..window and
 *   skip-gram: A = the context words' input rows, B = [centre, k negatives]
 *              output rows, one block update (the window shares its
 *              negatives, as in HogBatch);
 *   CBOW:      A = [mean of the context input rows], same B; the input
 *              gradient is added to every context row (word2vec).
 * The learning rate decays linearly with the global count of processed
 * tokens, which threads publish every 10,000 tokens (run.c).
 */
#include "negsamp.h"

#include "core/core.h"
#include "data/vocab.h"
#include "model/model.h"
#include "engine/run.h"
#include "sample/sample.h"

#include <stdlib.h>
#include <string.h>

#define PUBLISH_EVERY 10000

/* The words trainer's data: the corpus and the subsampling table. */
typedef struct words_task {
    const ns_corpus *c;
    uint32_t *keep;        /* per word: keep if rand32 < keep[w] */
} words_task;

/* A worker's buffers: row pointers for one block update and its scratch. */
typedef struct scratch {
    int32_t *sen;     /* the current sentence after subsampling */
    float **A, **B;   /* input and output rows of the block */
    int32_t *ids;     /* word ids of the output rows */
    int32_t *ex;      /* ids negatives must avoid: the centre, then the context */
    float *shift;     /* per output row: log(k Pn) (NCE, sampled softmax) */
    float **bias;     /* per output row: its bias, when the model has biases */
    float **dA;       /* input gradients (rows of buf) */
    float *y;         /* labels: 1, 0, ..., 0 */
    int *pos;         /* full softmax: per input row, the positive's column */
    float *w;         /* CBOW weights */
    float *h;         /* CBOW mean of the context rows */
    float *S, *G;     /* scores and gradient coefficients */
    float *buf;
} scratch;

static void scratch_free(scratch *x) {
    free(x->sen), free(x->A), free(x->B), free(x->dA), free(x->y), free(x->w), free(x->pos);
    free(x->ids), free(x->ex), free(x->shift), free(x->bias);
    ns__free_aligned(x->buf);
}

/* The full softmax scores every output row: B is the whole table, once. */
static int scratch_init(scratch *x, ns_model *m, const ns_train_opts *o, int64_t max_len) {
    int full = o->loss == NS_LOSS_SOFTMAX;
    size_t max_in = 2 * (size_t)o->window, st = (size_t)m->stride;
    size_t max_out = full ? (size_t)m->rows : (size_t)o->neg + 1;
    x->sen = malloc((size_t)(max_len ? max_len : 1) * sizeof *x->sen);
    x->A = malloc(max_in * sizeof *x->A);
    x->B = malloc(max_out * sizeof *x->B);
    x->dA = malloc(max_in * sizeof *x->dA);
    x->y = calloc(max_out, sizeof *x->y);
    x->w = malloc(max_in * sizeof *x->w);
    x->pos = malloc(max_in * sizeof *x->pos);
    x->ids = malloc(max_out * sizeof *x->ids);
    x->ex = malloc((max_in + 1) * sizeof *x->ex);
    x->shift = malloc(max_out * sizeof *x->shift);
    x->bias = malloc(max_out * sizeof *x->bias);
    x->buf = ns__alloc_aligned(max_in * st + st + 2 * max_in * max_out, sizeof(float));
    if (!x->sen || !x->A || !x->B || !x->dA || !x->y || !x->w || !x->pos || !x->ids || !x->ex ||
        !x->shift || !x->bias || !x->buf) {
        scratch_free(x);
        return 0;
    }
    for (size_t i = 0; i < max_in; i++) x->dA[i] = x->buf + i * st;
    x->h = x->buf + max_in * st;
    x->S = x->h + st;
    x->G = x->S + max_in * max_out;
    x->y[0] = 1.0f;
    for (size_t i = 0; i < max_in; i++) x->pos[i] = 0;
    for (int32_t j = 0; full && j < m->rows; j++) x->ids[j] = j, x->B[j] = ns__out_row(m, j);
    return 1;
}

/* One centre word: x->A[0..na) hold its context rows, x->B[0..nb) (ids in
 * x->ids) its output row and negatives. Returns the loss; *pairs counts
 * positive pairs. */
static double train_centre(const ns_run *sh, scratch *x, int na, int nb, float lr, int64_t *pairs) {
    const ns_kernels *k = sh->k;
    const ns_model *m = sh->m;
    int klen = m->klen;
    ns_block b = ns__run_block(sh, lr, x->ids, nb, x->y, x->pos, x->shift, x->bias);
    if (sh->o->task == NS_TASK_SKIPGRAM) {
        double l = ns__block_update(k, &b, x->A, na, x->B, nb, klen, x->S, x->G, x->dA);
        float one = 1.0f;
        for (int i = 0; i < na; i++) k->gemm_acc(&x->A[i], 1, (const float *const *)&x->dA[i], 1, &one, 0, 0, klen);
        *pairs += na;
        return l;
    }
    /* CBOW: the mean of the context rows predicts the centre; its gradient
     * is added to every context row, undivided (word2vec). */
    for (int i = 0; i < na; i++) x->w[i] = 1.0f / (float)na;
    memset(x->h, 0, sizeof(float) * (size_t)klen);
    k->gemm_acc(&x->h, 1, (const float *const *)x->A, na, x->w, 0, 1, klen);
    double l = ns__block_update(k, &b, &x->h, 1, x->B, nb, klen, x->S, x->G, x->dA);
    for (int i = 0; i < na; i++) x->w[i] = 1.0f;
    k->gemm_acc(x->A, na, (const float *const *)x->dA, 1, x->w, 1, 0, klen);
    *pairs += 1;
    return l;
}

static void *work(void *arg) {
    ns_worker *me = arg;
    ns_run *sh = me->run;
    const words_task *wt = sh->task;
    const ns_train_opts *o = sh->o;
    ns_model *m = sh->m;
    ns_rng rng;
    ns__rng_seed(&rng, o->seed, (uint64_t)me->id + 1);
    int64_t max_len = 0;
    for (int64_t s = me->first; s < me->last; s++) {
        int64_t len;
        ns_corpus_sentence(wt->c, s, &len);
        if (len > max_len) max_len = len;
    }
    scratch x;
    if (!scratch_init(&x, m, o, max_len)) {
        atomic_store(&sh->stop, 2);
        return NULL;
    }
    float lr = (float)ns__run_lr(sh, atomic_load(&sh->done));
    for (int ep = 0; ep < o->epochs && !ns__run_stopped(sh); ep++) {
        ns_tally tl = {0};
        for (int64_t s = me->first; s < me->last; s++) {
            int64_t len, n = 0;
            const int32_t *ids = ns_corpus_sentence(wt->c, s, &len);
            for (int64_t t = 0; t < len; t++)
                if (ns__keep_draw(&rng, wt->keep[ids[t]])) x.sen[n++] = ids[t];
            for (int64_t pos = 0; pos < n; pos++) {
                int b = ns__window_draw(&rng, o->window), na = 0;
                for (int64_t q = pos - b; q <= pos + b; q++)
                    if (q >= 0 && q < n && q != pos) {
                        x.ex[1 + na] = x.sen[q];
                        x.A[na++] = ns__in_row(m, x.sen[q]);
                    }
                if (na == 0) continue;
                int nb = m->rows;
                if (o->loss == NS_LOSS_SOFTMAX) {
                    for (int i = 0; i < na; i++) x.pos[i] = x.sen[pos];
                } else {
                    x.ids[0] = x.ex[0] = x.sen[pos];
                    nb = 1 + ns__noise_draw(&sh->noise, &rng, o->neg, x.ex, o->reject_anchor ? 1 + na : 1,
                                            x.ids + 1);
                    for (int j = 0; j < nb; j++) x.B[j] = ns__out_row(m, x.ids[j]);
                }
                tl.loss += train_centre(sh, &x, na, nb, lr, &tl.pairs);
            }
            tl.units += len;
            if (tl.units >= PUBLISH_EVERY || s + 1 == me->last) {
                lr = ns__run_flush(me, &tl);
                if (ns__run_stopped(sh)) break;
            }
        }
        ns__run_epoch_done(me, ep, &tl);
    }
    scratch_free(&x);
    return NULL;
}

static int64_t sentence_len(const void *task, int64_t i) {
    int64_t len;
    ns_corpus_sentence(((const words_task *)task)->c, i, &len);
    return len;
}

/* Shards of about equal token counts. */
static void split(ns_worker *w, int nt, const void *task) {
    ns__run_shards(w, nt, ns_corpus_sentences(((const words_task *)task)->c), sentence_len, task);
}

ns_status ns_train_words(ns_model *m, const ns_corpus *c, const ns_train_opts *o,
                         ns_progress_fn cb, void *user, double interval, ns_error *err) {
    ns_status s = ns_train_opts_check(o, err);
    if (s != NS_OK) return s;
    if (o->dim != m->dim)
        return ns__fail(err, NS_EINVAL, "dim %d differs from the model's %d", o->dim, m->dim);
    if (!o->bias != !m->bias)
        return ns__fail(err, NS_EINVAL, "bias %s, but the model was created %s output biases",
                        o->bias ? "on" : "off", m->bias ? "with" : "without");
    if (o->task != NS_TASK_SKIPGRAM && o->task != NS_TASK_CBOW)
        return ns__fail(err, NS_EINVAL, "options are for the %s task", o->task == NS_TASK_PAIRS ? "pairs" : "recommendation");
    if ((s = ns__model_check_corpus(m, c, err)) != NS_OK) return s;
    const ns_vocab *v = m->vocab;
    int32_t n = ns_vocab_size(v);
    words_task wt = {c, malloc((size_t)n * sizeof *wt.keep)};
    if (!wt.keep) return NS_ENOMEM;
    for (int32_t i = 0; i < n; i++)
        wt.keep[i] = ns__keep_threshold(ns__keep_prob(ns_vocab_count(v, i), ns_vocab_total(v), o->sample));
    ns_run run = {.m = m, .o = o, .k = ns__kernels_pick(NULL), .task = &wt, .per_epoch = ns_corpus_tokens(c)};
    /* The exact softmax and InfoNCE draw no negatives: no noise table. */
    if (!ns__loss_samples(o->loss) || (s = ns__noise_build(&run.noise, v, o, err)) == NS_OK)
        s = ns__run_threads(&run, work, split, cb, user, interval, err);
    free(wt.keep);
    return s;
}
