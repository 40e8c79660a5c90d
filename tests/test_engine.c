/*
 * The trainer engine, through every task (skip-gram, CBOW, pairs, matrix
 * factorisation with noise and MCMC negatives, item2vec, knowledge graphs,
 * node2vec walks and LINE, both with MCMC negatives):
 *   - resume equivalence: one thread, stopped right after a checkpoint and
 *     resumed from it, gives the uninterrupted run's vectors bit for bit,
 *     from a checkpoint at the end of an epoch (or a step count) and from
 *     one written by the clock in the middle of an epoch; dense Adam's
 *     catch-up at a pause rounds differently from one larger catch-up, so
 *     there the uninterrupted run with the same pauses is the reference,
 *     and the run without them learns as well (filtered MRR within 0.02:
 *     the parameters of a chaotic run drift apart from a rounding
 *     difference, 0.04 at most here, its quality does not);
 *   - the same from a model saved right after the progress callback
 *     cancelled the run (what the program does on SIGINT);
 *   - cancel: a progress callback that asks to stop ends training with
 *     NS_ECANCELED within the work of one report (each worker finishes the
 *     chunk it is on: 10,000 tokens, 4,096 pairs or positives, one step),
 *     with no temporary file, no checkpoint other than whole ones, and a
 *     model of finite values;
 *   - Hogwild: four threads reach the one-thread loss within a tolerance
 *     (under ThreadSanitizer the kernels are the scalar ones, so it sees
 *     every access);
 *   - validation (pairs, matrix factorisation, item2vec; knowledge graphs
 *     in test_kg): with the model scrambled by the progress callback after
 *     the second validation, training stops `patience` validations later
 *     and the model is the best validated one; a checkpoint written after
 *     the scrambling carries the best state, and the run resumed from it
 *     ends bit for bit where the uninterrupted one ended.
 */
#include "check.h"
#include "negsamp.h"

#include "engine/engine.h"
#include "model/model.h"
#include "tasks/graph/graph.h"
#include "tasks/kg/kg.h"
#include "tasks/rec/rec.h"

#include <dirent.h>
#include <math.h>
#include <unistd.h>

/* ---- data ---------------------------------------------------------------- */


/* Ten topics; a line of topic t holds words of t only. */
static const char *words_file(void) {
    const char *p = tmp_path("engine.words.txt");
    FILE *f = fopen(p, "w");
    unsigned x = 7;
    for (int line = 0; line < 6000; line++) {
        for (int w = 0; w < 15; w++) {
            x = x * 1103515245u + 12345u;
            fprintf(f, "t%dw%u ", line % 10, (x >> 16) % 8);
        }
        fputc('\n', f);
    }
    fclose(f);
    return p;
}

/* 200 users of 5 clusters each like the 20 items of their cluster. */
static const char *pairs_file(const char *name, unsigned x, int lines) {
    const char *p = tmp_path(name);
    FILE *f = fopen(p, "w");
    for (int n = 0; n < lines; n++) {
        x = x * 1103515245u + 12345u;
        int u = (int)((x >> 16) % 200);
        x = x * 1103515245u + 12345u;
        fprintf(f, "u%d\ti%d\n", u, u % 5 + 5 * (int)((x >> 16) % 20));
    }
    fclose(f);
    return p;
}

/* 4 user groups like 4 item groups: users rate 24 of their group's 30. */
static ns_inter *interactions(void) {
    const char *p = tmp_path("engine.inter.tsv");
    FILE *f = fopen(p, "w");
    for (int u = 0; u < 600; u++)
        for (int i = 0; i < 24; i++) fprintf(f, "u%d\ti%d\t5\t%d\n", u, u % 4 * 30 + (i + u) % 30, i);
    fclose(f);
    ns_inter_opts io;
    ns_inter_opts_default(&io);
    ns_inter *x = NULL;
    ns_error err;
    CHECK_EQ(ns_inter_load(&x, p, &io, NULL, &err), NS_OK);
    return x;
}

