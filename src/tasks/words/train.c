/*
 * train.c (words) - skip-gram and CBOW with negative sampling over an in-memory
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
 * With subwords a word's input vector is the mean of its bag of rows (its
 * own and its n-grams', model.h). A position's mean is computed once, when
 * it enters the reach of the windows, into a ring of the 2 window + 1
 * positions within reach; the block updates use and update it like a row
 * and sum its gradients, which are added to every row of the bag (undivided,
 * as fastText does) once no later window reaches it. Block shapes, shared
 * negatives and losses stay those of the words.
 * The engine (engine/engine.c) runs the threads: a worker's run() walks its
 * sentences 10,000 tokens at a time, after which the engine publishes the
 * count (the learning rate decays linearly with the tokens of all threads)
 * and may pause it.
 */
#include "negsamp.h"

#include "core/core.h"
#include "data/vocab.h"
#include "model/model.h"
#include "engine/engine.h"
#include "eval/emb.h"
#include "tasks/words/corpus.h"
#include "sample/sample.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOOK 4
#define PUBLISH_EVERY 10000

/* The words trainer's data: the model, its run's options and kernels, the
 * corpus, the subsampling table and the noise. */
typedef struct words_task {
    ns_model *m;
    const ns_train_opts *o;
    const ns_kernels *k;
    const ns__sentences *src;
    uint32_t *keep;        /* per word: keep if rand32 < keep[w] */
    ns_noise noise;        /* negatives and the NCE / sampled-softmax shift */
    ns__mcmc mcmc;         /* MCMC negatives (o->negatives) */
    const ns__words_client *client; /* NULL: ns_model_save, no validation */
} words_task;

/* A worker's buffers: row pointers for one block update and its scratch. */
typedef struct scratch {
    int32_t *sen;     /* the current sentence after subsampling */
    int32_t *made;    /* a sentence the source makes (ns__sentences.get) */
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
    /* Look-ahead: the window and negatives of the centre LOOK positions on
     * are drawn now and their rows prefetched, so that the block update
     * finds them in cache (the rows are random reads from tables larger
     * than the cache). Slot p % (LOOK + 1) holds position p. */
    int32_t win[LOOK + 1], nneg[LOOK + 1];
    int32_t *negs;    /* (LOOK + 1) x neg ids */
    int32_t chain;    /* MCMC negatives: the chain's state (-1: none yet this sentence) */
    /* Subwords: per ring slot (position % ring), the bag mean, its summed
     * gradient and its bag size; per block row, its slot's gradient. */
    int32_t ring;
    float *hq, *gq;
    int32_t *nq;
    float **gA;
    float **bagp; /* the rows of one bag */
} scratch;

static void scratch_free(void *p) {
    scratch *x = p;
    free(x->sen), free(x->made), free(x->A), free(x->B), free(x->dA), free(x->y), free(x->w), free(x->pos);
    free(x->ids), free(x->ex), free(x->shift), free(x->bias), free(x->negs), free(x->nq), free(x->gA), free(x->bagp);
    ns__free_aligned(x->buf), ns__free_aligned(x->hq);
}

