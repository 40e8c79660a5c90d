/*
 * train.c (rec) - training recommenders. Matrix factorisation: Hogwild threads over
 * shards of a shuffled order of the training positives (user, item); per
 * positive one block update with A = [the user's row] and B = [the item's
 * output row, then its negatives]:
 *   SGNS, NCE, sampled softmax, BPR: k negatives, each the best-scored of
 *     `dns` draws from the noise over items (count^alpha), never one of the
 *     user's training positives (checked by binary search in its sorted
 *     positives);
 *   WARP: draws until one negative violates the margin (score above the
 *     positive's minus 1); after N draws the rank of the positive among the
 *     user's n negatives is estimated as floor(n / N) and the hinge is
 *     weighted by the harmonic number of that rank over that of the lowest
 *     possible rank (items - 1), so that the heaviest step is lr;
 *   exact softmax: every item.
 * item2vec hands each user's time-ordered items as a sentence to the word
 * trainer.
 */
#include "negsamp.h"

#include "core/core.h"
#include "tasks/words/corpus.h"
#include "data/vocab.h"
#include "tasks/rec/rec.h"
#include "engine/engine.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PUBLISH_EVERY 4096

ns__rec_known ns__rec_known_build(const ns_inter *x) {
    ns__rec_known k = {NULL, ns_vocab_size(x->items)};
    int64_t bits = (int64_t)ns_vocab_size(x->users) * k.items;
    if (bits <= 0 || bits / 8 > NS_REC_KNOWN_MAX_BYTES || !(k.bits = calloc((size_t)(bits + 63) / 64, 8))) return k;
    for (int32_t u = 0; u < ns_vocab_size(x->users); u++)
        for (int64_t e = x->start[u]; e < x->start[u + 1]; e++) {
            int64_t bit = (int64_t)u * k.items + x->seq[e];
            k.bits[bit >> 6] |= 1ull << (bit & 63);
        }
    return k;
}

static inline int is_known(const ns_inter *x, const ns__rec_known *known, int32_t u, int32_t i) {
    if (!known || !known->bits) return ns_inter_has(x, u, i);
    int64_t bit = (int64_t)u * known->items + i;
    return (int)(known->bits[bit >> 6] >> (bit & 63)) & 1;
}

int32_t ns__rec_draw(const ns_noise *nz, ns_rng *rng, const ns_inter *x, const ns__rec_known *known, int32_t u) {
    for (int t = 0; t < 16; t++) {
        int32_t j = ns__alias_draw(&nz->alias, rng);
        if (!is_known(x, known, u, j)) return j;
    }
    return -1;
}

NS_HOGWILD static float score(const ns_model *m, const ns_kernels *k, const float *urow, int32_t j) {
    return k->dot(urow, ns__out_row(m, j), m->klen) + (m->bias ? m->bias[j] : 0.0f);
}

NS_HOGWILD int ns__rec_negatives(const ns_noise *nz, ns_rng *rng, const ns_inter *x, const ns__rec_known *known,
                                 const ns_model *m, const ns_kernels *k, int32_t u, const float *urow, int neg,
                                 int dns, int32_t *out) {
    enum { MAX = 1024 }; /* candidates scored in one call; dns <= 1000 */
    int32_t cand[MAX], group[MAX];
    const float *rows[MAX];
    float s[MAX];
    int got = 0, per = dns > 1 ? MAX / dns : MAX;
    for (int c0 = 0; c0 < neg; c0 += per) {
        int c1 = c0 + per < neg ? c0 + per : neg, n = 0;
        for (int c = c0; c < c1; c++)
            for (int d = 0; d < dns; d++) {
                int32_t j = ns__rec_draw(nz, rng, x, known, u);
                if (j >= 0) cand[n] = j, group[n] = c, rows[n++] = ns__out_row(m, j);
            }
        if (dns > 1 && n) k->scores(&urow, 1, rows, n, m->klen, s);
        float best = 0;
        for (int i = 0; i < n; i++) {
            float si = dns > 1 ? s[i] + (m->bias ? m->bias[cand[i]] : 0.0f) : 0.0f;
            if (i == 0 || group[i] != group[i - 1]) out[got++] = cand[i], best = si;
            else if (si > best) out[got - 1] = cand[i], best = si; /* ties: the first drawn */
        }
    }
    return got;
}