/* A cycle: e_i next e_{i+1}, e_i skip e_{i+2}, mod 400. */
static ns_triples *triples(void) {
    const char *p = tmp_path("engine.kg.tsv");
    FILE *f = fopen(p, "w");
    for (int i = 0; i < 400; i++) fprintf(f, "e%d\tnext\te%d\ne%d\tskip\te%d\n", i, (i + 1) % 400, i, (i + 2) % 400);
    fclose(f);
    ns_triples *t = NULL;
    CHECK_EQ(ns_triples_load(&t, p, NULL, NULL, NULL), NS_OK);
    return t;
}

/* Four communities of 50 nodes: edges within with probability 0.2,
 * across 0.01. */
static ns_graph *graph(void) {
    const char *p = tmp_path("engine.graph.txt");
    FILE *f = fopen(p, "w");
    unsigned x = 3;
    for (int u = 0; u < 200; u++)
        for (int v = u + 1; v < 200; v++) {
            x = x * 1103515245u + 12345u;
            if ((x >> 16) % 1000 < (u / 50 == v / 50 ? 200u : 10u)) fprintf(f, "n%d n%d\n", u, v);
        }
    fclose(f);
    ns_graph *g = NULL;
    CHECK_EQ(ns_graph_load(&g, p, 1, NULL), NS_OK);
    return g;
}

/* ---- the tasks, behind one interface ----------------------------------- */

typedef enum kind { SKIPGRAM, CBOW, PAIRS, INFONCE, MF, MF_MCMC, ITEM2VEC, WALKS, LINE, KG_ADAM, KG_LAZY, KG_ADAGRAD,
                    KINDS } kind;
static const char *kind_name[KINDS] = {"skipgram", "cbow", "pairs", "infonce", "mf", "mf-mcmc", "item2vec",
                                       "node2vec-mcmc", "line-mcmc", "kg-adam", "kg-lazy-adam", "kg-adagrad"};

typedef struct data {
    ns_corpus *corpus;
    ns_pairs *pairs;
    ns_inter *inter;
    ns_triples *kg;
    ns_graph *graph;
    /* validation: held-out pairs of the same users (loaded with a model),
     * and each user's last positive held out of inter */
    char valid_pairs[4096];
    ns_inter *rec_train, *rec_valid;
} data;

/* A trained or training model of any kind. */
typedef struct model {
    kind k;
    ns_model *m;
    ns_rec *rec;
    ns_kg *kg;
} model;

static void model_free(model *x) {
    ns_model_free(x->m), ns_rec_free(x->rec), ns_kg_free(x->kg);
    memset(x, 0, sizeof *x);
}

static ns_train_opts train_opts(kind k, int threads) {
    ns_train_opts o;
    ns_train_opts_default(&o, k == SKIPGRAM || k == WALKS || k == LINE ? NS_TASK_SKIPGRAM
                              : k == CBOW || k == ITEM2VEC               ? NS_TASK_CBOW
                              : k == MF || k == MF_MCMC                  ? NS_TASK_REC
                                                                         : NS_TASK_PAIRS);
    /* Pairs converge in 10 epochs (the 4-thread loss then within 1% of
     * one thread's; at 4 epochs runs differ by 10% among themselves);
     * InfoNCE, whose batches all touch some of the 100 right rows, in 30
     * (at 10 four threads' loss was still 6-10.5% above one thread's, and
     * the 10% check failed one run in eight; at 30: 0.2%). */
    o.dim = 16, o.epochs = k == PAIRS ? 10 : k == INFONCE ? 30 : 4, o.threads = threads;
    o.sample = k == ITEM2VEC ? 0 : 1e-3;
    if (k == INFONCE) o.loss = NS_LOSS_INFONCE, o.batch = 32, o.lr = 0.01;
    if (k == MF || k == MF_MCMC) o.loss = NS_LOSS_BPR, o.lr = 0.05, o.l2 = 0.01, o.ns_exponent = 0;
    if (k == MF_MCMC || k == WALKS || k == LINE) o.negatives = NS_NEG_MCMC;
    if (k == MF_MCMC) o.epochs = 12;
    if (k == WALKS || k == LINE) o.sample = 0, o.epochs = k == LINE ? 60 : 2;
    if (k == ITEM2VEC) o.window = 15;
    return o;
}

