/*
 * corpus.h - corpora built in memory rather than read from text.
 */
#ifndef NS_CORPUS_H
#define NS_CORPUS_H

#include "negsamp.h"

/* ns_train_words with the checkpoint written by save_fn(save_data, path)
 * (item2vec's recommender saves itself, interactions included). */
ns_status ns__train_words(ns_model *m, const ns_corpus *c, const ns_train_opts *o, const ns_train_hooks *h,
                          ns_status (*save_fn)(void *save_data, const char *path, ns_error *err), void *save_data,
                          ns_error *err);

/* How the corpus was read (ns__corpus_from_ids: the defaults). */
void ns__corpus_opts_of(const ns_corpus *c, ns_corpus_opts *out);

/* A corpus over a copy of `vocab` whose sentence s is
 * ids[start[s] .. start[s+1]) (copied); empty sentences are left out. */
ns_status ns__corpus_from_ids(ns_corpus **out, const ns_vocab *vocab, const int64_t *start, int64_t n_sent,
                              const int32_t *ids, ns_error *err);

#endif
