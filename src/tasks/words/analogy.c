/*
 * analogy.c - evaluation on a questions-words file (Mikolov et al. 2013):
 * ": section" lines, then "a b c d" meaning a : b :: c : d. A question is
 * covered when all four words are among the first `restrict_n` words (the
 * most frequent, in a frequency-sorted file, as gensim's restrict_vocab);
 * the answer is searched among the same words, a, b and c excluded, by
 * 3CosAdd and 3CosMul (see emb.c). Sections whose name starts with "gram"
 * are syntactic, the others semantic. With subword vectors (ns_emb_set_oov)
 * a, b and c outside those words get vectors (their row, or their n-grams'
 * when the table lacks them), kept as extra rows R, R + 1, ...; a question
 * is then covered when its answer d is among the first restrict_n words.
 *
 * The cosines of every distinct question word with every candidate are
 * computed once (about 900 distinct words x restrict_n), so each question
 * costs restrict_n additions instead of 3 restrict_n dot products. Where
 * that cache would pass 1 GiB, the three rows are computed per question.
 */
#include "eval/emb.h"

#include "core/core.h"
#include "core/parse.h"
#include "data/reader.h"
#include "data/vocab.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct question {
    int32_t w[4]; /* ids, -1 = unknown word */
    int32_t section;
} question;

typedef struct qset {
    question *q;
    int64_t n, cap;
    ns_analogy_section *sec;
    int32_t nsec, capsec;
    /* words answered outside the first R: their vectors (klen apart) */
    ns_vocab *extra;
    float *xv;
    int64_t xcap;
} qset;

/* Question word `tok`'s id: < R for a candidate word, R + j for the j-th
 * word with a vector outside them, -1 for none. */
static ns_status word_id(const ns_emb *e, qset *qs, const char *tok, int32_t R, int answer, int32_t *id,
                         ns_error *err) {
    int32_t t = ns_emb_find(e, tok);
    *id = t >= 0 && t < R ? t : -1;
    if (*id >= 0 || answer || !e->oov_ngrams || !e->buckets) return NS_OK;
    size_t len = strlen(tok);
    int32_t j = ns_vocab_find(qs->extra, tok, len);
    if (j >= 0) {
        *id = R + j;
        return NS_OK;
    }
    int32_t n = ns_vocab_size(qs->extra);
    if (!ns__grow((void **)&qs->xv, &qs->xcap, ((int64_t)n + 1) * e->klen, sizeof(float)))
        return ns__nomem(err, "the question vectors", ((double)n + 1) * e->klen * 8);
    float *v = qs->xv + (size_t)n * (size_t)e->klen;
    memset(v, 0, (size_t)e->klen * sizeof(float));
    if (ns_emb_vector(e, tok, v) == 0) return NS_OK;
    ns_status s = ns_vocab_add(qs->extra, tok, len, 0, NULL, err);
    if (s == NS_OK) *id = R + n;
    return s;
}

static ns_status add_section(qset *qs, const char *name, ns_error *err) {
    if (qs->nsec == qs->capsec) {
        int32_t cap = qs->capsec ? qs->capsec * 2 : 16;
        ns_analogy_section *t = realloc(qs->sec, (size_t)cap * sizeof *t);
        if (!t) return ns__nomem(err, "the analogy sections", (double)cap * sizeof *t);
        qs->sec = t;
        qs->capsec = cap;
    }
    ns_analogy_section *s = &qs->sec[qs->nsec++];
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", name);
    return NS_OK;
}