static ns_kg_opts kg_opts(kind k, int threads) {
    ns_kg_opts o;
    ns_kg_opts_default(&o);
    o.model = NS_KG_ROTATE, o.dim = 16, o.gamma = 4, o.batch = 16, o.neg = 8, o.steps = 1000, o.threads = threads;
    o.optim = k == KG_ADAGRAD ? NS_KG_ADAGRAD : k == KG_LAZY ? NS_KG_LAZY_ADAM : NS_KG_ADAM;
    o.lr = k == KG_ADAGRAD ? 0.1 : 0.02;
    return o;
}

static int is_kg(kind k) { return k >= KG_ADAM; }

static ns_graph_opts graph_opts(kind k) {
    ns_graph_opts go;
    ns_graph_opts_default(&go);
    go.method = k == LINE ? NS_GRAPH_LINE : NS_GRAPH_NODE2VEC, go.p = 0.5, go.q = 2, go.walks_per_node = 5;
    go.walk_length = 40;
    return go;
}

/* A fresh model of kind k. */
static model create(kind k, const data *d, int threads) {
    model x = {k, NULL, NULL, NULL};
    ns_error err;
    ns_status s;
    ns_train_opts o = train_opts(k, threads);
    if (is_kg(k)) {
        ns_kg_opts ko = kg_opts(k, threads);
        s = ns_kg_create(&x.kg, d->kg, &ko, &err);
    } else if (k == MF || k == MF_MCMC || k == ITEM2VEC) {
        s = ns_rec_create(&x.rec, d->inter, NULL, &o, &err);
    } else if (k == WALKS || k == LINE) {
        s = ns_model_create(&x.m, ns_graph_vocab(d->graph), &o, &err);
    } else if (k == PAIRS || k == INFONCE) {
        s = ns_model_create_pairs(&x.m, ns_pairs_left_vocab(d->pairs), ns_pairs_right_vocab(d->pairs), &o, &err);
    } else {
        s = ns_model_create(&x.m, ns_corpus_vocab(d->corpus), &o, &err);
    }
    if (s != NS_OK) fprintf(stderr, "create %s: %s\n", kind_name[k], err.msg);
    CHECK_EQ(s, NS_OK);
    return x;
}

static ns_status train(model *x, const data *d, int threads, const ns_train_hooks *h, ns_error *err) {
    ns_train_opts o = train_opts(x->k, threads);
    if (is_kg(x->k)) {
        ns_kg_opts ko = kg_opts(x->k, threads);
        return ns_kg_train(x->kg, d->kg, NULL, NULL, &ko, h, err);
    }
    if (x->rec) return ns_rec_train(x->rec, NULL, &o, h, err);
    if (x->k == WALKS || x->k == LINE) {
        ns_graph_opts go = graph_opts(x->k);
        return ns_graph_train(&x->m, d->graph, &go, &o, h, err);
    }
    if (x->k == PAIRS || x->k == INFONCE) return ns_train_pairs(x->m, d->pairs, NULL, &o, h, err);
    return ns_train_words(x->m, d->corpus, NULL, &o, h, err);
}

static ns_status save(const model *x, const char *path, ns_error *err) {
    return x->kg ? ns_kg_save(x->kg, path, err) : x->rec ? ns_rec_save(x->rec, path, err) : ns_model_save(x->m, path, err);
}

