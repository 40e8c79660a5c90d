/*
 * Training on the generated toy language (tools/toycorpus.c): one-thread
 * determinism, falling loss, planted analogies recovered (skip-gram and
 * CBOW), every epoch covering the whole of a file without line breaks on
 * two threads, continued training, the threshold -sample auto makes of
 * a corpus's size, and validation on analogy questions (the best validated
 * model kept, early stopping, a bad questions file refused before the
 * work).
 */
#include "check.h"
#include "model/model.h"
#include "sample/sample.h"

typedef struct record {
    int epochs_reported;
    double first_loss, last_loss;
    int64_t tokens_done;
} record;

static int on_progress(const ns_progress *p, void *user) {
    record *r = user;
    r->tokens_done = p->done;
    if (p->epoch_done) {
        if (++r->epochs_reported == 1) r->first_loss = p->epoch_loss;
        r->last_loss = p->epoch_loss;
    }
    return 0;
}

static ns_corpus *load(const char *path, int lines, const ns_vocab *base) {
    ns_corpus_opts co;
    ns_corpus_opts_default(&co);
    co.lines_are_sentences = lines;
    co.max_sentence = 1000;
    ns_corpus *c = NULL;
    ns_error err;
    if (ns_corpus_load(&c, path, &co, base, &err) != NS_OK) fprintf(stderr, "%s\n", err.msg);
    return c;
}

static ns_model *train(const ns_corpus *c, ns_task task, int threads, uint64_t seed, record *r) {
    ns_train_opts o;
    ns_train_opts_default(&o, task);
    o.dim = 24;
    o.window = 4;
    o.sample = 1e-3;
    o.threads = threads;
    o.seed = seed;
    o.epochs = 5;
    ns_model *m;
    ns_error err;
    if (ns_model_create(&m, ns_corpus_vocab(c), &o, &err) != NS_OK) return NULL;
    memset(r, 0, sizeof *r);
    ns_train_hooks h = {on_progress, r, 0.2, NULL, 0, 0};
    if (ns_train_words(m, c, NULL, &o, &h, &err) != NS_OK) {
        fprintf(stderr, "train: %s\n", err.msg);
        ns_model_free(m);
        return NULL;
    }
    return m;
}

static double analogy_accuracy(const ns_model *m, const char *questions) {
    ns_emb *e;
    ns_analogy_report rep;
    ns_error err;
    if (ns_emb_from_model(&e, m, NULL) != NS_OK) return -1;
    double acc = -1;
    if (ns_eval_analogy(e, questions, 0, 0, &rep, &err) == NS_OK) {
        acc = rep.total.covered ? (double)rep.total.correct_add / (double)rep.total.covered : -1;
        CHECK_EQ(rep.total.covered, rep.total.questions);
        ns_analogy_report_free(&rep);
    }
    ns_emb_free(e);
    return acc;
}

/* Held-out figures in double precision from the definitions, over the
 * same pairs and weights as ns_eval_loglik: mean log Z(x) and mean
 * log P(y | x). *worst receives the largest |log Z(x)| over contexts. */
static void reference_loglik(const ns_model *m, const ns_corpus *heldout, int window, double *mean_logz,
                             double *mean_logp, double *worst) {
    double *logz = calloc((size_t)m->rows, sizeof *logz);
    double w_sum = 0, lz = 0, lp = 0;
    *worst = 0;
    for (int32_t x = 0; x < m->rows; x++) {
        double z = 0;
        for (int32_t y = 0; y < m->rows; y++) {
            double d = m->bias ? m->bias[y] : 0;
            for (int k = 0; k < m->dim; k++) d += (double)ns__in_row(m, x)[k] * ns__out_row(m, y)[k];
            z += exp(d);
        }
        logz[x] = log(z);
    }
    for (int64_t s = 0; s < ns_corpus_sentences(heldout); s++) {
        int64_t len;
        const int32_t *ids = ns_corpus_sentence(heldout, s, &len);
        for (int64_t t = 0; t < len; t++)
            for (int64_t q = 0; q < len; q++) {
                int64_t d = q > t ? q - t : t - q;
                if (d == 0 || d > window) continue;
                double w = (double)(window - d + 1) / window, score = m->bias ? m->bias[ids[t]] : 0;
                for (int k = 0; k < m->dim; k++)
                    score += (double)ns__in_row(m, ids[q])[k] * ns__out_row(m, ids[t])[k];
                w_sum += w, lz += w * logz[ids[q]], lp += w * (score - logz[ids[q]]);
                if (fabs(logz[ids[q]]) > *worst) *worst = fabs(logz[ids[q]]);
            }
    }
    free(logz);
    *mean_logz = lz / w_sum;
    *mean_logp = lp / w_sum;
}

