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
 * tokens, which threads publish every 10,000 tokens.
 *
 * Hogwild: threads read and write rows of the shared tables without locks.
 * That race is intentional (sparse updates rarely collide, and a collision
 * costs a lost gradient, not a crash). Every other shared value is atomic.
 */
#include "negsamp.h"

#include "core/core.h"
#include "data/vocab.h"
#include "model/model.h"
#include "sample/sample.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PUBLISH_EVERY 10000

void ns_train_opts_default(ns_train_opts *o, ns_task task) {
    o->task = task;
    o->loss = NS_LOSS_SGNS;
    o->dim = 100;
    o->window = 5;
    o->neg = 5;
    o->ns_exponent = 0.75;
    o->sample = 1e-4;
    o->epochs = 5;
    o->lr = task == NS_TASK_CBOW ? 0.05 : 0.025;
    o->min_lr_frac = 1e-4;
    o->threads = 2;
    o->seed = 1;
    o->noise_weights = NULL;
    o->reject_anchor = 0;
    o->l2 = 0;
    o->bias = 0;
}

static const char *loss_names[] = {"sgns", "nce", "softmax-sampled", "softmax", "infonce"};

const char *ns_loss_name(ns_loss l) {
    return (unsigned)l < sizeof loss_names / sizeof loss_names[0] ? loss_names[l] : "unknown";
}

int ns_loss_parse(const char *name) {
    for (size_t i = 0; i < sizeof loss_names / sizeof loss_names[0]; i++)
        if (strcmp(name, loss_names[i]) == 0) return (int)i;
    return -1;
}

ns_status ns_train_opts_check(const ns_train_opts *o, ns_error *err) {
    if ((unsigned)o->task > NS_TASK_PAIRS)
        return ns__fail(err, NS_EINVAL, "unknown task %d", (int)o->task);
    if ((unsigned)o->loss > NS_LOSS_INFONCE)
        return ns__fail(err, NS_EINVAL, "unknown loss %d", (int)o->loss);
    if (o->loss == NS_LOSS_INFONCE && o->task != NS_TASK_PAIRS)
        return ns__fail(err, NS_EINVAL, "loss infonce needs pair data (in-batch negatives)");
    if (o->dim < 1 || o->dim > 10000)
        return ns__fail(err, NS_EINVAL, "dim must be in 1..10000, got %d", o->dim);
    if (o->window < 1 || o->window > 1000)
        return ns__fail(err, NS_EINVAL, "window must be in 1..1000, got %d", o->window);
    if (o->neg < 1 || o->neg > 1000)
        return ns__fail(err, NS_EINVAL, "neg must be in 1..1000, got %d", o->neg);
    if (!(o->ns_exponent >= -10 && o->ns_exponent <= 10))
        return ns__fail(err, NS_EINVAL, "ns-exponent must be in -10..10, got %g", o->ns_exponent);
    if (!(o->sample >= 0 && o->sample < 1))
        return ns__fail(err, NS_EINVAL, "sample must be in [0, 1), got %g", o->sample);
    if (o->epochs < 1 || o->epochs > 100000)
        return ns__fail(err, NS_EINVAL, "epochs must be in 1..100000, got %d", o->epochs);
    if (!(o->lr > 0 && o->lr <= 10))
        return ns__fail(err, NS_EINVAL, "lr must be in (0, 10], got %g", o->lr);
    if (!(o->min_lr_frac >= 0 && o->min_lr_frac <= 1))
        return ns__fail(err, NS_EINVAL, "min-lr fraction must be in [0, 1], got %g",
                        o->min_lr_frac);
    if (!(o->l2 >= 0 && o->l2 < 1e6))
        return ns__fail(err, NS_EINVAL, "l2 must be >= 0, got %g", o->l2);
    if (o->threads < 1 || o->threads > 1024)
        return ns__fail(err, NS_EINVAL, "threads must be in 1..1024, got %d", o->threads);
    return NS_OK;
}

