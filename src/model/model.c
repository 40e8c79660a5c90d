/*
 * model.c - model allocation, word2vec initialisation, growth for continued
 * training, and the shared block update.
 */
#include "model.h"

#include "core/core.h"
#include "data/vocab.h"
#include "loss/loss.h"
#include "tasks/words/subword.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int32_t round_up(int32_t x, int32_t m) { return (x + m - 1) / m * m; }

/* fastText gives its end-of-sentence token no n-grams; so do we, so that a
 * model means the same in both tools. */
static int has_ngrams(const char *w) { return strcmp(w, "</s>") != 0; }

/* The bags of the words (model.h), from the vocabulary and the options. */
static ns_status bags_build(ns_model *m, ns_error *err) {
    free(m->bag_off), free(m->bag);
    m->bag_off = NULL, m->bag = NULL;
    if (!m->buckets) return NS_OK;
    const ns_train_opts *o = &m->opts;
    int64_t total = 0;
    for (int32_t w = 0; w < m->rows; w++) {
        const char *word = ns_vocab_word(m->vocab, w);
        total += 1 + (has_ngrams(word) ? ns__ngram_buckets(word, strlen(word), o->minn, o->maxn, 1, NULL, 0) : 0);
    }
    m->bag_off = ns__malloc((size_t)m->rows + 1, sizeof *m->bag_off, "the words' n-gram lists", err);
    m->bag = m->bag_off ? ns__malloc((size_t)total, sizeof *m->bag, "the words' n-gram lists", err) : NULL;
    if (!m->bag) return NS_ENOMEM;
    int64_t at = 0;
    m->bag_max = 1;
    for (int32_t w = 0; w < m->rows; w++) {
        const char *word = ns_vocab_word(m->vocab, w);
        m->bag_off[w] = at;
        m->bag[at++] = w;
        if (!has_ngrams(word)) continue;
        uint32_t *b = (uint32_t *)(m->bag + at);
        int n = ns__ngram_buckets(word, strlen(word), o->minn, o->maxn, (uint32_t)m->buckets, b, (int)(total - at));
        for (int i = 0; i < n; i++) m->bag[at + i] = m->rows + (int32_t)b[i];
        at += n;
        if (n + 1 > m->bag_max) m->bag_max = n + 1;
    }
    m->bag_off[m->rows] = at;
    return NS_OK;
}

ns_status ns__model_alloc(ns_model **out, ns_vocab *vocab, ns_vocab *vocab_out, const ns_train_opts *o,
                          ns_error *err) {
    ns_model *m = ns__calloc(1, sizeof *m, "a model", err);
    if (!m) return NS_ENOMEM;
    m->vocab = vocab;
    m->vocab_out = vocab_out;
    m->opts = *o;
    m->opts.noise_weights = NULL; /* borrowed by the caller, not kept */
    ns_corpus_opts_default(&m->corpus);
    ns_pairs_opts_default(&m->pairs);
    m->dim = o->dim;
    m->klen = round_up(o->dim, 8);
    m->stride = round_up(o->dim, 16);
    m->rows = ns_vocab_size(vocab);
    m->rows_out = ns_vocab_size(ns__out_vocab(m));
    int sub = o->maxn > 0 && (o->task == NS_TASK_SKIPGRAM || o->task == NS_TASK_CBOW);
    if (sub && o->bucket > INT32_MAX - m->rows) {
        m->vocab = m->vocab_out = NULL;
        ns_model_free(m);
        return ns__fail(err, NS_EINVAL, "%d words and %d n-gram buckets: more than %d input rows", ns_vocab_size(vocab),
                        o->bucket, INT32_MAX);
    }
    m->buckets = sub ? o->bucket : 0;
    int ok, ok2;
    size_t cells = ns__mul_size((size_t)ns__in_rows(m), (size_t)m->stride, &ok);
    size_t cells_out = ns__mul_size((size_t)m->rows_out, (size_t)m->stride, &ok2);
    ns_status s = NS_ENOMEM;
    if (!ok || !ok2) ns__nomem(err, "the tables", ((double)ns__in_rows(m) + m->rows_out) * m->stride * sizeof(float));
    else if ((m->in = ns__aligned(cells, sizeof(float), "the input table", err)) &&
             (m->out = ns__aligned(cells_out, sizeof(float), "the output table", err)))
        s = bags_build(m, err);
    if (s != NS_OK) {
        m->vocab = m->vocab_out = NULL; /* the caller still owns them on failure */
        ns_model_free(m);
        return s;
    }
    *out = m;
    return NS_OK;
}

