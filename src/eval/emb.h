/*
 * emb.h - layout of read-only embeddings for queries and evaluation.
 */
#ifndef NS_EMB_H
#define NS_EMB_H

#include "negsamp.h"
#include "kernels/kernels.h"

struct ns_emb {
    ns_vocab *vocab;     /* words in file order (counts unused) */
    int32_t n, dim, klen;
    int32_t cap;         /* rows allocated */
    float *rows;         /* cap x klen: n rows L2-normalised, zero padding */
    float *norm;         /* per row, its length before (row x norm: the
                            vector as trained, for classifiers) */
    const ns_kernels *k;
    /* From a subword model: its n-gram rows (raw, stride floats apart) in
     * ngram_mem, which the emb owns; minn..maxn, buckets (0: none). */
    int32_t minn, maxn, buckets, ngram_stride;
    float *ngram_mem;
    const float *ngram;
    int oov_ngrams; /* evaluations answer words outside the table (1) */
};

/* ns_emb_from_model, with the n-gram rows (with_ngrams) or without (a
 * validation's queries need only the words). */
ns_status ns__emb_from_model(ns_emb **out, const ns_model *m, int with_ngrams, ns_error *err);

/* Cosines of row `id`'s vector with rows [0, n): out[0..n). */
void ns__emb_sims(const ns_emb *e, const float *unit_query, int32_t n, float *out);

/* ns_eval_analogy with the size limit of its similarity cache (bytes). */
ns_status ns__eval_analogy(const ns_emb *e, const char *path, int32_t restrict_n,
                           int case_sensitive, double max_cache_bytes, ns_analogy_report *out,
                           ns_error *err);

#endif