static ns_status load(model *x, kind k, const char *path, ns_error *err) {
    memset(x, 0, sizeof *x);
    x->k = k;
    if (is_kg(k)) return ns_kg_load(&x->kg, path, err);
    if (k == MF || k == MF_MCMC || k == ITEM2VEC) return ns_rec_load(&x->rec, path, err);
    return ns_model_load(&x->m, path, err);
}

/* The model's parameters: every table (knowledge graphs: with the
 * optimiser's state), as floats. */
static float *params(const model *x, size_t *n) {
    if (x->kg) {
        float *t[6];
        size_t len[6], all = 0;
        int k = ns__kg_tables(x->kg, t, len);
        for (int i = 0; i < k; i++) all += len[i];
        float *out = malloc(all * sizeof *out);
        for (int i = 0, off = 0; i < k; off += (int)len[i], i++) memcpy(out + off, t[i], len[i] * sizeof(float));
        *n = all;
        return out;
    }
    const ns_model *m = x->rec ? ns_rec_model(x->rec) : x->m;
    size_t in = (size_t)m->rows * (size_t)m->stride, out = (size_t)m->rows_out * (size_t)m->stride;
    float *p = malloc((in + out + (size_t)m->rows_out) * sizeof *p);
    memcpy(p, m->in, in * sizeof *p), memcpy(p + in, m->out, out * sizeof *p);
    for (int32_t j = 0; j < m->rows_out; j++) p[in + out + (size_t)j] = m->bias ? m->bias[j] : 0;
    *n = in + out + (size_t)m->rows_out;
    return p;
}

static const ns__run_state *run_state(const model *x) {
    return x->kg ? &x->kg->run : x->rec ? &ns_rec_model(x->rec)->run : &x->m->run;
}

/* Largest difference between two models' parameters (INFINITY if their
 * sizes differ). */
static double max_diff(const model *a, const model *b) {
    size_t na, nb;
    float *pa = params(a, &na), *pb = params(b, &nb);
    double d = na == nb ? 0 : INFINITY;
    for (size_t i = 0; na == nb && i < na; i++) d = fmax(d, fabs((double)pa[i] - pb[i]));
    free(pa), free(pb);
    return d;
}

static int same_bits(const model *a, const model *b) {
    size_t na, nb;
    float *pa = params(a, &na), *pb = params(b, &nb);
    int same = na == nb && memcmp(pa, pb, na * sizeof *pa) == 0;
    free(pa), free(pb);
    return same;
}

/* ---- resume ------------------------------------------------------------ */

typedef struct stopper {
    int after;      /* stop after this many checkpoints (the clock's first
                       may come before any work: those are not counted) */
    int seen;
    int reports;
    double last_loss;
} stopper;

static int stop_after_checkpoints(const ns_progress *p, void *user) {
    stopper *s = user;
    s->reports++;
    if (p->epoch_done) s->last_loss = p->epoch_loss;
    return p->checkpointed && p->done > 0 && ++s->seen >= s->after;
}

/* Trains to a checkpoint (every `every` epochs or steps, or by the clock
 * when every = 0), stops there and resumes from the file with one thread.
 * Returns the resumed model; *mid receives whether the checkpoint was in
 * the middle of an epoch (or pass). */
static model resumed(kind k, const data *d, int64_t every, int *mid) {
    model x = create(k, d, 1);
    const char *ckpt = tmp_path("engine.checkpoint");
    unlink(ckpt);
    stopper st = {1, 0, 0, 0};
    ns_train_hooks h = {stop_after_checkpoints, &st, 1e-3, ckpt, every, every ? 0 : 1e-9};
    ns_error err;
    ns_status s = train(&x, d, 1, &h, &err);
    CHECK_EQ(s, NS_ECANCELED);
    model_free(&x);
    model y;
    CHECK_EQ(load(&y, k, ckpt, &err), NS_OK);
    const ns__run_state *rs = run_state(&y);
    *mid = rs->threads == 1 && rs->w[0].pos != 0;
    CHECK(rs->done > 0);
    /* The rest of the run, with the same later checkpoints (pauses). */
    ns_train_hooks later = {NULL, NULL, 1, tmp_path("engine.later.checkpoint"), every, 0};
    if ((s = train(&y, d, 1, &later, &err)) != NS_OK) fprintf(stderr, "resume %s: %s\n", kind_name[k], err.msg);
    CHECK_EQ(s, NS_OK);
    return y;
}

