/*
 * rank.h - the one ranking rule of every ranking evaluation (pairs,
 * recommendation, knowledge graphs) and the metrics read off its ranks.
 *
 * The rank of a target among the candidates' scores is
 *
 *     1 + #(candidates above it) + #(other candidates level with it) / 2,
 *
 * its mean position over the orders that break ties at random: a model that
 * scores everything alike puts every target in the middle, never first.
 * A NaN score is no candidate, so a caller leaves a candidate out (a known
 * answer of a filtered ranking, a training positive) by setting its score
 * to NaN; a target whose own score is NaN (a diverged model) gets rank n,
 * the worst there is. Lists shown to a user (ns_rec_recommend,
 * ns_kg_predict, ns_emb_nearest) order ties by the lower id instead: that
 * is an order to print, not a metric.
 */
#ifndef NS_RANK_H
#define NS_RANK_H

#include "negsamp.h"

/* The rank of s[target] among s[0..n). O(n). */
double ns__rank_one(const float *s, int32_t n, int32_t target);

/* The ranks of the targets t[0..nt) (distinct ids, scores not NaN) among
 * s[0..n), each target also a candidate of the others: its position in the
 * one list of all items, as Recall@K and NDCG read it. t is sorted by
 * descending score in place and ranks[a] is t[a]'s, so the ranks ascend.
 * scratch: 2 (nt + 1) counters. O(n log nt + nt^2) (lists are short). */
void ns__rank_many(const float *s, int32_t n, int32_t *t, int64_t nt, int64_t *scratch, double *ranks);

/* Sums over rankings of one target each. */
typedef struct ns__rank_sums {
    int64_t n;
    double rank, rr;                /* sums of the ranks, of 1 / rank */
    int n_k;
    int32_t k[NS_RANK_MAX_K];
    int64_t hits[NS_RANK_MAX_K];   /* rankings with rank <= k[i] */
} ns__rank_sums;

/* Empty sums counting hits at ks[0..n_ks) (at most NS_RANK_MAX_K). */
void ns__rank_sums_init(ns__rank_sums *x, const int32_t *ks, int n_ks);
void ns__rank_sums_add(ns__rank_sums *x, double rank);

/* Recall@k (hits / nt), NDCG@k (sum over hits of 1 / log2(1 + rank), over
 * the ideal of min(k, nt) hits at ranks 1, 2, ...) and whether any target
 * is a hit, for one list whose nt targets have the ascending ranks. */
void ns__rank_list(const double *ranks, int64_t nt, int32_t k, double *recall, double *ndcg, int *hit);

#endif