typedef struct shared {
    ns_model *m;
    const ns_corpus *c;
    const ns_train_opts *o;
    const ns_kernels *k;
    ns_noise noise;        /* negatives and the NCE / sampled-softmax shift */
    uint32_t *keep;        /* per word: keep if rand32 < keep[w] */
    int64_t total_work;    /* epochs * corpus tokens */
    atomic_llong done;     /* tokens processed, all threads */
    atomic_int stop;
} shared;

typedef struct worker {
    shared *sh;
    int id;
    int64_t first, last;   /* sentences [first, last) */
    pthread_t thread;
    /* Written by this worker only; read by the monitor after `epochs_done`
     * (release/acquire) or as relaxed running figures. */
    double *epoch_loss;    /* per epoch: loss sum */
    int64_t *epoch_pairs;  /* per epoch: positive pairs */
    atomic_int epochs_done;
    _Atomic double run_loss;
    atomic_llong run_pairs;
    _Atomic double lr;
} worker;

static double current_lr(const shared *sh, int64_t done) {
    double frac = 1.0 - (double)done / (double)(sh->total_work + 1);
    if (frac < sh->o->min_lr_frac) frac = sh->o->min_lr_frac;
    return sh->o->lr * frac;
}

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
static double train_centre(const shared *sh, scratch *x, int na, int nb, float lr, int64_t *pairs) {
    const ns_kernels *k = sh->k;
    const ns_model *m = sh->m;
    int klen = m->klen;
    ns_block b = {.loss = sh->o->loss, .lr = lr, .scale = 1.0f, .l2 = (float)sh->o->l2, .y = x->y,
                  .pos = x->pos};
    if (sh->noise.shift) {
        for (int j = 0; j < nb; j++) x->shift[j] = sh->noise.shift[x->ids[j]];
        b.shift = x->shift;
    }
    if (m->bias) {
        for (int j = 0; j < nb; j++) x->bias[j] = m->bias + x->ids[j];
        b.bias = x->bias;
    }
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

/* Adds this worker's recent counts to the shared ones; returns the new lr. */
static float publish(shared *sh, worker *me, int64_t tokens, double loss, int64_t pairs) {
    int64_t done = atomic_fetch_add(&sh->done, tokens) + tokens;
    float lr = (float)current_lr(sh, done);
    /* Only this worker writes its running figures: load + store suffices. */
    double sum = atomic_load_explicit(&me->run_loss, memory_order_relaxed);
    atomic_store_explicit(&me->run_loss, sum + loss, memory_order_relaxed);
    atomic_fetch_add_explicit(&me->run_pairs, pairs, memory_order_relaxed);
    atomic_store_explicit(&me->lr, lr, memory_order_relaxed);
    return lr;
}

static void *work(void *arg) {
    worker *me = arg;
    shared *sh = me->sh;
    const ns_train_opts *o = sh->o;
    ns_model *m = sh->m;
    ns_rng rng;
    ns__rng_seed(&rng, o->seed, (uint64_t)me->id + 1);
    int64_t max_len = 0;
    for (int64_t s = me->first; s < me->last; s++) {
        int64_t len;
        ns_corpus_sentence(sh->c, s, &len);
        if (len > max_len) max_len = len;
    }
    scratch x;
    if (!scratch_init(&x, m, o, max_len)) {
        atomic_store(&sh->stop, 2);
        return NULL;
    }
    float lr = (float)current_lr(sh, atomic_load(&sh->done));
    for (int ep = 0; ep < o->epochs && !atomic_load_explicit(&sh->stop, memory_order_relaxed); ep++) {
        double ep_loss = 0, run_loss = 0;
        int64_t ep_pairs = 0, run_pairs = 0, pending = 0;
        for (int64_t s = me->first; s < me->last; s++) {
            int64_t len, n = 0;
            const int32_t *ids = ns_corpus_sentence(sh->c, s, &len);
            for (int64_t t = 0; t < len; t++)
                if (ns__keep_draw(&rng, sh->keep[ids[t]])) x.sen[n++] = ids[t];
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
                run_loss += train_centre(sh, &x, na, nb, lr, &run_pairs);
            }
            pending += len;
            if (pending >= PUBLISH_EVERY || s + 1 == me->last) {
                lr = publish(sh, me, pending, run_loss, run_pairs);
                ep_loss += run_loss, ep_pairs += run_pairs;
                pending = 0, run_loss = 0, run_pairs = 0;
                if (atomic_load_explicit(&sh->stop, memory_order_relaxed)) break;
            }
        }
        me->epoch_loss[ep] = ep_loss;
        me->epoch_pairs[ep] = ep_pairs;
        atomic_store_explicit(&me->epochs_done, ep + 1, memory_order_release);
    }
    scratch_free(&x);
    return NULL;
}