/* NCE's model is self-normalised (sum_y exp(score) ~ 1), SGNS's is not; NCE
 * and sampled softmax reach the exact softmax's held-out likelihood, SGNS
 * does not; and ns_eval_loglik agrees with the reference. */
static void nce_self_normalises(const ns_corpus *c, const char *heldout_path) {
#ifdef __SANITIZE_THREAD__
    /* One thread and the full softmax: nothing for TSan to see, and far
     * too slow under it. */
    printf("under ThreadSanitizer: the single-threaded likelihood checks are skipped\n");
    return;
#endif
    ns_corpus *h = load(heldout_path, 1, ns_corpus_vocab(c));
    CHECK(h != NULL);
    if (!h) return;
    CHECK_EQ(ns_vocab_size(ns_corpus_vocab(h)), ns_vocab_size(ns_corpus_vocab(c))); /* no new words */
    double logp[NS_LOSS_SOFTMAX + 1];
    for (int loss = NS_LOSS_SGNS; loss <= NS_LOSS_SOFTMAX; loss++) {
        ns_train_opts o;
        ns_train_opts_default(&o, NS_TASK_SKIPGRAM);
        o.dim = 24, o.window = 4, o.sample = 0, o.threads = 1, o.loss = (ns_loss)loss, o.neg = 5;
        ns_model *m;
        ns_error err;
        CHECK_EQ(ns_model_create(&m, ns_corpus_vocab(c), &o, &err), NS_OK);
        CHECK_EQ(ns_train_words(m, c, NULL, &o, NULL, &err), NS_OK);
        double worst, lz, lp;
        reference_loglik(m, h, o.window, &lz, &lp, &worst);
        ns_loglik_report rep;
        CHECK_EQ(ns_eval_loglik(m, h, o.window, &rep, &err), NS_OK);
        CHECK_NEAR(rep.mean_logz, lz, 1e-4 * (1 + fabs(lz)));
        CHECK_NEAR(rep.mean_logp, lp, 1e-4 * (1 + fabs(lp)));
        CHECK_NEAR(rep.mean_score - rep.mean_logz, rep.mean_logp, 1e-6 * (1 + fabs(lp)));
        logp[loss] = lp;
        printf("%s: held-out mean log P(y|x) = %.4f, mean log sum_y exp(score) = %.4f, worst context %.4f\n",
               ns_loss_name((ns_loss)loss), lp, lz, worst);
        if (loss == NS_LOSS_NCE) {
            CHECK(fabs(lz) < 0.1);  /* sum within about 10 % of 1 on average */
            CHECK(worst < 0.3);
        } else if (loss == NS_LOSS_SGNS) {
            CHECK(fabs(lz) > 1.0);
        }
        ns_model_free(m);
    }
    /* NCE and sampled softmax are consistent estimators of the softmax fit:
     * within 0.02 nats of it here (measured 0.0007). SGNS's scores are
     * PMI - log k, not log-probabilities: 0.29 nats worse. */
    CHECK(fabs(logp[NS_LOSS_NCE] - logp[NS_LOSS_SOFTMAX]) < 0.02);
    CHECK(fabs(logp[NS_LOSS_SOFTMAX_SAMPLED] - logp[NS_LOSS_SOFTMAX]) < 0.02);
    CHECK(logp[NS_LOSS_SOFTMAX] > logp[NS_LOSS_SGNS] + 0.1);
    ns_corpus_free(h);
}