typedef struct rec_task {
    ns_rec *r;
    ns_model *m;
    const ns_train_opts *o;
    const ns_kernels *k;
    ns_noise noise;
    ns__mcmc mcmc;     /* MCMC negatives (o->negatives): proposals from the noise */
    const ns_inter *x;
    const ns_inter *valid; /* NULL: no validation */
    ns__rec_known known; /* x's positives as a bitset (ns__rec_known_build) */
    int64_t *order;    /* a shuffled permutation of the positives; workers
                          reshuffle their own slice every epoch */
    int32_t *user_of;  /* positive -> its user */
    double *harmonic;  /* WARP: harmonic[r] = 1 + 1/2 + ... + 1/r */
} rec_task;

typedef struct scratch {
    float *A[1], *dA[1], **B, **bias;
    int32_t *ids;
    int pos[1];
    float *y, *shift, *S, *G;
    int32_t chain; /* MCMC negatives: the chain's item (-1: none yet this run() call) */
} scratch;

static void scratch_free(void *p) {
    scratch *x = p;
    free(x->B), free(x->bias), free(x->ids), free(x->y), free(x->shift);
    ns__free_aligned(x->S), ns__free_aligned(x->dA[0]);
}

static int scratch_init(scratch *x, ns_model *m, const ns_train_opts *o, double *bytes) {
    int full = o->loss == NS_LOSS_SOFTMAX;
    size_t nb = full ? (size_t)m->rows_out : 2 + (size_t)o->neg;
    *bytes = (double)nb * (8 + 4 + 4 + 4 + 4 + 8) + 4.0 * m->stride;
    memset(x, 0, sizeof *x);
    x->B = malloc(nb * sizeof *x->B);
    x->bias = malloc(nb * sizeof *x->bias);
    x->ids = malloc(nb * sizeof *x->ids);
    x->y = calloc(nb, sizeof *x->y);
    x->shift = malloc(nb * sizeof *x->shift);
    x->S = ns__alloc_aligned(2 * nb, sizeof(float));
    x->dA[0] = ns__alloc_aligned((size_t)m->stride, sizeof(float));
    if (!x->B || !x->bias || !x->ids || !x->y || !x->shift || !x->S || !x->dA[0]) {
        scratch_free(x);
        return 0;
    }
    x->G = x->S + nb;
    x->y[0] = 1.0f;
    for (int32_t j = 0; full && j < m->rows_out; j++) x->ids[j] = j, x->B[j] = ns__out_row(m, j);
    return 1;
}

/* WARP: a margin violator for user u and positive p, or -1 after
 * max_trials draws; *weight receives L(estimated rank). */
static int32_t warp_violator(const rec_task *t, ns_rng *rng, int32_t u, const float *urow, int32_t p, float *weight) {
    const ns_model *m = t->m;
    float bar = score(m, t->k, urow, p) - 1.0f;
    int64_t n_pos = t->x->start[u + 1] - t->x->start[u];
    int64_t n_neg = m->rows_out - n_pos;
    for (int32_t trial = 1; trial <= t->o->max_trials; trial++) {
        int32_t j = ns__rec_draw(&t->noise, rng, t->x, &t->known, u);
        if (j < 0 || score(m, t->k, urow, j) <= bar) continue;
        int64_t rank = n_neg / trial, top = m->rows_out > 1 ? m->rows_out - 1 : 1;
        *weight = (float)(t->harmonic[rank > 0 ? rank : 1] / t->harmonic[top]);
        return j;
    }
    return -1;
}

/* MCMC negatives: the chain's target for user u (row urow), whose
 * training positives are no negatives. */
typedef struct mcmc_ctx {
    const rec_task *t;
    const float *urow;
    int32_t u;
} mcmc_ctx;

static double mcmc_score(const void *p, int32_t j) {
    const mcmc_ctx *c = p;
    return score(c->t->m, c->t->k, c->urow, j);
}