/* Splits sentences into `n` shards of about equal token counts. */
static void make_shards(const ns_corpus *c, worker *w, int n) {
    int64_t total = ns_corpus_tokens(c), ns = ns_corpus_sentences(c), acc = 0, s = 0;
    for (int t = 0; t < n; t++) {
        w[t].first = s;
        int64_t goal = total * (t + 1) / n;
        while (s < ns && (acc < goal || t == n - 1)) {
            int64_t len;
            ns_corpus_sentence(c, s, &len);
            acc += len;
            s++;
        }
        w[t].last = s;
    }
}

static ns_status prepare(shared *sh, ns_error *err) {
    const ns_vocab *v = sh->m->vocab;
    int32_t n = ns_vocab_size(v);
    if (!(sh->keep = malloc((size_t)n * sizeof *sh->keep))) return NS_ENOMEM;
    for (int32_t i = 0; i < n; i++)
        sh->keep[i] = ns__keep_threshold(ns__keep_prob(ns_vocab_count(v, i), ns_vocab_total(v), sh->o->sample));
    return ns__noise_build(&sh->noise, v, sh->o, err);
}

/* Loss sums at the previous report: the running loss is the mean since then. */
typedef struct last_report {
    double loss;
    int64_t pairs;
} last_report;

static void report(worker *w, int nt, shared *sh, double t0, last_report *last, int32_t epoch_done,
                   double epoch_loss, ns_progress_fn cb, void *user) {
    ns_progress p = {0};
    int64_t done = atomic_load(&sh->done), pairs = 0;
    double loss = 0, lr = 0;
    for (int t = 0; t < nt; t++) {
        loss += atomic_load_explicit(&w[t].run_loss, memory_order_relaxed);
        pairs += atomic_load_explicit(&w[t].run_pairs, memory_order_relaxed);
        lr += atomic_load_explicit(&w[t].lr, memory_order_relaxed) / nt;
    }
    p.tokens_done = done;
    p.fraction = (double)done / (double)sh->total_work;
    if (p.fraction > 1) p.fraction = 1;
    int64_t per = ns_corpus_tokens(sh->c);
    p.epoch = (int32_t)(done / (per ? per : 1)) + 1;
    if (p.epoch > sh->o->epochs) p.epoch = sh->o->epochs;
    p.lr = lr;
    p.elapsed_sec = ns__now() - t0;
    p.words_per_sec = p.elapsed_sec > 0 ? (double)done / p.elapsed_sec / nt : 0;
    p.loss = pairs > last->pairs ? (loss - last->loss) / (double)(pairs - last->pairs) : NAN;
    if (!epoch_done) last->loss = loss, last->pairs = pairs;
    p.eta_sec = p.fraction > 0 ? p.elapsed_sec * (1 - p.fraction) / p.fraction : NAN;
    p.epoch_done = epoch_done;
    p.epoch_loss = epoch_loss;
    if (cb && cb(&p, user)) atomic_store(&sh->stop, 1);
}