/* word2vec's initialisation of input rows [from, to): uniform in
 * [-0.5/dim, 0.5/dim), from a stream that depends only on seed and row. */
static void init_rows(ns_model *m, int32_t from, int32_t to) {
    for (int32_t r = from; r < to; r++) {
        ns_rng rng;
        ns__rng_seed(&rng, m->opts.seed, 0x100000000ULL + (uint64_t)r);
        float *row = ns__in_row(m, r);
        for (int32_t k = 0; k < m->dim; k++) row[k] = (ns__rng_float(&rng) - 0.5f) / (float)m->dim;
    }
}

ns_status ns__model_bias_resize(ns_model *m, int32_t from, int32_t rows, ns_error *err) {
    float *b = realloc(m->bias, (size_t)(rows ? rows : 1) * sizeof *b);
    if (!b) return ns__nomem(err, "the output biases", (double)rows * sizeof *b);
    m->bias = b;
    for (int32_t r = from; r < rows; r++) b[r] = -logf((float)m->opts.neg);
    return NS_OK;
}

ns_status ns_model_create_pairs(ns_model **out, const ns_vocab *left, const ns_vocab *right,
                                const ns_train_opts *o, ns_error *err) {
    ns__err_clear(err);
    ns_status s = ns_train_opts_check(o, err);
    if (s != NS_OK) return s;
    if (ns_vocab_size(left) == 0 || (right && ns_vocab_size(right) == 0))
        return ns__fail(err, NS_EEMPTY, "empty vocabulary");
    ns_vocab *v, *vo = NULL;
    if ((s = ns__vocab_clone(&v, left, err)) != NS_OK) return s;
    if (right && (s = ns__vocab_clone(&vo, right, err)) != NS_OK) {
        ns_vocab_free(v);
        return s;
    }
    ns_model *m;
    if ((s = ns__model_alloc(&m, v, vo, o, err)) != NS_OK) {
        ns_vocab_free(v), ns_vocab_free(vo);
        return s;
    }
    if (o->bias && (s = ns__model_bias_resize(m, 0, m->rows_out, err)) != NS_OK) {
        ns_model_free(m);
        return s;
    }
    init_rows(m, 0, ns__in_rows(m));
    *out = m;
    return NS_OK;
}

ns_status ns_model_create(ns_model **out, const ns_vocab *vocab, const ns_train_opts *o,
                          ns_error *err) {
    ns__err_clear(err);
    return ns_model_create_pairs(out, vocab, NULL, o, err);
}

void ns_model_free(ns_model *m) {
    if (!m) return;
    ns__run_state_free(&m->run);
    ns__model_best_drop(m);
    ns_vocab_free(m->vocab);
    ns_vocab_free(m->vocab_out);
    ns__free_aligned(m->in);
    ns__free_aligned(m->out);
    free(m->bias);
    free(m->bag_off), free(m->bag);
    free(m);
}

const ns_vocab *ns_model_vocab(const ns_model *m) { return m->vocab; }
const ns_vocab *ns_model_vocab_out(const ns_model *m) { return ns__out_vocab(m); }
int32_t ns_model_dim(const ns_model *m) { return m->dim; }
const ns_train_opts *ns_model_opts(const ns_model *m) { return &m->opts; }
const ns_graph_opts *ns_model_graph_opts(const ns_model *m) { return m->is_graph ? &m->graph : NULL; }