static int mcmc_excluded(const void *p, int32_t j) {
    const mcmc_ctx *c = p;
    return is_known(c->t->x, &c->t->known, c->u, j);
}

static ns_status worker_init(void *data, ns__worker *w) {
    rec_task *t = data;
    scratch *x = malloc(sizeof *x);
    double bytes = sizeof *x;
    if (!x || !scratch_init(x, t->m, t->o, &bytes)) {
        free(x);
        return ns__nomem(&w->err, "a worker's buffers", bytes);
    }
    w->scratch = x;
    return NS_OK;
}

/* Positives from w->pos on, until PUBLISH_EVERY are done or the shard
 * ends: one block update each. */
static ns_status run(void *data, ns__worker *w, float lr, ns__tally *tl) {
    const rec_task *t = data;
    const ns_train_opts *o = t->o;
    ns_model *m = t->m;
    scratch *x = w->scratch;
    float one = 1.0f;
    x->chain = -1; /* a chain per call: pauses, which fall between calls, leave none behind */
    while (w->pos < w->last && tl->units < PUBLISH_EVERY) {
        int64_t e = t->order[w->pos++];
        int32_t u = t->user_of[e], p = t->x->seq[e];
        float *urow = ns__in_row(m, u), weight = 1.0f;
        int nb = 0;
        x->A[0] = urow;
        if (o->loss == NS_LOSS_SOFTMAX) {
            nb = m->rows_out, x->pos[0] = p;
        } else {
            x->ids[nb++] = p, x->pos[0] = 0;
            if (o->loss == NS_LOSS_WARP) {
                int32_t j = warp_violator(t, &w->rng, u, urow, p, &weight);
                if (j >= 0) x->ids[nb++] = j;
            } else if (o->negatives == NS_NEG_MCMC) { /* 16 steps past known items, as ns__rec_draw */
                mcmc_ctx c = {t, urow, u};
                ns__mcmc_target tg = {mcmc_score, mcmc_excluded, &c};
                nb += ns__mcmc_draw(&t->mcmc, &w->rng, &x->chain, &tg, o->neg, 16, x->ids + nb);
            } else {
                nb += ns__rec_negatives(&t->noise, &w->rng, t->x, &t->known, m, t->k, u, urow, o->neg, o->dns,
                                        x->ids + nb);
            }
            for (int j = 0; j < nb; j++) x->B[j] = ns__out_row(m, x->ids[j]);
        }
        if (o->loss != NS_LOSS_WARP || nb > 1) {
            ns_block b = ns__block_for(m, o, &t->noise, lr, x->ids, nb, x->y, x->pos, x->shift, x->bias);
            b.weight = weight;
            tl->loss += ns__block_update(t->k, &b, x->A, 1, x->B, nb, m->klen, x->S, x->G, x->dA);
            t->k->gemm_acc(x->A, 1, (const float *const *)x->dA, 1, &one, 0, 0, m->klen);
        }
        tl->units++, tl->pairs++;
    }
    return NS_OK;
}

/* NDCG@10 on the validation positives, ranked as ns_rec_eval ranks (the
 * user's training positives left out). */
static ns_status validate_ndcg(ns_rec *r, const ns_inter *valid, double *metric, ns_error *err) {
    ns_rec_report rep;
    int32_t k = 10;
    ns_status s = ns__rec_prepare(r, err);
    if (s == NS_OK) s = ns_rec_eval(r, valid, &k, 1, &rep, err);
    if (s == NS_OK) *metric = rep.model.ndcg[0];
    return s;
}

/* Matrix factorisation's engine callbacks. */
static ns_status validate(void *data, double *metric, ns_error *err) {
    const rec_task *t = data;
    return validate_ndcg(t->r, t->valid, metric, err);
}

static ns_status snapshot(void *data, int restore, ns_error *err) {
    return ns__model_snapshot(((rec_task *)data)->m, restore, err);
}

static ns_status save(void *data, const char *path, const ns__run_state *now, const ns__run_state *best,
                      ns_error *err) {
    (void)now; /* the model's run state is `now` */
    const rec_task *t = data;
    ns_status s = ns__model_best_run(t->m, best, err);
    return s == NS_OK ? ns_rec_save(t->r, path, err) : s;
}