typedef struct stop_soon {
    int reports;
} stop_soon;

/* Stops at the third report with work done. */
static int stop_after_work(const ns_progress *p, void *user) {
    stop_soon *s = user;
    return p->done > 0 && ++s->reports == 3;
}

static void resume_equivalence(kind k, const data *d) {
    ns_error err;
    model a = create(k, d, 1);
    CHECK_EQ(train(&a, d, 1, NULL, &err), NS_OK);
    int mid = 0;
    /* At an epoch's end (knowledge graphs: step 100). */
    model b = resumed(k, d, is_kg(k) ? 100 : 1, &mid);
    if (k != KG_ADAM) {
        CHECK(same_bits(&a, &b));
    } else {
        /* The reference: the same pause, no stop. */
        model c = create(k, d, 1);
        ns_train_hooks h = {NULL, NULL, 1, tmp_path("engine.other.checkpoint"), 100, 0};
        CHECK_EQ(train(&c, d, 1, &h, &err), NS_OK);
        CHECK(same_bits(&c, &b));
        ns_kg_report ra, rb;
        CHECK_EQ(ns_kg_eval(a.kg, d->kg, NULL, 1, 0, 0, &ra, NULL), NS_OK);
        CHECK_EQ(ns_kg_eval(b.kg, d->kg, NULL, 1, 0, 0, &rb, NULL), NS_OK);
        printf("%s: resumed vs uninterrupted without the pauses: max |difference| %.3g, MRR %.4f vs %.4f\n",
               kind_name[k], max_diff(&a, &b), rb.all.mrr, ra.all.mrr);
        CHECK(fabs(ra.all.mrr - rb.all.mrr) < 0.02 && ra.all.mrr > 0.5);
        model_free(&c);
    }
    model_free(&b);
    /* From checkpoints the clock asks for: in the middle of an epoch. */
    if (!is_kg(k) || k != KG_ADAM) {
        int mids = 0;
        for (int tries = 0; tries < 4 && !mids; tries++) {
            model c = resumed(k, d, 0, &mid);
            mids += mid;
            CHECK(same_bits(&a, &c));
            model_free(&c);
        }
        printf("%s: resumed from the middle of an epoch: %s\n", kind_name[k], mids ? "yes" : "no (not reached)");
        /* Cancelled by the callback and saved then: a checkpoint too. */
        model c = create(k, d, 1);
        stop_soon st = {0};
        ns_train_hooks h = {stop_after_work, &st, 1e-3, NULL, 0, 0};
        CHECK_EQ(train(&c, d, 1, &h, &err), NS_ECANCELED);
        const char *path = tmp_path("engine.cancelled");
        CHECK_EQ(save(&c, path, &err), NS_OK);
        model_free(&c);
        CHECK_EQ(load(&c, k, path, &err), NS_OK);
        CHECK(run_state(&c)->done > 0);
        CHECK_EQ(train(&c, d, 1, NULL, &err), NS_OK);
        CHECK(same_bits(&a, &c));
        model_free(&c);
    }
    model_free(&a);
}

/* ---- cancel ------------------------------------------------------------ */

typedef struct canceller {
    int64_t at;    /* units done when the callback asked to stop */
} canceller;

static int cancel_now(const ns_progress *p, void *user) {
    canceller *c = user;
    c->at = p->done;
    return 1;
}

