/*
 * vocab.h - internal vocabulary operations used by the corpus reader and the
 * model files.
 */
#ifndef NS_VOCAB_H
#define NS_VOCAB_H

#include "negsamp.h"

/* Sorts the words from id `keep` on by count (descending, ties by bytes),
 * drops those with count < min_count and then all beyond max_size words in
 * total (0 = no limit). Ids below `keep` never move or go. If map is
 * non-NULL, *map receives a malloc'ed array old id -> new id (-1 = dropped)
 * of the old size. */
ns_status ns__vocab_prune(ns_vocab *v, int32_t keep, int64_t min_count, int32_t max_size, int32_t **map,
                          ns_error *err);
/* The first id below n at which a and b hold different words, or -1 (both
 * must have at least n words). */
int32_t ns__vocab_first_difference(const ns_vocab *a, const ns_vocab *b, int32_t n);
/* Whether a and b hold the same words in the same order (counts aside). */
int ns__vocab_same(const ns_vocab *a, const ns_vocab *b);
/* Deep copy. */
ns_status ns__vocab_clone(ns_vocab **out, const ns_vocab *v, ns_error *err);
/* Replaces the count of an existing id. */
void ns__vocab_set_count(ns_vocab *v, int32_t id, int64_t count);

#endif