static int same_tables(const ns_model *a, const ns_model *b) {
    size_t n = (size_t)a->rows * (size_t)a->stride * sizeof(float);
    return a->rows == b->rows && memcmp(a->in, b->in, n) == 0 && memcmp(a->out, b->out, n) == 0;
}

/* -sample auto: fastText's 1e-4 from 10M tokens, word2vec's 1e-3 at 1M,
 * 1000 / tokens below; a given threshold stands. */
static void auto_sample(void) {
    CHECK_NEAR(ns__sample_threshold(NS_AUTO, 17000000), 1e-4, 0);
    CHECK_NEAR(ns__sample_threshold(NS_AUTO, 1000000), 1e-3, 1e-18);
    CHECK_NEAR(ns__sample_threshold(NS_AUTO, 64000), 1000.0 / 64000, 1e-18);
    CHECK_NEAR(ns__sample_threshold(1e-5, 64000), 1e-5, 0);
    CHECK_NEAR(ns__sample_threshold(0, 64000), 0, 0);
}

typedef struct valid_watch {
    ns_model *m;
    int validations;
    double best, last;
} valid_watch;

/* After the first validation the callback scrambles the input vectors
 * (the model may be changed at a pause): the next validations are worse
 * (or at most as good: the planted analogies are all found from epoch 1
 * on). */
static int scramble_after_first(const ns_progress *p, void *user) {
    valid_watch *w = user;
    if (!p->metric) return 0;
    w->last = p->valid, w->best = p->best;
    if (++w->validations == 1) {
        ns_rng r;
        ns__rng_seed(&r, 3, 3);
        for (int32_t i = 0; i < w->m->rows; i++)
            for (int32_t k = 0; k < w->m->dim; k++) ns__in_row(w->m, i)[k] = ns__rng_float(&r) - 0.5f;
    }
    return 0;
}

static void words_validation(const ns_corpus *c, const char *questions) {
    ns_train_opts o;
    ns_train_opts_default(&o, NS_TASK_SKIPGRAM);
    o.dim = 24, o.window = 4, o.sample = 1e-3, o.threads = 1, o.epochs = 8, o.valid_every = 1, o.patience = 2;
    ns_model *m = NULL;
    ns_error err;
    CHECK_EQ(ns_model_create(&m, ns_corpus_vocab(c), &o, &err), NS_OK);
    if (!m) return;
    valid_watch w = {m, 0, 0, 0};
    ns_train_hooks h = {scramble_after_first, &w, 1000, NULL, 0, 0};
    CHECK_EQ(ns_train_words(m, c, questions, &o, &h, &err), NS_OK);
    double now = analogy_accuracy(m, questions);
    printf("skipgram validation: %d validations, best %.3f, last %.3f; the model's %.3f\n", w.validations, w.best,
           w.last, now);
    CHECK_EQ(w.validations, 3); /* stopped two after the scrambling */
    CHECK(w.best >= 0.9 && w.last < w.best);
    CHECK_NEAR(now, w.best, 1e-12);
    CHECK_EQ(m->run.done, ns_corpus_tokens(c)); /* the model is the state after epoch 1 */
    /* A missing or useless questions file fails before any work. */
    ns_model_free(m);
    CHECK_EQ(ns_model_create(&m, ns_corpus_vocab(c), &o, &err), NS_OK);
    if (!m) return;
    CHECK_EQ(ns_train_words(m, c, tmp_path("no-such-questions.txt"), &o, NULL, &err), NS_EIO);
    CHECK_CONTAINS(err.msg, "no-such-questions.txt");
    const char *useless = tmp_path("useless-questions.txt");
    FILE *f = fopen(useless, "w");
    fputs(": none\nxx yy zz ww\n", f);
    fclose(f);
    CHECK_EQ(ns_train_words(m, c, useless, &o, NULL, &err), NS_EEMPTY);
    CHECK_CONTAINS(err.msg, "no question has its four words among the 30000 most frequent");
    CHECK_EQ(m->run.done, 0);
    ns_model_free(m);
}