/* The full softmax scores every output row: B is the whole table, once. */
static int scratch_init(scratch *x, ns_model *m, const ns_train_opts *o, int64_t max_len, double *bytes) {
    int full = o->loss == NS_LOSS_SOFTMAX;
    size_t max_in = 2 * (size_t)o->window, st = (size_t)m->stride;
    size_t max_out = full ? (size_t)m->rows : (size_t)o->neg + 1;
    *bytes = (double)max_len * 4 + (double)max_in * (8 + 8 + 4 + 4 + 4 + 4 * st) + (double)max_out * (8 + 4 + 4 + 4 + 4) +
             4.0 * (st + 2.0 * max_in * max_out);
    x->sen = malloc((size_t)(max_len ? max_len : 1) * sizeof *x->sen);
    x->made = malloc((size_t)(max_len ? max_len : 1) * sizeof *x->made);
    *bytes += (double)max_len * 4;
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
    x->negs = malloc((LOOK + 1) * (size_t)o->neg * sizeof *x->negs);
    *bytes += (LOOK + 1) * 4.0 * o->neg;
    if (m->buckets) {
        x->ring = 2 * o->window + 1;
        x->hq = ns__alloc_aligned(2 * (size_t)x->ring * st, sizeof(float));
        x->gq = x->hq ? x->hq + (size_t)x->ring * st : NULL;
        x->nq = malloc((size_t)x->ring * sizeof *x->nq);
        x->gA = malloc(max_in * sizeof *x->gA);
        x->bagp = malloc((size_t)m->bag_max * sizeof *x->bagp);
        *bytes += (double)x->ring * (8.0 * st + 4) + 8.0 * max_in + 8.0 * m->bag_max;
    }
    if (!x->sen || !x->made || !x->A || !x->B || !x->dA || !x->y || !x->w || !x->pos || !x->ids || !x->ex ||
        !x->shift || !x->bias || !x->buf || !x->negs || (m->buckets && (!x->hq || !x->nq || !x->gA || !x->bagp))) {
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

/* One centre word: x->A[0..na) hold its context rows (with subwords: their
 * bag means, x->gA their gradient sums, x->w their bag sizes), x->B[0..nb)
 * (ids in x->ids) its output row and negatives. Returns the loss; *pairs counts
 * positive pairs. */
static double train_centre(const words_task *wt, scratch *x, int na, int nb, float lr, int64_t *pairs) {
    const ns_kernels *k = wt->k;
    const ns_model *m = wt->m;
    int klen = m->klen;
    ns_block b = ns__block_for(m, wt->o, &wt->noise, lr, x->ids, nb, x->y, x->pos, x->shift, x->bias);
    float one = 1.0f;
    if (wt->o->task == NS_TASK_SKIPGRAM) {
        double l = ns__block_update(k, &b, x->A, na, x->B, nb, klen, x->S, x->G, x->dA);
        for (int i = 0; i < na; i++) k->gemm_acc(&x->A[i], 1, (const float *const *)&x->dA[i], 1, &one, 0, 0, klen);
        for (int i = 0; i < na && m->buckets; i++)
            k->gemm_acc(&x->gA[i], 1, (const float *const *)&x->dA[i], 1, &one, 0, 0, klen);
        *pairs += na;
        return l;
    }
    /* CBOW: the mean of the context rows (with subwords: of all the rows
     * of their bags) predicts the centre; its gradient is added to every
     * one of those rows, undivided (word2vec, fastText). */
    float total = 0;
    for (int i = 0; i < na; i++) total += x->w[i]; /* the bag sizes (run()) */
    for (int i = 0; i < na; i++) x->w[i] /= total;
    memset(x->h, 0, sizeof(float) * (size_t)klen);
    k->gemm_acc(&x->h, 1, (const float *const *)x->A, na, x->w, 0, 1, klen);
    double l = ns__block_update(k, &b, &x->h, 1, x->B, nb, klen, x->S, x->G, x->dA);
    for (int i = 0; i < na; i++) x->w[i] = 1.0f;
    k->gemm_acc(x->A, na, (const float *const *)x->dA, 1, x->w, 1, 0, klen);
    if (m->buckets) k->gemm_acc(x->gA, na, (const float *const *)x->dA, 1, x->w, 1, 0, klen);
    *pairs += 1;
    return l;
}

static ns_status worker_init(void *data, ns__worker *w) {
    words_task *wt = data;
    int64_t max_len = wt->src->max_len;
    scratch *x = calloc(1, sizeof *x);
    double bytes = sizeof *x;
    if (!x || !scratch_init(x, wt->m, wt->o, max_len, &bytes)) {
        free(x);
        return ns__nomem(&w->err, "a worker's buffers", bytes);
    }
    w->scratch = x;
    return NS_OK;
}

static void prefetch_row(const float *row, int klen) {
    for (int k = 0; k < klen; k += 16) __builtin_prefetch(row + k);
}

/* MCMC negatives: the chain's target for a centre, whose input row is a;
 * the ids in ex[0..nex) are no negatives. */
typedef struct mcmc_ctx {
    const words_task *wt;
    const float *a;
    const int32_t *ex;
    int nex;
} mcmc_ctx;

NS_HOGWILD static double mcmc_score(const void *p, int32_t y) {
    const mcmc_ctx *c = p;
    const ns_model *m = c->wt->m;
    return c->wt->k->dot(c->a, ns__out_row(m, y), m->klen) + (m->bias ? m->bias[y] : 0.0f);
}

static int mcmc_excluded(const void *p, int32_t y) {
    const mcmc_ctx *c = p;
    for (int e = 0; e < c->nex; e++)
        if (c->ex[e] == y) return 1;
    return 0;
}

/* Draws the window and the negatives of position p of the sentence (n
 * words in x->sen) into its look-ahead slot and prefetches the rows its
 * block update reads first: the centre's and the negatives' output rows
 * and the input row of the farthest context word on the right (the nearer
 * ones were read for earlier centres). */
static void look_ahead(const words_task *wt, scratch *x, ns_rng *rng, int64_t p, int64_t n) {
    const ns_train_opts *o = wt->o;
    const ns_model *m = wt->m;
    int slot = (int)(p % (LOOK + 1));
    int b = ns__window_draw(rng, o->window);
    x->win[slot] = b;
    if (o->loss == NS_LOSS_SOFTMAX) return;
    int32_t *ex = x->ex, nex = 1;
    ex[0] = x->sen[p];
    if (o->reject_anchor)
        for (int64_t q = p - b; q <= p + b; q++)
            if (q >= 0 && q < n && q != p) ex[nex++] = x->sen[q];
    int32_t *negs = x->negs + (size_t)slot * (size_t)o->neg;
    if (o->negatives == NS_NEG_MCMC) {
        mcmc_ctx c = {wt, ns__in_row(m, x->sen[p]), ex, nex};
        ns__mcmc_target tg = {mcmc_score, mcmc_excluded, &c};
        x->nneg[slot] = ns__mcmc_draw(&wt->mcmc, rng, &x->chain, &tg, o->neg, 8, negs);
    } else {
        x->nneg[slot] = ns__noise_draw(&wt->noise, rng, o->neg, ex, nex, negs);
    }
    prefetch_row(ns__out_row(m, x->sen[p]), m->klen);
    for (int j = 0; j < x->nneg[slot]; j++) prefetch_row(ns__out_row(m, negs[j]), m->klen);
    if (m->buckets) {
        /* the bag of the position that enters the windows' reach at p */
        if (p + o->window < n) {
            int32_t w = x->sen[p + o->window];
            for (int64_t i = m->bag_off[w]; i < m->bag_off[w + 1]; i++) prefetch_row(ns__in_row(m, m->bag[i]), m->klen);
        }
    } else if (p + b < n) {
        prefetch_row(ns__in_row(m, x->sen[p + b]), m->klen);
    }
}

/* Subwords: the rows of word w's bag into x->bagp; returns their number. */
static int bag_rows(const ns_model *m, scratch *x, int32_t w) {
    int n = 0;
    for (int64_t i = m->bag_off[w]; i < m->bag_off[w + 1]; i++) x->bagp[n++] = ns__in_row(m, m->bag[i]);
    return n;
}

/* Position q (word w) enters the ring: its bag mean, a zero gradient sum. */
static void bag_enter(const words_task *wt, scratch *x, int64_t q, int32_t w) {
    const ns_model *m = wt->m;
    size_t slot = (size_t)(q % x->ring), st = (size_t)m->stride;
    float *h = x->hq + slot * st;
    int n = bag_rows(m, x, w);
    float inv = 1.0f / (float)n;
    memset(h, 0, st * sizeof(float));
    memset(x->gq + slot * st, 0, st * sizeof(float));
    wt->k->gemm_acc(&h, 1, (const float *const *)x->bagp, n, &inv, 0, 0, m->klen);
    x->nq[slot] = n;
}

/* ... and leaves it: its gradient sum goes to every row of its bag. */
static void bag_leave(const words_task *wt, scratch *x, int64_t q, int32_t w) {
    const ns_model *m = wt->m;
    const float *g = x->gq + (size_t)(q % x->ring) * (size_t)m->stride;
    float one = 1.0f;
    wt->k->gemm_acc(x->bagp, bag_rows(m, x, w), &g, 1, &one, 0, 0, m->klen);
}

/* Sentences from w->pos on, until PUBLISH_EVERY tokens are done or the
 * shard ends. */
static ns_status run(void *data, ns__worker *w, float lr, ns__tally *tl) {
    const words_task *wt = data;
    const ns_train_opts *o = wt->o;
    ns_model *m = wt->m;
    scratch *x = w->scratch;
    ns_rng *rng = &w->rng;
    while (w->pos < w->last && tl->units < PUBLISH_EVERY) {
        int64_t len, n = 0, i = w->pos++;
        const int32_t *ids = wt->src->get(wt->src->data, wt->src->order ? wt->src->order[i] : i, rng, x->made, &len);
        for (int64_t t = 0; t < len; t++)
            if (ns__keep_draw(rng, wt->keep[ids[t]])) x->sen[n++] = ids[t];
        x->chain = -1; /* MCMC: a chain per sentence (a walk: its centres are neighbours), so that pauses,
                          which fall between sentences, leave no chain behind */
        for (int64_t p = 0; p < LOOK && p < n; p++) look_ahead(wt, x, rng, p, n);
        int64_t entered = 0, window = o->window;
        for (int64_t pos = 0; pos < n; pos++) {
            if (pos + LOOK < n) look_ahead(wt, x, rng, pos + LOOK, n);
            for (; m->buckets && entered < n && entered <= pos + window; entered++)
                bag_enter(wt, x, entered, x->sen[entered]);
            int slot = (int)(pos % (LOOK + 1));
            int b = x->win[slot], na = 0;
            for (int64_t q = pos - b; q <= pos + b; q++) {
                if (q < 0 || q >= n || q == pos) continue;
                if (m->buckets) {
                    size_t r = (size_t)(q % x->ring) * (size_t)m->stride;
                    x->A[na] = x->hq + r, x->gA[na] = x->gq + r, x->w[na] = (float)x->nq[q % x->ring];
                } else {
                    x->A[na] = ns__in_row(m, x->sen[q]), x->w[na] = 1.0f;
                }
                na++;
            }
            if (na > 0) {
                int nb = m->rows;
                if (o->loss == NS_LOSS_SOFTMAX) {
                    for (int i = 0; i < na; i++) x->pos[i] = x->sen[pos];
                } else {
                    const int32_t *negs = x->negs + (size_t)slot * (size_t)o->neg;
                    x->ids[0] = x->sen[pos];
                    nb = 1 + x->nneg[slot];
                    for (int j = 1; j < nb; j++) x->ids[j] = negs[j - 1];
                    for (int j = 0; j < nb; j++) x->B[j] = ns__out_row(m, x->ids[j]);
                }
                tl->loss += train_centre(wt, x, na, nb, lr, &tl->pairs);
            }
            if (m->buckets && pos >= window) bag_leave(wt, x, pos - window, x->sen[pos - window]);
        }
        for (int64_t q = n - window > 0 ? n - window : 0; m->buckets && q < n; q++) bag_leave(wt, x, q, x->sen[q]);
        tl->units += wt->src->len ? len : wt->src->max_len;
    }
    return NS_OK;
}

static int64_t sentence_len(const void *data, int64_t i) {
    const ns__sentences *src = ((const words_task *)data)->src;
    return src->len(src->data, src->order ? src->order[i] : i);
}

static ns_status save(void *data, const char *path, const ns__run_state *now, const ns__run_state *best,
                      ns_error *err) {
    (void)now; /* the model's run state is `now` */
    const words_task *wt = data;
    ns_status s = ns__model_best_run(wt->m, best, err);
    if (s != NS_OK) return s;
    return wt->client ? wt->client->save(wt->client->data, path, err) : ns_model_save(wt->m, path, err);
}

static ns_status validate(void *data, double *metric, ns_error *err) {
    const ns__words_client *cl = ((const words_task *)data)->client;
    return cl->validate(cl->data, metric, err);
}

static ns_status snapshot(void *data, int restore, ns_error *err) {
    return ns__model_snapshot(((words_task *)data)->m, restore, err);
}

/* Validation on analogy questions: 3CosAdd accuracy over the questions
 * whose words are all among the NS_VALID_ANALOGY_WORDS most frequent. */
typedef struct analogy_client {
    ns_model *m;
    const char *path;
} analogy_client;

static ns_status validate_analogies(void *data, double *metric, ns_error *err) {
    const analogy_client *a = data;
    ns_emb *e = NULL;
    ns_analogy_report rep = {0};
    ns_status s = ns__emb_from_model(&e, a->m, 0, err);
    if (s == NS_OK) s = ns_eval_analogy(e, a->path, NS_VALID_ANALOGY_WORDS, 0, &rep, err);
    if (s == NS_OK && rep.total.covered == 0)
        s = ns__fail(err, NS_EEMPTY, "%s: no question has its four words among the %d most frequent", a->path,
                     NS_VALID_ANALOGY_WORDS);
    if (s == NS_OK) *metric = (double)rep.total.correct_add / (double)rep.total.covered;
    ns_analogy_report_free(&rep);
    ns_emb_free(e);
    return s;
}

static ns_status save_words(void *data, const char *path, ns_error *err) {
    return ns_model_save(((const analogy_client *)data)->m, path, err);
}

ns_status ns_train_words(ns_model *m, const ns_corpus *c, const char *valid, const ns_train_opts *o,
                         const ns_train_hooks *h, ns_error *err) {
    ns__err_clear(err);
    analogy_client a = {m, valid};
    ns__words_client cl = {save_words, valid ? validate_analogies : NULL, "analogy accuracy", &a};
    ns_status s = ns_train_opts_check(o, err);
    double first;
    /* A validation before the work, so that a bad questions file fails now. */
    if (s == NS_OK && valid && o->valid_every > 0) s = validate_analogies(&a, &first, err);
    return s == NS_OK ? ns__train_words(m, c, o, h, &cl, err) : s;
}

/* "(minn 3 maxn 6 bucket 2000000)" or "(off, maxn 0)", into buf (64 bytes). */
static const char *subword_text(const ns_train_opts *o, char *buf) {
    if (o->maxn > 0) snprintf(buf, 64, "(minn %d maxn %d bucket %d)", o->minn, o->maxn, o->bucket);
    else snprintf(buf, 64, "(off, maxn 0)");
    return buf;
}

static const int32_t *corpus_get(const void *data, int64_t i, ns_rng *rng, int32_t *buf, int64_t *len) {
    (void)rng, (void)buf;
    return ns_corpus_sentence(data, i, len);
}

static int64_t corpus_len(const void *data, int64_t i) {
    int64_t len;
    ns_corpus_sentence(data, i, &len);
    return len;
}

ns_status ns__train_words(ns_model *m, const ns_corpus *c, const ns_train_opts *o, const ns_train_hooks *h,
                          const ns__words_client *client, ns_error *err) {
    ns_status s = ns__model_check_corpus(m, c, err);
    if (s != NS_OK) return s;
    ns_corpus_opts reading;
    ns__corpus_opts_of(c, &reading);
    ns__sentences src = {ns_corpus_sentences(c), ns_corpus_tokens(c), 0, corpus_get, corpus_len, NULL, c, NULL, NULL,
                         &reading};
    for (int64_t i = 0; i < src.n; i++) {
        int64_t len = corpus_len(c, i);
        if (len > src.max_len) src.max_len = len;
    }
    return ns__train_words_from(m, &src, o, h, client, err);
}

ns_status ns__train_words_from(ns_model *m, const ns__sentences *src, const ns_train_opts *o, const ns_train_hooks *h,
                               const ns__words_client *client, ns_error *err) {
    ns_status s = ns_train_opts_check(o, err);
    if (s != NS_OK) return s;
    if (o->dim != m->dim)
        return ns__fail(err, NS_EINVAL, "dim %d differs from the model's %d", o->dim, m->dim);
    if (!o->bias != !m->bias)
        return ns__fail(err, NS_EINVAL, "bias %s, but the model was created %s output biases",
                        o->bias ? "on" : "off", m->bias ? "with" : "without");
    if (o->task != NS_TASK_SKIPGRAM && o->task != NS_TASK_CBOW)
        return ns__fail(err, NS_EINVAL, "options are for the %s task", o->task == NS_TASK_PAIRS ? "pairs" : "recommendation");
    const ns_train_opts *mo = &m->opts;
    if (o->maxn != mo->maxn || (o->maxn > 0 && (o->minn != mo->minn || o->bucket != mo->bucket)))
        return ns__fail(err, NS_EINVAL, "subwords %s differ from the model's %s", subword_text(o, (char[64]){0}),
                        subword_text(mo, (char[64]){0}));
    if (m->vocab_out || m->opts.task == NS_TASK_PAIRS || m->opts.task == NS_TASK_REC)
        return ns__fail(err, NS_EINVAL, "not a word model (a pair model)");
    if (h && h->checkpoint && (s = ns_output_check(h->checkpoint, err)) != NS_OK) return s;
    const ns_vocab *v = m->vocab;
    int32_t n = ns_vocab_size(v);
    words_task wt = {m, o, ns__kernels_pick(NULL), src, ns__malloc((size_t)n, sizeof *wt.keep, "the keep table", err),
                     {{0}, NULL, NULL}, {0}, client};
    if (!wt.keep) return NS_ENOMEM;
    double thr = ns__sample_threshold(o->sample, ns_vocab_total(v));
    for (int32_t i = 0; i < n; i++) wt.keep[i] = ns__keep_threshold(ns__keep_prob(ns_vocab_count(v, i), ns_vocab_total(v), thr));
    /* The run's options (the threshold resolved) and how its text was
     * read go with the model (and its checkpoints); a noise-file's weights
     * are this run's only. */
    m->opts = *o, m->opts.noise_weights = NULL, m->opts.sample = thr;
    if (src->reading) m->corpus = *src->reading;
    ns__task t = {.unit = "tokens", .mode = NS__SHARDS, .threads = o->threads, .seed = o->seed,
                  .items = src->n, .weight = src->len ? sentence_len : NULL, .per_epoch = src->tokens,
                  .order = src->order,
                  .epochs = o->epochs, .lr = o->lr, .min_lr_frac = o->min_lr_frac, .data = &wt,
                  .worker_init = worker_init, .scratch_free = scratch_free, .run = run, .save = save,
                  .snapshot = snapshot};
    if (client && client->validate && o->valid_every > 0)
        t.validate = validate, t.valid_every = o->valid_every, t.patience = o->patience, t.metric = client->metric;
    /* The exact softmax draws no negatives: no noise table. */
    if (!ns__loss_samples(o->loss) || (s = ns__noise_build(&wt.noise, v, o, err)) == NS_OK) {
        wt.mcmc = ns__mcmc_of(&wt.noise, o, src->off, src->adj);
        s = ns__engine_run(&t, &m->run, &m->best_run, h, err);
    }
    ns__noise_destroy(&wt.noise);
    ns__model_best_done(m, s);
    free(wt.keep);
    return s;
}
