/*
 * model.h - the model's layout, shared by the trainer and the file code.
 *
 * Two tables: `in`, `rows` vectors (the word/anchor/left vectors users
 * export) indexed by `vocab`, and `out`, `rows_out` vectors (the output side
 * that positives and negatives are scored against) indexed by `vocab_out`,
 * which is NULL when both sides share `vocab` (words; pairs with a shared
 * vocabulary; then rows_out = rows). Each row starts on a 64-byte boundary (stride = dim rounded up to
 * 16 floats); kernels run over klen = dim rounded up to 8 floats, whose
 * padding is zero and stays zero.
 */
#ifndef NS_MODEL_H
#define NS_MODEL_H

#include "negsamp.h"

#include "core/progress.h"
#include "kernels/kernels.h"
#include "sample/sample.h"

struct ns_model {
    ns_vocab *vocab;
    ns_vocab *vocab_out; /* NULL: shared with vocab */
    ns_train_opts opts;
    ns_corpus_opts corpus; /* words: how the training text was read */
    ns_pairs_opts pairs;   /* pairs: how the pairs were read */
    int is_graph;          /* trained on a graph (ns_graph_train): ... */
    ns_graph_opts graph;   /* ... with these graph options */
    int32_t dim, klen, stride;
    int32_t rows, rows_out;
    /* Subwords (opts.maxn > 0): the input table has `buckets` n-gram rows
     * after the `rows` word rows, and word w's input vector is the mean of
     * the input rows bag[bag_off[w] .. bag_off[w + 1]): its own row w, then
     * rows + the bucket of each of its n-grams (fastText's order, repeats
     * kept). Built from the vocabulary and the options, never stored. */
    int32_t buckets;
    int64_t *bag_off;
    int32_t *bag;
    int32_t bag_max; /* the largest bag */
    float *in, *out;
    float *bias; /* per output row, or NULL (opts.bias off) */
    ns__run_state run; /* how far its training has come */
    /* While a validated run keeps a best state (and in the checkpoints it
     * writes): copies of in, out and bias, one after the other, and the run
     * state they were taken at (best_run.done = 0: none). */
    float *best;
    ns__run_state best_run;
};

static inline const ns_vocab *ns__out_vocab(const ns_model *m) {
    return m->vocab_out ? m->vocab_out : m->vocab;
}

static inline float *ns__in_row(const ns_model *m, int32_t id) {
    return m->in + (size_t)id * (size_t)m->stride;
}
static inline float *ns__out_row(const ns_model *m, int32_t id) {
    return m->out + (size_t)id * (size_t)m->stride;
}
/* Rows of the input table: the words' and the n-gram buckets'. */
static inline int32_t ns__in_rows(const ns_model *m) { return m->rows + m->buckets; }

/* Word id's input vector: its row, or with subwords the mean of its bag's
 * rows written to buf (klen floats). */
const float *ns__in_vector(const ns_model *m, int32_t id, float *buf);

/* The input vector of any word (len bytes): a vocabulary word's as above;
 * another one's, with subwords, the mean of its n-gram rows. Returns the
 * number of rows averaged, 0 (buf zeroed) when the word has none. */
int ns__word_vector(const ns_model *m, const char *word, size_t len, float *buf);

/* Resizes the bias table to `rows` output entries, setting those from `from` on to
 * -ln k (k = opts.neg). On failure the old table is untouched. */
ns_status ns__model_bias_resize(ns_model *m, int32_t from, int32_t rows, ns_error *err);

/* Keeps (restore = 0) or brings back (1) the copy of the tables and biases
 * in m->best: a task's ns__task.snapshot. */
ns_status ns__model_snapshot(ns_model *m, int restore, ns_error *err);
/* The floats of m->best. */
size_t ns__model_state_floats(const ns_model *m);
/* Records `best` (NULL: none) as the run state of m->best, for a checkpoint
 * about to be written. */
ns_status ns__model_best_run(ns_model *m, const ns__run_state *best, ns_error *err);
/* Drops the best state (after a run: the model then is that state). */
void ns__model_best_drop(ns_model *m);
/* After a run that ended with status s: drops the best state, unless a
 * cancel left one for the checkpoint the caller may save. */
void ns__model_best_done(ns_model *m, ns_status s);

/* NS_OK if `c` is a text over the vocabulary of word model `m` (same words
 * in the same order), else NS_EINVAL with a message. */
ns_status ns__model_check_corpus(const ns_model *m, const ns_corpus *c, ns_error *err);

/* An empty model of zero rows for `vocab` and `vocab_out` (NULL = shared),
 * both taken over (not copied) on success; with o->maxn > 0 (skip-gram,
 * CBOW) o->bucket n-gram rows and the bags. o is copied into m->opts
 * (without its noise weights). */
ns_status ns__model_alloc(ns_model **out, ns_vocab *vocab, ns_vocab *vocab_out, const ns_train_opts *o,
                          ns_error *err);

/* Losses that draw negatives from the noise distribution. */
static inline int ns__loss_samples(ns_loss l) {
    return l == NS_LOSS_SGNS || l == NS_LOSS_NCE || l == NS_LOSS_SOFTMAX_SAMPLED || l == NS_LOSS_BPR ||
           l == NS_LOSS_WARP;
}

static inline int ns__loss_is_softmax(ns_loss l) {
    return l == NS_LOSS_SOFTMAX_SAMPLED || l == NS_LOSS_SOFTMAX || l == NS_LOSS_INFONCE;
}

/* How a block update scores and learns. */
typedef struct ns_block {
    ns_loss loss;
    float lr;
    float scale;         /* scores are scale * A B^T (1 / temperature); 1 */
    float l2;            /* adds l2/2 * |row|^2 for every row in the block */
    const float *y;      /* labels per column (1, 0, ..., 0) for the logistic losses */
    const float *shift;  /* per column, subtracted from the scores, or NULL */
    float *const *bias;  /* per column, the output row's bias, or NULL */
    const int *pos;      /* softmax and pairwise losses: per row, the column of
                            its positive; NULL = column 0 for every row */
    float weight;        /* WARP: the weight of every hinge term */
} ns_block;

/* The block settings of a training run for output columns ids[0..nb): the
 * loss, lr, L2 and temperature of the options, labels y or positive columns
 * pos, and per column the NCE / sampled-softmax shift (from the noise, when
 * it has one) and the bias pointer when the model has biases (written to
 * shift[] and bias[], nb entries each). */
ns_block ns__block_for(const ns_model *m, const ns_train_opts *o, const ns_noise *noise, float lr,
                       const int32_t *ids, int nb, const float *y, const int *pos, float *shift, float **bias);

/* The block update at the heart of every trainer (HogBatch-style: the inputs
 * A share the outputs B, e.g. all context words of a window share the centre
 * word and its negatives). For the logistic losses b->y labels the columns;
 * for the softmax and pairwise (BPR, WARP) losses row i's positive is
 * column b->pos[i] (0 without pos) and every other column is a negative of
 * that row:
 *   S = scale A B^T + bias - shift    (per column)
 *   D = dL/dS                   (SGNS/NCE logistic, softmax or pairwise per row)
 *   dA = -lr (scale D B + l2 A) (written to dA, not applied: the caller
 *                                decides where it goes)
 *   B -= lr (scale D^T A + l2 B),  bias -= lr column sums of D
 *                               (applied, from the old A)
 * S and G hold na * nb floats, dA na rows of klen floats. Returns the loss
 * (with the l2 term). */
double ns__block_update(const ns_kernels *k, const ns_block *b, float *const *A, int na,
                        float *const *B, int nb, int klen, float *S, float *G, float *const *dA);

#endif