/* ---- subwords ------------------------------------------------------------ */

/* The loss of the two block updates the sentence "abcd wxyz" makes (window
 * 1, one negative: with two words it is the other one): each word's bag
 * mean predicts the other word, against itself. */
static double two_word_loss(const ns_model *m) {
    float h[2][16];
    double l = 0;
    for (int w = 0; w < 2; w++) ns__word_vector(m, ns_vocab_word(m->vocab, w), 4, h[w]);
    for (int ctx = 0; ctx < 2; ctx++) {
        double pos = 0, neg = 0;
        for (int k = 0; k < m->dim; k++)
            pos += (double)h[ctx][k] * ns__out_row(m, 1 - ctx)[k], neg += (double)h[ctx][k] * ns__out_row(m, ctx)[k];
        l += log1p(exp(-pos)) + log1p(exp(neg));
    }
    return l;
}

/* One pass over "abcd wxyz" at a small constant lr moves every parameter
 * by -lr times its gradient, a bag row's by the gradient of the bag mean
 * (fastText adds it to every row of the bag, undivided: n times the row's
 * own gradient), against central differences of the loss at the start. */
static void bag_gradient(void) {
    const char *path = tmp_path("bag.txt");
    FILE *f = fopen(path, "w");
    fprintf(f, "abcd wxyz\n");
    fclose(f);
    ns_corpus_opts co;
    ns_corpus_opts_default(&co);
    co.min_count = 1;
    ns_corpus *c = NULL;
    ns_error err;
    CHECK_EQ(ns_corpus_load(&c, path, &co, NULL, &err), NS_OK);
    if (!c) return;
    ns_train_opts o;
    ns_train_opts_default(&o, NS_TASK_SKIPGRAM);
    o.dim = 5, o.window = 1, o.neg = 1, o.sample = 0, o.epochs = 1, o.threads = 1, o.lr = 1e-3, o.min_lr_frac = 1;
    o.minn = 2, o.maxn = 3, o.bucket = 100000;
    ns_model *m = NULL;
    CHECK_EQ(ns_model_create(&m, ns_corpus_vocab(c), &o, &err), NS_OK);
    if (!m) {
        ns_corpus_free(c);
        return;
    }
    /* "<abcd>", "<wxyz>": 5 bigrams and 4 trigrams each, all in distinct
     * buckets (no row in two bags or twice in one) */
    CHECK_EQ(m->bag_off[1] - m->bag_off[0], 10);
    CHECK_EQ(m->bag_off[2] - m->bag_off[1], 10);
    for (int64_t i = 0; i < m->bag_off[2]; i++)
        for (int64_t j = 0; j < i; j++) CHECK(m->bag[i] != m->bag[j]);
    ns_rng rng;
    ns__rng_seed(&rng, 7, 0);
    for (int w = 0; w < 2; w++)
        for (int k = 0; k < o.dim; k++) ns__out_row(m, w)[k] = ns__rng_float(&rng) - 0.5f;
    for (int32_t r = 0; r < ns__in_rows(m); r++)
        for (int k = 0; k < o.dim; k++) ns__in_row(m, r)[k] = ns__rng_float(&rng) - 0.5f;
    /* parameters: the 20 bag rows, then the 2 output rows, dim floats each */
    enum { NP = 22 * 5 };
    float *at[NP], start[NP];
    double want[NP];
    for (int p = 0; p < NP; p++) {
        int i = p / 5, k = p % 5;
        at[p] = (i < 20 ? ns__in_row(m, m->bag[i]) : ns__out_row(m, i - 20)) + k;
        float x0 = start[p] = *at[p];
        *at[p] = x0 + 1e-3f;
        double lp = two_word_loss(m);
        *at[p] = x0 - 1e-3f;
        double lm = two_word_loss(m);
        *at[p] = x0;
        want[p] = -o.lr * (lp - lm) / 2e-3 * (i < 20 ? 10 : 1);
    }
    CHECK_EQ(ns_train_words(m, c, NULL, &o, NULL, &err), NS_OK);
    double worst = 0, largest = 0;
    for (int p = 0; p < NP; p++) {
        double got = (double)*at[p] - start[p];
        if (fabs(got - want[p]) > worst) worst = fabs(got - want[p]);
        if (fabs(want[p]) > largest) largest = fabs(want[p]);
    }
    printf("subwords: bag update vs finite differences: largest step %.3g, worst difference %.3g\n", largest, worst);
    CHECK(largest > 1e-4);
    CHECK(worst < 0.02 * largest);
    ns_model_free(m);
    ns_corpus_free(c);
}