float *ns_model_row(ns_model *m, int which, int32_t id) {
    if (id < 0 || id >= (which ? m->rows_out : m->rows)) return NULL;
    return which ? ns__out_row(m, id) : ns__in_row(m, id);
}

ns_status ns__model_check_corpus(const ns_model *m, const ns_corpus *c, ns_error *err) {
    if (m->vocab_out || m->opts.task == NS_TASK_PAIRS || m->opts.task == NS_TASK_REC)
        return ns__fail(err, NS_EINVAL, "not a word model (a pair model)");
    const ns_vocab *cv = ns_corpus_vocab(c);
    if (ns_vocab_size(cv) != m->rows)
        return ns__fail(err, NS_EINVAL, "corpus vocabulary (%d words) is not the model's (%d)",
                        ns_vocab_size(cv), m->rows);
    int32_t d = ns__vocab_first_difference(cv, m->vocab, m->rows);
    if (d >= 0) return ns__fail(err, NS_EINVAL, "corpus vocabulary differs from the model's at id %d", d);
    return NS_OK;
}

ns_status ns_model_extend(ns_model *m, const ns_vocab *vocab, ns_error *err) {
    ns__err_clear(err);
    int32_t old = m->rows, n = ns_vocab_size(vocab);
    if (m->vocab_out)
        return ns__fail(err, NS_EINVAL, "a model with separate left and right vocabularies cannot be extended");
    if (n < old)
        return ns__fail(err, NS_EINVAL, "new vocabulary (%d words) is smaller than the model's (%d)",
                        n, old);
    int32_t d = ns__vocab_first_difference(vocab, m->vocab, old);
    if (d >= 0) return ns__fail(err, NS_EINVAL, "new vocabulary differs from the model's at id %d", d);
    /* Everything that can fail comes before the model changes: the bias
     * table grows in place (its old entries stay valid), the rest is new. */
    ns_status s = m->bias ? ns__model_bias_resize(m, old, n, err) : NS_OK;
    if (s != NS_OK) return s;
    ns_vocab *v;
    if ((s = ns__vocab_clone(&v, vocab, err)) != NS_OK) return s;
    int ok, ok2;
    size_t cells = ns__mul_size((size_t)n, (size_t)m->stride, &ok);
    size_t cells_in = ns__mul_size((size_t)n + (size_t)m->buckets, (size_t)m->stride, &ok2);
    float *in = NULL, *out = NULL;
    int64_t *bag_off = m->bag_off;
    int32_t *bag = m->bag;
    if (m->buckets && n > INT32_MAX - m->buckets)
        s = ns__fail(err, NS_EINVAL, "%d words and %d n-gram buckets: more than %d input rows", n, m->buckets, INT32_MAX);
    else if (!ok || !ok2)
        s = ns__nomem(err, "the grown tables", (2.0 * n + m->buckets) * m->stride * sizeof(float));
    else if ((in = ns__aligned(cells_in, sizeof(float), "the grown input table", err)))
        out = ns__aligned(cells, sizeof(float), "the grown output table", err);
    if (s == NS_OK && in && out) {
        /* The bags of the new vocabulary, the old ones kept until they are built. */
        ns_vocab *old_v = m->vocab;
        m->vocab = v, m->rows = n, m->bag_off = NULL, m->bag = NULL;
        s = bags_build(m, err);
        m->vocab = old_v, m->rows = old;
        if (s != NS_OK) free(m->bag_off), free(m->bag);
    }
    if (s != NS_OK || !in || !out) {
        m->bag_off = bag_off, m->bag = bag;
        ns__free_aligned(in), ns__free_aligned(out), ns_vocab_free(v);
        return s != NS_OK ? s : NS_ENOMEM;
    }
    free(bag_off), free(bag);
    size_t row_bytes = (size_t)m->stride * sizeof(float);
    memcpy(in, m->in, (size_t)old * row_bytes);
    memcpy(in + (size_t)n * (size_t)m->stride, m->in + (size_t)old * (size_t)m->stride, (size_t)m->buckets * row_bytes);
    memcpy(out, m->out, (size_t)old * row_bytes);
    ns__free_aligned(m->in), ns__free_aligned(m->out), ns_vocab_free(m->vocab);
    m->in = in, m->out = out, m->vocab = v, m->rows = m->rows_out = n;
    init_rows(m, old, n);
    ns__run_state_free(&m->run); /* new text: a new run */
    ns__model_best_drop(m);
    return NS_OK;
}

