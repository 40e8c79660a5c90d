/*
 * corpus.h - corpora built in memory rather than read from text.
 */
#ifndef NS_CORPUS_H
#define NS_CORPUS_H

#include "negsamp.h"

#include "core/core.h"

/* What a client of the word trainer brings (item2vec's recommender):
 * how a checkpoint is written (it saves itself, interactions included)
 * and, optionally, a validation every o->valid_every epochs (higher is
 * better; the model ends as the best validated state). */
typedef struct ns__words_client {
    ns_status (*save)(void *data, const char *path, ns_error *err);
    ns_status (*validate)(void *data, double *metric, ns_error *err); /* NULL: none */
    const char *metric; /* the validation's name */
    void *data;
} ns__words_client;

/* ns_train_words validates on analogy questions within this many of the
 * most frequent words (eval-analogy's -restrict default, gensim's and
 * word2vec's compute-accuracy's). */
#define NS_VALID_ANALOGY_WORDS 30000

/* ns_train_words for a client (NULL: ns_model_save, no validation). */
ns_status ns__train_words(ns_model *m, const ns_corpus *c, const ns_train_opts *o, const ns_train_hooks *h,
                          const ns__words_client *client, ns_error *err);

/* Where the word trainer's sentences come from: a corpus, or sentences
 * made as they are needed (a graph's walks). Sentence i of an epoch (i <
 * n) is get(data, i, rng, buf, &len): a pointer to its ids, into the
 * source's memory or into buf (room for max_len ids), made with the
 * worker's random stream. `order` (may be NULL) is a permutation of
 * 0..n-1 the engine reshuffles per worker every epoch: the worker's k-th
 * sentence is order[k]. len(data, i) is what sentence i counts for in the
 * schedule and the shards; NULL: max_len each (walks, which may stop
 * early), so that an epoch is always n x max_len units. */
typedef struct ns__sentences {
    int64_t n, tokens, max_len;
    const int32_t *(*get)(const void *data, int64_t i, ns_rng *rng, int32_t *buf, int64_t *len);
    int64_t (*len)(const void *data, int64_t i);
    int64_t *order;
    const void *data;
    /* Neighbours of each word id, sorted (a graph's), for MCMC negatives'
     * proposals; NULL: none. */
    const int64_t *off;
    const int32_t *adj;
    /* How the sentences were read, recorded on the model once the options
     * are accepted; NULL: the model's record stays. */
    const ns_corpus_opts *reading;
} ns__sentences;

/* ns__train_words over a source whose vocabulary is the model's. */
ns_status ns__train_words_from(ns_model *m, const ns__sentences *src, const ns_train_opts *o, const ns_train_hooks *h,
                               const ns__words_client *client, ns_error *err);

/* How the corpus was read (ns__corpus_from_ids: the defaults). */
void ns__corpus_opts_of(const ns_corpus *c, ns_corpus_opts *out);

/* A corpus over a copy of `vocab` whose sentence s is
 * ids[start[s] .. start[s+1]) (copied); empty sentences are left out. */
ns_status ns__corpus_from_ids(ns_corpus **out, const ns_vocab *vocab, const int64_t *start, int64_t n_sent,
                              const int32_t *ids, ns_error *err);

#endif