static int temp_files(void) {
    DIR *dir = opendir(getenv("NS_TEST_TMP") ? getenv("NS_TEST_TMP") : "/tmp");
    int n = 0;
    for (struct dirent *e; dir && (e = readdir(dir));) n += strstr(e->d_name, "engine.cancel.tmp.") != NULL;
    if (dir) closedir(dir);
    return n;
}

static void cancel(kind k, const data *d) {
    model x = create(k, d, 2);
    const char *ckpt = tmp_path("engine.cancel");
    unlink(ckpt);
    canceller c = {-1};
    ns_train_hooks h = {cancel_now, &c, 1e-3, ckpt, 0, 0.002};
    ns_error err;
    CHECK_EQ(train(&x, d, 2, &h, &err), NS_ECANCELED);
    CHECK_CONTAINS(err.msg, "stopped by the progress callback");
    const ns__run_state *rs = run_state(&x);
    /* A worker finishes its chunk; steps go on while the report is made. */
    int64_t chunk = k == SKIPGRAM || k == CBOW || k == ITEM2VEC || k == WALKS ? 10000 + 100 : k == LINE ? 2048 : is_kg(k) ? 16 : 4096 + 32;
    if (!(c.at >= 0 && rs->done - c.at <= 2 * chunk))
        fprintf(stderr, "%s: asked to stop at %lld, stopped at %lld\n", kind_name[k], (long long)c.at,
                (long long)rs->done);
    CHECK(c.at >= 0 && rs->done - c.at <= 2 * chunk);
    CHECK_EQ(temp_files(), 0);
    if (access(ckpt, F_OK) == 0) { /* written whole, or not at all */
        model y;
        CHECK_EQ(load(&y, k, ckpt, &err), NS_OK);
        model_free(&y);
    }
    /* The model stays usable. */
    size_t n;
    float *p = params(&x, &n);
    int finite = 1;
    for (size_t i = 0; i < n; i++) finite &= isfinite(p[i]) != 0;
    CHECK(finite);
    free(p);
    model_free(&x);
}

/* ---- Hogwild ----------------------------------------------------------- */

typedef struct losses {
    double last;    /* the last epoch's mean loss, or (steps) the run's */
} losses;

static int record_loss(const ns_progress *p, void *user) {
    losses *l = user;
    if (p->epoch_done) l->last = p->epoch_loss;
    else if (!p->epochs && !p->paused && p->done == p->total) l->last = p->loss;
    return 0;
}

/* The last epoch's mean loss; for knowledge graphs the whole run's (its
 * one report is the closing one). */
static double final_loss(kind k, const data *d, int threads) {
    model x = create(k, d, threads);
    losses l = {NAN};
    ns_train_hooks h = {record_loss, &l, 1000, NULL, 0, 0};
    ns_error err;
    CHECK_EQ(train(&x, d, threads, &h, &err), NS_OK);
    model_free(&x);
    return l.last;
}

static void hogwild(kind k, const data *d) {
    /* Four threads: the mean of two runs, whose interleavings differ (one
     * run of dense Adam once came out 11% above one thread's loss, most
     * are 3-7%). */
    double one = final_loss(k, d, 1), four = (final_loss(k, d, 4) + final_loss(k, d, 4)) / 2;
    printf("%s: final loss, 1 thread %.4f, 4 threads %.4f (mean of 2 runs)\n", kind_name[k], one, four);
    /* Hogwild's lost updates and the other random streams move the loss a
     * little: within 10%. */
    CHECK(isfinite(one) && isfinite(four) && fabs(four - one) <= 0.10 * fabs(one));
}

/* ---- validation ---------------------------------------------------------- */

typedef struct watcher {
    model *x;
    int validations, scramble_at, stop_at_checkpoint, checkpoints;
    double best, last;
    int cancel_at; /* stop at this validation (0: never) */
} watcher;