size_t ns__model_state_floats(const ns_model *m) {
    return ((size_t)ns__in_rows(m) + (size_t)m->rows_out) * (size_t)m->stride + (m->bias ? (size_t)m->rows_out : 0);
}

ns_status ns__model_snapshot(ns_model *m, int restore, ns_error *err) {
    if (!m->best && (restore || !(m->best = ns__aligned(ns__model_state_floats(m), sizeof(float),
                                                          "the best state's tables", err))))
        return restore ? ns__fail(err, NS_EINVAL, "no best state to restore") : NS_ENOMEM;
    size_t len[3] = {(size_t)ns__in_rows(m) * (size_t)m->stride, (size_t)m->rows_out * (size_t)m->stride,
                     m->bias ? (size_t)m->rows_out : 0};
    float *t[3] = {m->in, m->out, m->bias}, *b = m->best;
    for (int k = 0; k < 3; b += len[k], k++)
        if (len[k]) memcpy(restore ? t[k] : b, restore ? b : t[k], len[k] * sizeof(float));
    return NS_OK;
}

ns_status ns__model_best_run(ns_model *m, const ns__run_state *best, ns_error *err) {
    if (best) return ns__run_state_copy(&m->best_run, best, err);
    ns__run_state_free(&m->best_run);
    return NS_OK;
}

void ns__model_best_drop(ns_model *m) {
    ns__free_aligned(m->best);
    m->best = NULL;
    ns__run_state_free(&m->best_run);
}

void ns__model_best_done(ns_model *m, ns_status s) {
    if (s != NS_ECANCELED || m->best_run.done == 0) ns__model_best_drop(m);
}

ns_block ns__block_for(const ns_model *m, const ns_train_opts *o, const ns_noise *noise, float lr,
                       const int32_t *ids, int nb, const float *y, const int *pos, float *shift, float **bias) {
    ns_block b = {.loss = o->loss, .lr = lr, .scale = 1.0f, .l2 = (float)o->l2, .y = y, .pos = pos};
    if (o->loss == NS_LOSS_INFONCE) b.scale = (float)(1.0 / o->temperature);
    if (noise && noise->shift) {
        for (int j = 0; j < nb; j++) shift[j] = noise->shift[ids[j]];
        b.shift = shift;
    }
    if (m->bias) {
        for (int j = 0; j < nb; j++) bias[j] = m->bias + ids[j];
        b.bias = bias;
    }
    return b;
}