/* Words held out of the toy text (one role word of each of five nations)
 * get vectors from their n-grams that sit with the words they share a
 * morpheme with (their four nearest are of their nation or their role; by
 * chance one in five is) and answer analogies in their role ("X-ish : held-out X-coin :: Y-ish : ?" is Y-coin). */
static void subwords_held_out(const char *corpus, ns_task task) {
    ns_corpus *full = load(corpus, 1, NULL);
    CHECK(full != NULL);
    if (!full) return;
    static const char *const suffix[5] = {"land", "ville", "ish", "coin", "folk"};
    const ns_vocab *fv = ns_corpus_vocab(full);
    char stems[16][32];
    int nstems = 0;
    for (int32_t i = 0; i < ns_vocab_size(fv) && nstems < 16; i++) {
        const char *w = ns_vocab_word(fv, i);
        size_t n = strlen(w);
        if (n > 4 && n < 30 && strcmp(w + n - 4, "land") == 0) snprintf(stems[nstems++], 32, "%.*s", (int)(n - 4), w);
    }
    ns_corpus_free(full);
    CHECK(nstems >= 10);
    if (nstems < 10) return;
    /* nation i < 5 loses its role-i word */
    char held[5][64];
    for (int i = 0; i < 5; i++) snprintf(held[i], sizeof held[i], "%s%s", stems[i], suffix[i]);
    const char *text = tmp_path(task == NS_TASK_CBOW ? "toy-held-cbow.txt" : "toy-held.txt");
    FILE *in = fopen(corpus, "r"), *out = fopen(text, "w");
    char word[256];
    int c, n = 0;
    while ((c = fgetc(in)) != EOF) {
        if (c != ' ' && c != '\n' && n < 255) {
            word[n++] = (char)c;
            continue;
        }
        word[n] = '\0';
        int drop = 0;
        for (int i = 0; i < 5; i++) drop |= strcmp(word, held[i]) == 0;
        if (n && !drop) fprintf(out, "%s ", word);
        if (c == '\n') fputc('\n', out);
        n = 0;
    }
    fclose(in), fclose(out);
    ns_corpus *ct = load(text, 1, NULL);
    CHECK(ct != NULL);
    if (!ct) return;
    ns_train_opts o;
    ns_train_opts_default(&o, task);
    o.dim = 30, o.window = 4, o.sample = 1e-3, o.threads = 1, o.epochs = 5;
    o.minn = 3, o.maxn = 6, o.bucket = 20000;
    ns_model *m = NULL;
    ns_error err;
    CHECK_EQ(ns_model_create(&m, ns_corpus_vocab(ct), &o, &err), NS_OK);
    if (m) CHECK_EQ(ns_train_words(m, ct, NULL, &o, NULL, &err), NS_OK);
    ns_emb *e = NULL;
    if (m) CHECK_EQ(ns_emb_from_model(&e, m, &err), NS_OK);
    int near_ok = 0, analogies = 0, right = 0;
    for (int i = 0; e && i < 5; i++) {
        float v[30], a[30], cc[30];
        CHECK_EQ(ns_emb_find(e, held[i]), -1);
        CHECK_EQ(ns_emb_vector(e, held[i], v), 2);
        ns_hit hits[4];
        int32_t nh;
        CHECK_EQ(ns_emb_nearest(e, v, 4, NULL, 0, hits, &nh, &err), NS_OK);
        int shared = 0; /* neighbours of its nation or its role */
        for (int j = 0; j < nh; j++) {
            const char *w = ns_emb_word(e, hits[j].id);
            size_t wl = strlen(w), sl = strlen(suffix[i]);
            shared += strncmp(w, stems[i], strlen(stems[i])) == 0 || (wl > sl && strcmp(w + wl - sl, suffix[i]) == 0);
        }
        near_ok += shared == 4;

        /* stems[i] + suffix[r] : held[i] :: stems[y] + suffix[r] : stems[y] + suffix[i] */
        for (int y = 5; y < nstems; y++) {
            int r = (i + 1) % 5;
            char wa[40], wc[40], wd[40];
            snprintf(wa, sizeof wa, "%s%s", stems[i], suffix[r]);
            snprintf(wc, sizeof wc, "%s%s", stems[y], suffix[r]);
            snprintf(wd, sizeof wd, "%s%s", stems[y], suffix[i]);
            int32_t ia = ns_emb_find(e, wa), ic = ns_emb_find(e, wc), id = ns_emb_find(e, wd);
            if (ia < 0 || ic < 0 || id < 0) continue;
            ns_emb_vector(e, wa, a), ns_emb_vector(e, wc, cc);
            int32_t ex[2] = {ia, ic};
            ns_hit h1;
            CHECK_EQ(ns_emb_analogy_vectors(e, a, v, cc, ex, 2, NS_ANALOGY_ADD, 0, 1, &h1, &nh, &err), NS_OK);
            analogies++;
            right += nh == 1 && h1.id == id;
        }
    }
    printf("subwords (%s): held-out words whose 4 nearest share a morpheme %d of 5, their analogies %d of %d\n",
           task == NS_TASK_CBOW ? "cbow" : "skip-gram", near_ok, right, analogies);
    CHECK(near_ok >= 4);
    CHECK(analogies >= 20 && right >= 0.8 * analogies);
    ns_emb_free(e);
    ns_model_free(m);
    ns_corpus_free(ct);
}