/* Sets every vector of the model to the same random values. */
static void scramble(model *x) {
    ns_model *m = x->rec ? (ns_model *)ns_rec_model(x->rec) : x->m;
    ns_rng r;
    ns__rng_seed(&r, 5, 5);
    for (int32_t i = 0; i < m->rows; i++)
        for (int32_t k = 0; k < m->dim; k++) ns__in_row(m, i)[k] = 20 * (ns__rng_float(&r) - 0.5f);
    for (int32_t i = 0; i < m->rows_out; i++)
        for (int32_t k = 0; k < m->dim; k++) ns__out_row(m, i)[k] = 20 * (ns__rng_float(&r) - 0.5f);
}

/* Counts validations, scrambles every table of the model after the
 * scramble_at-th and every later one (the callback may change the model at
 * a pause), and stops after the stop_at_checkpoint-th checkpoint or at the
 * cancel_at-th validation (0: never). */
static int watch_validations(const ns_progress *p, void *user) {
    watcher *w = user;
    if (p->metric) {
        w->last = p->valid, w->best = p->best;
        if (++w->validations >= w->scramble_at) scramble(w->x);
        if (w->validations == w->cancel_at) return 1;
    }
    return p->checkpointed && ++w->checkpoints == w->stop_at_checkpoint;
}

/* The validation metric of the model as it is. */
static double metric(const model *x, const ns_pairs *valid, const data *d) {
    if (x->rec) {
        ns_rec_report rep;
        int32_t k = 10;
        CHECK_EQ(ns_rec_eval(x->rec, d->rec_valid, &k, 1, &rep, NULL), NS_OK);
        return rep.model.ndcg[0];
    }
    ns_rank_report rep;
    int32_t k = 10;
    CHECK_EQ(ns_eval_pairs(x->m, valid, (const ns_pairs *const *)&d->pairs, 1, &k, 1, &rep, NULL), NS_OK);
    return rep.mrr;
}

static ns_status train_valid(model *x, const data *d, const ns_pairs *valid, const ns_train_hooks *h,
                             ns_error *err) {
    ns_train_opts o = train_opts(x->k, 1);
    o.epochs = 8, o.valid_every = 1, o.patience = 2;
    if (x->rec) return ns_rec_train(x->rec, d->rec_valid, &o, h, err);
    return ns_train_pairs(x->m, d->pairs, valid, &o, h, err);
}

static model create_valid(kind k, const data *d, ns_pairs **valid) {
    model x = {k, NULL, NULL, NULL};
    ns_train_opts o = train_opts(k, 1);
    if (k == PAIRS) {
        x = create(k, d, 1);
        ns_pairs_opts po;
        ns_pairs_opts_default(&po);
        if (!*valid) CHECK_EQ(ns_pairs_load(valid, d->valid_pairs, &po, x.m, NULL), NS_OK);
    } else {
        CHECK_EQ(ns_rec_create(&x.rec, d->rec_train, NULL, &o, NULL), NS_OK);
    }
    return x;
}