/* The calling thread's loop while workers run: periodic reports and one at
 * the end of each epoch, once every worker has finished it. */
static void monitor(worker *w, int nt, shared *sh, ns_progress_fn cb, void *user, double interval) {
    double t0 = ns__now(), next = t0 + interval;
    int reported = 0;
    last_report last = {0, 0};
    for (;;) {
        int min_done = sh->o->epochs;
        for (int t = 0; t < nt; t++) {
            int d = atomic_load_explicit(&w[t].epochs_done, memory_order_acquire);
            if (d < min_done) min_done = d;
        }
        while (reported < min_done) {
            double loss = 0;
            int64_t pairs = 0;
            for (int t = 0; t < nt; t++) loss += w[t].epoch_loss[reported], pairs += w[t].epoch_pairs[reported];
            reported++;
            report(w, nt, sh, t0, &last, reported, pairs ? loss / (double)pairs : NAN, cb, user);
        }
        if (reported == sh->o->epochs || atomic_load(&sh->stop)) break;
        if (ns__now() >= next) {
            report(w, nt, sh, t0, &last, 0, 0, cb, user);
            next = ns__now() + interval;
        }
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
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
    const ns_vocab *cv = ns_corpus_vocab(c);
    if (ns_vocab_size(cv) != m->rows)
        return ns__fail(err, NS_EINVAL, "corpus vocabulary (%d words) is not the model's (%d)",
                        ns_vocab_size(cv), m->rows);
    shared sh = {.m = m, .c = c, .o = o, .k = ns__kernels_pick(NULL)};
    sh.total_work = (int64_t)o->epochs * ns_corpus_tokens(c);
    atomic_init(&sh.done, 0);
    atomic_init(&sh.stop, 0);
    if ((s = prepare(&sh, err)) != NS_OK) {
        free(sh.keep);
        return s;
    }
    int nt = o->threads;
    worker *w = calloc((size_t)nt, sizeof *w);
    double *losses = calloc((size_t)nt * (size_t)o->epochs, sizeof *losses);
    int64_t *pairs = calloc((size_t)nt * (size_t)o->epochs, sizeof *pairs);
    int started = 0;
    if (!w || !losses || !pairs) {
        s = NS_ENOMEM;
        goto done;
    }
    make_shards(c, w, nt);
    for (int t = 0; t < nt; t++) {
        w[t].sh = &sh;
        w[t].id = t;
        w[t].epoch_loss = losses + (size_t)t * (size_t)o->epochs;
        w[t].epoch_pairs = pairs + (size_t)t * (size_t)o->epochs;
        atomic_init(&w[t].epochs_done, 0);
        atomic_init(&w[t].run_loss, 0.0);
        atomic_init(&w[t].run_pairs, 0);
        atomic_init(&w[t].lr, o->lr);
    }
    for (; started < nt; started++)
        if (pthread_create(&w[started].thread, NULL, work, &w[started]) != 0) {
            atomic_store(&sh.stop, 2);
            s = ns__fail(err, NS_ENOMEM, "cannot start thread %d", started + 1);
            break;
        }
    if (s == NS_OK) monitor(w, nt, &sh, cb, user, interval > 0 ? interval : 1.0);
done:
    for (int t = 0; t < started; t++) pthread_join(w[t].thread, NULL);
    if (s == NS_OK && atomic_load(&sh.stop) == 1) s = ns__fail(err, NS_ECANCELED, "training stopped");
    if (s == NS_OK && atomic_load(&sh.stop) == 2) s = ns__fail(err, NS_ENOMEM, "out of memory in a worker");
    if (s == NS_OK) {
        m->opts = *o;
        m->opts.noise_weights = NULL; /* borrowed for this run only */
    }
    free(w), free(losses), free(pairs), free(sh.keep);
    ns__noise_destroy(&sh.noise);
    return s;
}