int main(void) {
    auto_sample();
    bag_gradient();
    const char *gen = getenv("NS_TOYCORPUS");
    char cmd[16384];
    const char *dir = tmp_path("");
    snprintf(cmd, sizeof cmd, "'%s' '%s' 20000 15 3", gen ? gen : "ns-toycorpus", dir);
    if (system(cmd) != 0) {
        fprintf(stderr, "cannot run %s\n", cmd);
        return 1;
    }
    char corpus[4096], questions[4096], stream[4096];
    snprintf(corpus, sizeof corpus, "%s/toy.txt", dir);
    snprintf(questions, sizeof questions, "%s/toy-analogy.txt", dir);
    snprintf(stream, sizeof stream, "%s/toy-stream.txt", dir);
    ns_corpus *c = load(corpus, 1, NULL);
    CHECK(c != NULL);
    if (!c) return check_exit("test_train");

    { /* The model keeps the threshold -sample auto gave this corpus. */
        ns_train_opts o;
        ns_train_opts_default(&o, NS_TASK_SKIPGRAM);
        o.dim = 8, o.epochs = 1, o.threads = 1;
        ns_model *d = NULL;
        ns_error err;
        CHECK_EQ(ns_model_create(&d, ns_corpus_vocab(c), &o, &err), NS_OK);
        if (d) CHECK_EQ(ns_train_words(d, c, NULL, &o, NULL, &err), NS_OK);
        int64_t total = ns_vocab_total(ns_corpus_vocab(c));
        if (d) CHECK_NEAR(ns_model_opts(d)->sample, 1000.0 / (double)total, 0);
        CHECK(total < 10000000);
        ns_model_free(d);
    }

    record r1, r2;
    ns_model *a = train(c, NS_TASK_SKIPGRAM, 1, 1, &r1), *b = train(c, NS_TASK_SKIPGRAM, 1, 1, &r2);
    CHECK(a && b);
    CHECK(same_tables(a, b)); /* one thread + same seed = same bits */
    ns_model_free(b);
    b = train(c, NS_TASK_SKIPGRAM, 1, 2, &r2);
    CHECK(!same_tables(a, b));
    ns_model_free(b);
    CHECK_EQ(r1.epochs_reported, 5);
    printf("skipgram: epoch loss %.4f -> %.4f\n", r1.first_loss, r1.last_loss);
    CHECK(r1.last_loss < 0.9 * r1.first_loss);
    double acc = analogy_accuracy(a, questions);
    printf("skipgram: planted analogies %.1f%%\n", 100 * acc);
    CHECK(acc >= 0.9);

    record rc;
    ns_model *cb = train(c, NS_TASK_CBOW, 1, 1, &rc);
    CHECK(cb != NULL);
    acc = cb ? analogy_accuracy(cb, questions) : -1;
    printf("cbow: epoch loss %.4f -> %.4f, planted analogies %.1f%%\n", rc.first_loss, rc.last_loss, 100 * acc);
    CHECK(rc.last_loss < rc.first_loss);
    CHECK(acc >= 0.8);
    ns_model_free(cb);
    words_validation(c, questions);
    subwords_held_out(corpus, NS_TASK_SKIPGRAM);
    subwords_held_out(corpus, NS_TASK_CBOW);

    /* Held-out text of the same language: same world seed, other sentences. */
    char heldout_dir[4096], heldout[4200];
    snprintf(heldout_dir, sizeof heldout_dir, "%s/heldout", dir);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s' && '%s' '%s' 2000 15 3 99", heldout_dir,
             gen ? gen : "ns-toycorpus", heldout_dir);
    CHECK(system(cmd) == 0);
    snprintf(heldout, sizeof heldout, "%s/toy.txt", heldout_dir);
    nce_self_normalises(c, heldout);

    /* The same text with no line breaks, two threads: every epoch covers
     * every token (word2vec skips epochs on such a file). */
    snprintf(cmd, sizeof cmd, "tr '\\n' ' ' < '%s' > '%s'", corpus, stream);
    CHECK(system(cmd) == 0);
    ns_corpus *s = load(stream, 1, NULL);
    CHECK(s != NULL);
    if (s) {
        CHECK_EQ(ns_corpus_sentences(s), (ns_corpus_tokens(s) + 999) / 1000);
        CHECK_EQ(ns_corpus_tokens(s), ns_corpus_tokens(c));
        record rs;
        ns_model *m = train(s, NS_TASK_SKIPGRAM, 2, 1, &rs);
        CHECK(m != NULL);
        CHECK_EQ(rs.epochs_reported, 5);
        CHECK_EQ(rs.tokens_done, 5 * ns_corpus_tokens(s));
        ns_model_free(m);
        ns_corpus_free(s);
    }

    /* Continued training: new words appended, old ids kept, vectors move. */
    const char *more = tmp_path("toy-more.txt");
    FILE *f = fopen(more, "w");
    for (int i = 0; i < 400; i++) fprintf(f, "brandnew the mayor %s\n", ns_vocab_word(a->vocab, i % 20));
    fclose(f);
    ns_corpus *c2 = load(more, 1, a->vocab);
    CHECK(c2 != NULL);
    if (c2) {
        int32_t old = a->rows;
        float before[24];
        memcpy(before, ns_model_row(a, 0, 3), sizeof before);
        ns_error err;
        CHECK_EQ(ns_model_extend(a, ns_corpus_vocab(c2), &err), NS_OK);
        CHECK_EQ(a->rows, old + 1);
        CHECK(strcmp(ns_vocab_word(a->vocab, old), "brandnew") == 0);
        ns_train_opts o = a->opts;
        o.epochs = 1;
        CHECK_EQ(ns_train_words(a, c2, NULL, &o, NULL, &err), NS_OK);
        CHECK(memcmp(before, ns_model_row(a, 0, 3), sizeof before) != 0);
        for (int32_t i = 0; i < old; i++) CHECK(strcmp(ns_vocab_word(a->vocab, i), ns_vocab_word(ns_corpus_vocab(c), i)) == 0);
        ns_corpus_free(c2);
    }
    ns_model_free(a);
    ns_corpus_free(c);
    return check_exit("test_train");
}