static void validation(kind k, const data *d) {
    ns_pairs *valid = NULL;
    ns_error err;
    model a = create_valid(k, d, &valid);
    watcher w = {&a, 0, 2, 0, 0, 0, 0, 0};
    ns_train_hooks h = {watch_validations, &w, 1000, NULL, 0, 0};
    CHECK_EQ(train_valid(&a, d, valid, &h, &err), NS_OK);
    const ns__run_state *rs = run_state(&a);
    double now = metric(&a, valid, d);
    printf("%s: %d validations, best %.4f after %lld units, last %.4f; the model's %.4f\n", kind_name[k],
           w.validations, w.best, (long long)rs->best_at, w.last, now);
    CHECK_EQ(w.validations, 4); /* stopped two after the scrambling */
    CHECK(w.last < w.best - 0.05);
    CHECK_NEAR(now, w.best, 1e-12);
    CHECK_EQ(rs->done, rs->best_at);
    /* Stopped at the checkpoint of the third validation: the file holds
     * the best state (the second's) as well. Resumed (scrambled as the
     * callback scrambled the first run after that checkpoint), the run
     * validates once more, stops and ends with that best state. */
    const char *ckpt = tmp_path("engine.valid.checkpoint");
    model b = create_valid(k, d, &valid);
    watcher wb = {&b, 0, 2, 3, 0, 0, 0, 0};
    ns_train_hooks hb = {watch_validations, &wb, 1000, ckpt, 1, 0};
    CHECK_EQ(train_valid(&b, d, valid, &hb, &err), NS_ECANCELED);
    model_free(&b);
    CHECK_EQ(load(&b, k, ckpt, &err), NS_OK);
    const ns_model *bm = b.rec ? ns_rec_model(b.rec) : b.m;
    if (bm)
        printf("%s: checkpoint at %lld units, best state of %lld units %s\n", kind_name[k], (long long)bm->run.done,
               (long long)bm->best_run.done, bm->best ? "kept" : "missing");
    CHECK(bm && bm->best && bm->best_run.done == rs->best_at && bm->run.done > rs->best_at);
    if (bm) {
        scramble(&b);
        watcher wr = {&b, 3, 2, 0, 0, 0, 0, 0};
        ns_train_hooks hr = {watch_validations, &wr, 1000, NULL, 0, 0};
        CHECK_EQ(train_valid(&b, d, valid, &hr, &err), NS_OK);
        CHECK_EQ(wr.validations, 4);
    }
    CHECK(same_bits(&a, &b));
    /* Cancelled at the third validation and saved then (the program on
     * Ctrl-C): the file keeps the best state too. */
    model c = create_valid(k, d, &valid);
    watcher wc = {&c, 0, 2, 0, 0, 0, 0, 3};
    ns_train_hooks hc = {watch_validations, &wc, 1000, NULL, 0, 0};
    CHECK_EQ(train_valid(&c, d, valid, &hc, &err), NS_ECANCELED);
    const char *path = tmp_path("engine.valid.cancelled");
    CHECK_EQ(save(&c, path, &err), NS_OK);
    model_free(&c);
    CHECK_EQ(load(&c, k, path, &err), NS_OK);
    const ns_model *cm = c.rec ? ns_rec_model(c.rec) : c.m;
    CHECK(cm && cm->best && cm->best_run.done == rs->best_at);
    model_free(&a), model_free(&b), model_free(&c);
    ns_pairs_free(valid);
}

int main(void) {
    ns_error err;
    ns_corpus_opts co;
    ns_corpus_opts_default(&co);
    ns_pairs_opts po;
    ns_pairs_opts_default(&po);
    data d = {0};
    CHECK_EQ(ns_corpus_load(&d.corpus, words_file(), &co, NULL, &err), NS_OK);
    CHECK_EQ(ns_pairs_load(&d.pairs, pairs_file("engine.pairs.tsv", 11, 20000), &po, NULL, &err), NS_OK);
    snprintf(d.valid_pairs, sizeof d.valid_pairs, "%s", pairs_file("engine.valid.tsv", 13, 1000));
    d.inter = interactions();
    CHECK_EQ(ns_inter_split_last(d.inter, &d.rec_train, &d.rec_valid, &err), NS_OK);
    d.kg = triples();
    d.graph = graph();
    if (!d.corpus || !d.pairs || !d.inter || !d.kg || !d.graph) return check_exit("test_engine");
    for (kind k = 0; k < KINDS; k++) resume_equivalence(k, &d);
    for (kind k = 0; k < KINDS; k++) cancel(k, &d);
    for (kind k = 0; k < KINDS; k++) hogwild(k, &d);
    validation(PAIRS, &d), validation(MF, &d), validation(ITEM2VEC, &d);
    ns_corpus_free(d.corpus), ns_pairs_free(d.pairs), ns_inter_free(d.inter), ns_triples_free(d.kg);
    ns_graph_free(d.graph);
    ns_inter_free(d.rec_train), ns_inter_free(d.rec_valid);
    return check_exit("test_engine");
}