static ns_status read_questions(const ns_emb *e, const char *path, int32_t R, int case_sensitive,
                                qset *qs, ns_error *err) {
    ns_lines lr;
    ns_status s = ns__lines_open(&lr, path, err);
    if (s != NS_OK) return s;
    char *line;
    size_t len;
    int got;
    while (s == NS_OK && (got = ns__lines_next(&lr, &line, &len, err)) > 0) {
        char *p = line;
        while (*p == ' ' || *p == '\t') p++;
        if (!*p) continue;
        if (*p == ':') {
            p++;
            while (*p == ' ') p++;
            for (size_t n = strlen(p); n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t');) p[--n] = '\0';
            s = add_section(qs, p, err);
            continue;
        }
        if (qs->nsec == 0 && (s = add_section(qs, "questions", err)) != NS_OK) break;
        char *tok[4];
        int nt = ns__fields(p, 0, tok, 4);
        if (nt != 4) {
            s = ns__fail(err, NS_EFORMAT, "%s:%lld: expected 4 words, found %s%d", lr.name, lr.no,
                         nt > 4 ? "more than " : "", nt > 4 ? 4 : nt);
            break;
        }
        if (!ns__grow((void **)&qs->q, &qs->cap, qs->n + 1, sizeof *qs->q)) {
            s = ns__nomem(err, "the questions", (double)(qs->n + 1) * 2 * sizeof *qs->q);
            break;
        }
        question *q = &qs->q[qs->n++];
        q->section = qs->nsec - 1;
        for (int i = 0; i < 4 && s == NS_OK; i++) {
            if (!case_sensitive)
                for (char *c = tok[i]; *c; c++) *c = (char)tolower((unsigned char)*c);
            s = word_id(e, qs, tok[i], R, i == 3, &q->w[i], err);
        }
    }
    if (s == NS_OK && got < 0) s = got == -1 ? NS_EIO : ns__nomem(err, "a line", (double)lr.line_cap * 2);
    if (s == NS_OK && qs->n == 0) s = ns__fail(err, NS_EEMPTY, "%s: no questions in the file", lr.name);
    ns__lines_close(&lr);
    return s;
}

static void add_counts(ns_analogy_section *to, const ns_analogy_section *from) {
    to->questions += from->questions;
    to->covered += from->covered;
    to->correct_add += from->correct_add;
    to->correct_mul += from->correct_mul;
    to->oov += from->oov;
}

/* Answers one question from the cached similarity rows; returns 3CosAdd and
 * 3CosMul correctness in bits 0 and 1. */
static int answer(const question *q, float *const *sim, int32_t R) {
    const float *sa = sim[0], *sb = sim[1], *sc = sim[2];
    int32_t best_add = -1, best_mul = -1;
    float top_add = -1e30f, top_mul = -1e30f;
    for (int32_t d = 0; d < R; d++) {
        if (d == q->w[0] || d == q->w[1] || d == q->w[2]) continue;
        float add = sb[d] - sa[d] + sc[d];
        float mul = ((sb[d] + 1) / 2) * ((sc[d] + 1) / 2) / ((sa[d] + 1) / 2 + 1e-3f);
        if (add > top_add) top_add = add, best_add = d;
        if (mul > top_mul) top_mul = mul, best_mul = d;
    }
    return (best_add == q->w[3]) | (best_mul == q->w[3]) << 1;
}

ns_status ns__eval_analogy(const ns_emb *e, const char *path, int32_t restrict_n,
                           int case_sensitive, double max_cache_bytes, ns_analogy_report *out,
                           ns_error *err) {
    memset(out, 0, sizeof *out);
    int32_t R = restrict_n > 0 && restrict_n < e->n ? restrict_n : e->n;
    qset qs = {0};
    int32_t *slot = NULL;
    float *cache = NULL;
    ns_status s = ns_vocab_create(&qs.extra, err);
    if (s == NS_OK) s = read_questions(e, path, R, case_sensitive, &qs, err);
    if (s != NS_OK) goto done;
    /* Give each distinct word of a covered question a cache row. */
    int32_t ids = R + ns_vocab_size(qs.extra);
    if (!(slot = ns__malloc((size_t)ids, sizeof *slot, "the analogy word slots", err))) {
        s = NS_ENOMEM;
        goto done;
    }
    memset(slot, 0xff, (size_t)ids * sizeof *slot);
    int32_t distinct = 0;
    for (int64_t i = 0; i < qs.n; i++) {
        question *q = &qs.q[i];
        qs.sec[q->section].questions++;
        if (q->w[0] < 0 || q->w[1] < 0 || q->w[2] < 0 || q->w[3] < 0) continue;
        for (int j = 0; j < 3; j++)
            if (slot[q->w[j]] < 0) slot[q->w[j]] = distinct++;
    }
    int cached = (double)distinct * (double)R * sizeof(float) <= max_cache_bytes;
    cache = ns__aligned(cached ? (size_t)(distinct ? distinct : 1) : 3, (size_t)R * sizeof(float),
                        "the analogy similarity cache", err);
    if (!cache) {
        s = NS_ENOMEM;
        goto done;
    }
#define VEC(w) ((w) < R ? ns_emb_row(e, w) : qs.xv + (size_t)((w) - R) * (size_t)e->klen)
    for (int32_t w = 0; cached && w < ids; w++)
        if (slot[w] >= 0) ns__emb_sims(e, VEC(w), R, cache + (size_t)slot[w] * (size_t)R);
    for (int64_t i = 0; i < qs.n; i++) {
        question *q = &qs.q[i];
        if (q->w[0] < 0 || q->w[1] < 0 || q->w[2] < 0 || q->w[3] < 0) continue;
        float *sim[3];
        for (int j = 0; j < 3; j++) {
            sim[j] = cache + (size_t)(cached ? slot[q->w[j]] : j) * (size_t)R;
            if (!cached) ns__emb_sims(e, VEC(q->w[j]), R, sim[j]);
        }
        int ok = answer(q, sim, R);
        ns_analogy_section *sec = &qs.sec[q->section];
        sec->covered++;
        sec->oov += q->w[0] >= R || q->w[1] >= R || q->w[2] >= R;
        sec->correct_add += ok & 1;
        sec->correct_mul += ok >> 1;
    }
    snprintf(out->semantic.name, sizeof out->semantic.name, "semantic");
    snprintf(out->syntactic.name, sizeof out->syntactic.name, "syntactic");
    snprintf(out->total.name, sizeof out->total.name, "total");
    for (int32_t i = 0; i < qs.nsec; i++) {
        add_counts(strncmp(qs.sec[i].name, "gram", 4) == 0 ? &out->syntactic : &out->semantic, &qs.sec[i]);
        add_counts(&out->total, &qs.sec[i]);
    }
    out->sections = qs.sec;
    out->n_sections = qs.nsec;
    qs.sec = NULL;
#undef VEC
done:
    free(qs.q);
    free(qs.sec);
    free(qs.xv);
    ns_vocab_free(qs.extra);
    free(slot);
    ns__free_aligned(cache);
    return s;
}

ns_status ns_eval_analogy(const ns_emb *e, const char *path, int32_t restrict_n,
                          int case_sensitive, ns_analogy_report *out, ns_error *err) {
    ns__err_clear(err);
    return ns__eval_analogy(e, path, restrict_n, case_sensitive, (double)(1u << 30), out, err);
}

void ns_analogy_report_free(ns_analogy_report *r) {
    if (!r) return;
    free(r->sections);
    r->sections = NULL;
    r->n_sections = 0;
}
