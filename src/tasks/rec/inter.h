/*
 * inter.h - the layout of recommendation data (see inter.c), shared with
 * the recommender's trainer, evaluation and model file.
 */
#ifndef NS_INTER_H
#define NS_INTER_H

#include "negsamp.h"

struct ns_inter {
    ns_vocab *users, *items;
    int64_t n;          /* positives */
    int64_t *start;     /* user u's positives are [start[u], start[u+1]) of: */
    int32_t *seq;       /* items in time order */
    int32_t *sorted;    /* the same items in id order */
    ns_inter_stats stats;
    ns_inter_opts opts;  /* how the data was read */
};

/* Interactions over copies of `users` and `items` from CSR tables (start:
 * users + 1 offsets, seq: items per user in time order). */
ns_status ns__inter_from_csr(ns_inter **out, const ns_vocab *users, const ns_vocab *items, const int64_t *start,
                             const int32_t *seq, ns_error *err);

#endif