NS_HOGWILD double ns__block_update(const ns_kernels *k, const ns_block *b, float *const *A, int na,
                        float *const *B, int nb, int klen, float *S, float *G, float *const *dA) {
    k->scores((const float *const *)A, na, (const float *const *)B, nb, klen, S);
    if (b->scale != 1.0f)
        for (int t = 0; t < na * nb; t++) S[t] *= b->scale;
    for (int i = 0; i < na && (b->shift || b->bias); i++)
        for (int j = 0; j < nb; j++)
            S[i * nb + j] += (b->bias ? *b->bias[j] : 0.0f) - (b->shift ? b->shift[j] : 0.0f);
    double l;
    if (ns__loss_is_softmax(b->loss)) {
        l = ns__loss_softmax(S, G, na, nb, b->pos);
    } else if (b->loss == NS_LOSS_BPR || b->loss == NS_LOSS_WARP) {
        l = ns__loss_pairwise(S, G, na, nb, b->pos, b->loss == NS_LOSS_WARP, b->weight);
    } else {
        for (int i = 0; i < na; i++) memcpy(G + i * nb, b->y, (size_t)nb * sizeof(float));
        l = ns__loss_logistic(S, G, na * nb);
    }
    for (int t = 0; t < na * nb; t++) G[t] *= -b->lr;
    if (b->bias)
        for (int j = 0; j < nb; j++)
            for (int i = 0; i < na; i++) *b->bias[j] += G[i * nb + j];
    if (b->scale != 1.0f)
        for (int t = 0; t < na * nb; t++) G[t] *= b->scale;
    for (int i = 0; i < na; i++) memset(dA[i], 0, (size_t)klen * sizeof(float));
    k->gemm_acc(dA, na, (const float *const *)B, nb, G, nb, 1, klen);
    if (b->l2 > 0) {
        /* MAP with a Gaussian prior: l2/2 |row|^2 per row of the block. */
        float decay = -b->lr * b->l2, keep = 1.0f - b->lr * b->l2;
        for (int i = 0; i < na; i++) {
            l += 0.5 * b->l2 * k->dot(A[i], A[i], klen);
            k->gemm_acc(&dA[i], 1, (const float *const *)&A[i], 1, &decay, 0, 0, klen);
        }
        for (int j = 0; j < nb; j++) {
            l += 0.5 * b->l2 * k->dot(B[j], B[j], klen);
            for (int t = 0; t < klen; t++) B[j][t] *= keep;
        }
    }
    k->gemm_acc(B, nb, (const float *const *)A, na, G, 1, nb, klen);
    return l;
}

static void row_add(float *acc, const float *row, int klen) {
    for (int t = 0; t < klen; t++) acc[t] += row[t];
}

static void row_scale(float *acc, float s, int klen) {
    for (int t = 0; t < klen; t++) acc[t] *= s;
}

const float *ns__in_vector(const ns_model *m, int32_t id, float *buf) {
    if (!m->buckets) return ns__in_row(m, id);
    memset(buf, 0, (size_t)m->klen * sizeof(float));
    int64_t from = m->bag_off[id], to = m->bag_off[id + 1];
    for (int64_t i = from; i < to; i++) row_add(buf, ns__in_row(m, m->bag[i]), m->klen);
    row_scale(buf, 1.0f / (float)(to - from), m->klen);
    return buf;
}

int ns__word_vector(const ns_model *m, const char *word, size_t len, float *buf) {
    int32_t id = ns_vocab_find(m->vocab, word, len);
    if (id >= 0) {
        const float *v = ns__in_vector(m, id, buf);
        if (v != buf) memcpy(buf, v, (size_t)m->klen * sizeof(float));
        return m->buckets ? (int)(m->bag_off[id + 1] - m->bag_off[id]) : 1;
    }
    memset(buf, 0, (size_t)m->klen * sizeof(float));
    if (!m->buckets || len == 0) return 0;
    int n = ns__ngram_rows_add(word, len, m->opts.minn, m->opts.maxn, (uint32_t)m->buckets, ns__in_row(m, m->rows),
                               (size_t)m->stride, m->klen, buf);
    if (n > 0) row_scale(buf, 1.0f / (float)n, m->klen);
    return n;
}

int ns_model_word_vector(const ns_model *m, const char *word, size_t len, float *out) {
    float *buf = ns__alloc_aligned((size_t)m->klen, sizeof(float));
    if (!buf) {
        memset(out, 0, (size_t)m->dim * sizeof(float));
        return 0;
    }
    int n = ns__word_vector(m, word, len, buf);
    memcpy(out, buf, (size_t)m->dim * sizeof(float));
    ns__free_aligned(buf);
    return n;
}