static ns_status train_mf(ns_rec *r, const ns_inter *valid, const ns_train_opts *o, const ns_train_hooks *h,
                          ns_error *err) {
    const ns_inter *x = r->train;
    int64_t n = ns_inter_count(x);
    int32_t users = ns_vocab_size(x->users), items = ns_vocab_size(x->items);
    rec_task t = {r, r->m, o, ns__kernels_pick(NULL), {{0}, NULL, NULL}, {0}, x, valid, ns__rec_known_build(x), NULL, NULL,
                  NULL};
    ns_status s = NS_OK;
    if (!(t.order = ns__malloc((size_t)n, sizeof *t.order, "the order of the positives", err)) ||
        !(t.user_of = ns__malloc((size_t)n, sizeof *t.user_of, "the positives' users", err)) ||
        !(t.harmonic = ns__malloc((size_t)items + 1, sizeof *t.harmonic, "the harmonic numbers", err)))
        s = NS_ENOMEM;
    if (s == NS_OK) {
        ns_rng rng;
        ns__rng_seed(&rng, o->seed, 0);
        for (int32_t u = 0; u < users; u++)
            for (int64_t e = x->start[u]; e < x->start[u + 1]; e++) t.user_of[e] = u, t.order[e] = e;
        ns__shuffle(t.order, n, &rng); /* shards then hold random positives */
        t.harmonic[0] = 0;
        for (int32_t i = 1; i <= items; i++) t.harmonic[i] = t.harmonic[i - 1] + 1.0 / i;
        ns__task task = {.unit = "positives", .mode = NS__SHARDS, .threads = o->threads, .seed = o->seed,
                         .items = n, .per_epoch = n, .epochs = o->epochs, .lr = o->lr,
                         .min_lr_frac = o->min_lr_frac, .data = &t, .worker_init = worker_init,
                         .scratch_free = scratch_free, .order = t.order, .run = run, .save = save,
                         .snapshot = snapshot};
        if (valid && o->valid_every > 0)
            task.validate = validate, task.valid_every = o->valid_every, task.patience = o->patience,
            task.metric = "NDCG@10";
        if (ns__loss_samples(o->loss)) s = ns__noise_build(&t.noise, x->items, o, err);
        t.mcmc = ns__mcmc_of(&t.noise, o, NULL, NULL); /* items have no neighbourhood here */
        if (s == NS_OK) s = ns__engine_run(&task, &r->m->run, &r->m->best_run, h, err);
        ns__model_best_done(r->m, s);
    }
    ns__noise_destroy(&t.noise);
    free(t.order), free(t.user_of), free(t.harmonic), free(t.known.bits);
    return s;
}

/* item2vec's side of the word trainer: the recommender and its validation
 * positives. */
typedef struct item2vec_client {
    ns_rec *r;
    const ns_inter *valid;
} item2vec_client;

static ns_status save_item2vec(void *data, const char *path, ns_error *err) {
    return ns_rec_save(((item2vec_client *)data)->r, path, err);
}

static ns_status validate_item2vec(void *data, double *metric, ns_error *err) {
    item2vec_client *c = data;
    return validate_ndcg(c->r, c->valid, metric, err);
}

ns_status ns__rec_prepare(ns_rec *r, ns_error *err) {
    ns_model *m = r->m;
    ns__free_aligned(r->unit);
    r->unit = NULL;
    if (!ns__rec_is_item2vec(r)) return NS_OK;
    if (!(r->unit = ns__aligned((size_t)m->rows * (size_t)m->stride, sizeof(float), "the unit item vectors", err)))
        return NS_ENOMEM;
    for (int32_t i = 0; i < m->rows; i++) {
        const float *v = ns__in_row(m, i);
        float *w = r->unit + (size_t)i * (size_t)m->stride;
        double n2 = 0;
        for (int32_t d = 0; d < m->dim; d++) n2 += (double)v[d] * v[d];
        float inv = n2 > 0 ? (float)(1.0 / sqrt(n2)) : 0.0f;
        for (int32_t d = 0; d < m->dim; d++) w[d] = v[d] * inv;
    }
    return NS_OK;
}

