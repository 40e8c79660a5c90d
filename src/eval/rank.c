/*
 * rank.c - the ranking rule and its metrics (rank.h).
 *
 * ns__rank_many ranks several targets in one pass over the candidates: with
 * the targets sorted by descending score, a candidate scoring v is above
 * every target from the first one scoring below v on (a suffix) and level
 * with the run of targets scoring exactly v, so each candidate adds to two
 * difference arrays found by binary search, and prefix sums give every
 * target's counts.
 */
#include "eval/rank.h"

#include <math.h>
#include <string.h>

double ns__rank_one(const float *s, int32_t n, int32_t target) {
    float st = s[target];
    if (isnan(st)) return n;
    int64_t above = 0, level = 0;
    for (int32_t e = 0; e < n; e++) above += s[e] > st, level += s[e] == st;
    return 1.0 + (double)above + (double)(level - 1) / 2.0;
}

/* The first of t[0..nt) whose score is not above v. */
static int64_t first_not_above(const float *s, const int32_t *t, int64_t nt, float v) {
    int64_t lo = 0, hi = nt;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (s[t[mid]] <= v) hi = mid;
        else lo = mid + 1;
    }
    return lo;
}

void ns__rank_many(const float *s, int32_t n, int32_t *t, int64_t nt, int64_t *scratch, double *ranks) {
    for (int64_t a = 1; a < nt; a++) {
        int32_t v = t[a];
        int64_t b = a;
        while (b > 0 && (s[v] > s[t[b - 1]] || (s[v] == s[t[b - 1]] && v < t[b - 1]))) t[b] = t[b - 1], b--;
        t[b] = v;
    }
    int64_t *above = scratch, *level = scratch + nt + 1;
    memset(scratch, 0, (size_t)(2 * (nt + 1)) * sizeof *scratch);
    for (int32_t j = 0; j < n; j++) {
        float v = s[j];
        if (isnan(v)) continue;
        int64_t le = first_not_above(s, t, nt, v), lt = le;
        while (lt < nt && s[t[lt]] == v) lt++; /* the targets level with v */
        above[lt]++;
        level[le]++, level[lt]--;
    }
    int64_t acc_above = 0, acc_level = 0;
    for (int64_t a = 0; a < nt; a++) {
        acc_above += above[a], acc_level += level[a];
        ranks[a] = 1.0 + (double)acc_above + (double)(acc_level - 1) / 2.0;
    }
}

void ns__rank_sums_init(ns__rank_sums *x, const int32_t *ks, int n_ks) {
    memset(x, 0, sizeof *x);
    x->n_k = n_ks;
    for (int c = 0; c < n_ks; c++) x->k[c] = ks[c];
}

void ns__rank_sums_add(ns__rank_sums *x, double rank) {
    x->n++;
    x->rank += rank, x->rr += 1.0 / rank;
    for (int c = 0; c < x->n_k; c++) x->hits[c] += rank <= x->k[c];
}

void ns__rank_list(const double *ranks, int64_t nt, int32_t k, double *recall, double *ndcg, int *hit) {
    double dcg = 0, ideal = 0;
    int64_t hits = 0;
    for (int64_t a = 0; a < nt && ranks[a] <= k; a++) hits++, dcg += 1.0 / log2(1.0 + ranks[a]);
    for (int64_t a = 0; a < nt && a < k; a++) ideal += 1.0 / log2(2.0 + (double)a);
    *recall = (double)hits / (double)nt, *ndcg = dcg / ideal, *hit = hits > 0;
}
