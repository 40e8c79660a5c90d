/*
 * corpus.h - corpora built in memory rather than read from text.
 */
#ifndef NS_CORPUS_H
#define NS_CORPUS_H

#include "negsamp.h"

/* A corpus over a copy of `vocab` whose sentence s is
 * ids[start[s] .. start[s+1]) (copied); empty sentences are left out. */
ns_status ns__corpus_from_ids(ns_corpus **out, const ns_vocab *vocab, const int64_t *start, int64_t n_sent,
                              const int32_t *ids, ns_error *err);

#endif