void ns_rec_free(ns_rec *r) {
    if (!r) return;
    ns_model_free(r->m);
    ns_inter_free(r->train), ns_inter_free(r->test);
    ns__free_aligned(r->unit);
    free(r);
}

const ns_model *ns_rec_model(const ns_rec *r) { return r->m; }
const ns_inter *ns_rec_train_data(const ns_rec *r) { return r->train; }
const ns_inter *ns_rec_test_data(const ns_rec *r) { return r->test; }

ns_status ns_rec_create(ns_rec **out, const ns_inter *train, const ns_inter *test, const ns_train_opts *o,
                        ns_error *err) {
    ns__err_clear(err);
    ns_status s = ns_train_opts_check(o, err);
    if (s != NS_OK) return s;
    if (o->task == NS_TASK_PAIRS) return ns__fail(err, NS_EINVAL, "options are for the pairs task, not recommendation");
    if (test && (!ns__vocab_same(test->users, train->users) || !ns__vocab_same(test->items, train->items)))
        return ns__fail(err, NS_EINVAL, "the held-out interactions are not over the training vocabularies");
    ns_rec *r = ns__calloc(1, sizeof *r, "a recommender", err);
    if (!r) return NS_ENOMEM;
    s = ns__inter_from_csr(&r->train, train->users, train->items, train->start, train->seq, err);
    if (s == NS_OK) r->train->opts = train->opts, r->train->stats = train->stats;
    if (s == NS_OK && test) s = ns__inter_from_csr(&r->test, test->users, test->items, test->start, test->seq, err);
    if (s == NS_OK && o->task == NS_TASK_REC) s = ns_model_create_pairs(&r->m, train->users, train->items, o, err);
    else if (s == NS_OK) s = ns_model_create(&r->m, train->items, o, err);
    if (s != NS_OK) {
        ns_rec_free(r);
        return s;
    }
    *out = r;
    return NS_OK;
}

ns_status ns_rec_train(ns_rec *r, const ns_inter *valid, const ns_train_opts *o, const ns_train_hooks *h,
                       ns_error *err) {
    ns__err_clear(err);
    ns_status s = ns_train_opts_check(o, err);
    if (s != NS_OK) return s;
    if ((o->task == NS_TASK_REC) != !ns__rec_is_item2vec(r))
        return ns__fail(err, NS_EINVAL, "the options are for %s, the recommender is %s",
                        o->task == NS_TASK_REC ? "matrix factorisation" : "item2vec",
                        ns__rec_is_item2vec(r) ? "item2vec" : "matrix factorisation");
    if (o->dim != r->m->dim) return ns__fail(err, NS_EINVAL, "dim %d differs from the model's %d", o->dim, r->m->dim);
    if (!o->bias != !r->m->bias)
        return ns__fail(err, NS_EINVAL, "bias %s, but the model was created %s item biases", o->bias ? "on" : "off",
                        r->m->bias ? "with" : "without");
    if (valid && (!ns__vocab_same(valid->users, r->train->users) || !ns__vocab_same(valid->items, r->train->items)))
        return ns__fail(err, NS_EINVAL, "the validation interactions are not over the training vocabularies");
    if (valid && o->valid_every > 0 && ns_inter_count(valid) == 0)
        return ns__fail(err, NS_EEMPTY, "no validation positives");
    if (h && h->checkpoint && (s = ns_output_check(h->checkpoint, err)) != NS_OK) return s;
    const ns_inter *train = r->train;
    if (o->task == NS_TASK_REC) {
        r->m->opts = *o, r->m->opts.noise_weights = NULL;
        s = train_mf(r, valid, o, h, err);
    } else {
        ns_corpus *c = NULL;
        item2vec_client ic = {r, valid};
        ns__words_client cl = {save_item2vec, valid ? validate_item2vec : NULL, "NDCG@10", &ic};
        s = ns__corpus_from_ids(&c, train->items, train->start, ns_vocab_size(train->users), train->seq, err);
        if (s == NS_OK) s = ns__train_words(r->m, c, o, h, &cl, err);
        ns_corpus_free(c);
    }
    if (s == NS_OK) s = ns__rec_prepare(r, err);
    return s;
}
