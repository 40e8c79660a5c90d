/*
 * emb.c - loading word vectors for queries (.model, word2vec .vec and .bin,
 * with or without the "V dim" header line; plain, gzip or stdin through the
 * line reader), nearest neighbours and single analogies by cosine.
 *
 * A header's row count never decides an allocation: the table grows as
 * rows arrive, and a header announcing more rows than a plain file can hold
 * is refused before anything is read.
 *
 * 3CosAdd: argmax_d cos(d, b) - cos(d, a) + cos(d, c)   (= cos(d, b - a + c)
 *          up to a positive factor, for unit a, b, c)
 * 3CosMul (Levy & Goldberg 2014): argmax_d cos'(d,b) cos'(d,c) / (cos'(d,a) + 1e-3)
 *          with cos' = (cos + 1) / 2.
 */
#include "emb.h"

#include "core/core.h"
#include "core/parse.h"
#include "data/reader.h"
#include "io/io.h"
#include "data/vocab.h"
#include "model/model.h"
#include "tasks/words/subword.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <string.h>

/* A ns_emb of dim-sized rows with room for `cap` rows, none used yet. */
static ns_status emb_alloc(ns_emb **out, int32_t cap, int32_t dim, ns_error *err) {
    ns_emb *e = calloc(1, sizeof *e);
    if (!e) return ns__nomem(err, "an embedding", sizeof *e);
    e->dim = dim;
    e->klen = (dim + 7) / 8 * 8;
    e->k = ns__kernels_pick(NULL);
    e->oov_ngrams = 1;
    e->cap = cap > 0 ? cap : 1;
    ns_status s = ns_vocab_create(&e->vocab, err);
    if (s == NS_OK && !(e->rows = ns__aligned((size_t)e->cap, (size_t)e->klen * sizeof(float), "the vectors", err)))
        s = NS_ENOMEM;
    if (s == NS_OK && !(e->norm = ns__malloc((size_t)e->cap, sizeof *e->norm, "the vectors' norms", err))) s = NS_ENOMEM;
    if (s != NS_OK) {
        ns_emb_free(e);
        return s;
    }
    *out = e;
    return NS_OK;
}

/* Room for one more row: the table doubles as rows arrive, so that no
 * count announced by a file decides what is allocated. */
static ns_status emb_room(ns_emb *e, ns_error *err) {
    if (e->n < e->cap) return NS_OK;
    if (e->cap == INT32_MAX) return ns__fail(err, NS_EFORMAT, "more than %d vectors", INT32_MAX);
    int32_t cap = e->cap > INT32_MAX / 2 ? INT32_MAX : 2 * e->cap;
    float *rows = ns__aligned((size_t)cap, (size_t)e->klen * sizeof(float), "the vectors", err);
    if (!rows) return NS_ENOMEM;
    float *norm = ns__malloc((size_t)cap, sizeof *norm, "the vectors' norms", err);
    if (!norm) {
        ns__free_aligned(rows);
        return NS_ENOMEM;
    }
    memcpy(rows, e->rows, (size_t)e->n * (size_t)e->klen * sizeof(float));
    memcpy(norm, e->norm, (size_t)e->n * sizeof *norm);
    ns__free_aligned(e->rows);
    free(e->norm);
    e->rows = rows, e->norm = norm, e->cap = cap;
    return NS_OK;
}

/* Scales r to unit length (a zero vector stays zero); returns its norm. */
static float normalise(float *r, int32_t dim) {
    double s = 0;
    for (int32_t k = 0; k < dim; k++) s += (double)r[k] * r[k];
    if (s > 0) {
        float inv = (float)(1.0 / sqrt(s));
        for (int32_t k = 0; k < dim; k++) r[k] *= inv;
    }
    return (float)sqrt(s);
}

void ns_emb_free(ns_emb *e) {
    if (!e) return;
    ns_vocab_free(e->vocab);
    ns__free_aligned(e->rows);
    free(e->norm);
    ns__free_aligned(e->ngram_mem);
    free(e);
}

ns_status ns__emb_from_model(ns_emb **out, const ns_model *m, int with_ngrams, ns_error *err) {
    ns_emb *e;
    ns_status s = emb_alloc(&e, m->rows, m->dim, err);
    float *buf = s == NS_OK ? ns__aligned((size_t)m->klen, sizeof(float), "a vector", err) : NULL;
    if (s == NS_OK && !buf) s = NS_ENOMEM;
    for (int32_t r = 0; s == NS_OK && r < m->rows; r++) {
        const char *w = ns_vocab_word(m->vocab, r);
        if ((s = ns_vocab_add(e->vocab, w, strlen(w), 0, NULL, err)) != NS_OK) break;
        float *row = e->rows + (size_t)r * (size_t)e->klen;
        memcpy(row, ns__in_vector(m, r, buf), (size_t)m->dim * sizeof(float));
        e->norm[r] = normalise(row, m->dim);
        e->n++;
    }
    ns__free_aligned(buf);
    if (s == NS_OK && with_ngrams && m->buckets) {
        size_t cells = (size_t)m->buckets * (size_t)m->stride;
        if (!(e->ngram_mem = ns__aligned(cells, sizeof(float), "the n-gram vectors", err))) s = NS_ENOMEM;
        else memcpy(e->ngram_mem, ns__in_row(m, m->rows), cells * sizeof(float));
        e->ngram = e->ngram_mem;
        e->minn = m->opts.minn, e->maxn = m->opts.maxn, e->buckets = m->buckets, e->ngram_stride = m->stride;
    }
    if (s != NS_OK) {
        ns_emb_free(e);
        return s;
    }
    *out = e;
    return NS_OK;
}

ns_status ns_emb_from_model(ns_emb **out, const ns_model *m, ns_error *err) {
    ns__err_clear(err);
    return ns__emb_from_model(out, m, 1, err);
}

/* The word of a row as a message shows it: at most 60 bytes. */
#define WORD(w, len) (int)((len) > 60 ? 60 : (len)), (w)

/* Adds the word (len bytes) for the row just filled (row e->n), which it
 * normalises; a repeated word is an error. */
static ns_status add_row(ns_emb *e, const char *w, size_t len, const char *where, ns_error *err) {
    int32_t id;
    ns_status s = ns_vocab_add(e->vocab, w, len, 0, &id, err);
    if (s != NS_OK) return s;
    if (id != e->n) return ns__fail(err, NS_EFORMAT, "%s: duplicate word '%.*s'", where, WORD(w, len));
    e->norm[e->n] = normalise(e->rows + (size_t)e->n * (size_t)e->klen, e->dim);
    e->n++;
    return NS_OK;
}

/* Parses the text row "word v1 ... vdim" of line `no` into row e->n. */
static ns_status text_row(ns_emb *e, char *s, ns_lines *lr, ns_error *err) {
    char where[4200];
    snprintf(where, sizeof where, "%s:%lld", lr->name, lr->no);
    char *w = ns__field(&s, 0);
    if (!w) return ns__fail(err, NS_EFORMAT, "%s: empty line where a vector was expected", where);
    size_t wl = strlen(w);
    ns_status st = emb_room(e, err);
    if (st != NS_OK) return st;
    float *row = e->rows + (size_t)e->n * (size_t)e->klen;
    int32_t k = 0;
    for (char *v; (v = ns__field(&s, 0));) {
        if (k == e->dim)
            return ns__fail(err, NS_EFORMAT, "%s: '%.*s' has more than %d values", where, WORD(w, wl), e->dim);
        double x;
        if (!ns__parse_double(v, &x) || !isfinite((float)x))
            return ns__fail(err, NS_EFORMAT, "%s: value %d of '%.*s' is not a finite number", where, k + 1,
                            WORD(w, wl));
        row[k++] = strtof(v, NULL);
    }
    if (k != e->dim)
        return ns__fail(err, NS_EFORMAT, "%s: '%.*s' has %d values, expected %d", where, WORD(w, wl), k, e->dim);
    return add_row(e, w, wl, where, err);
}

/* Text rows after the header line (V >= 0) or from the first line on
 * (headerless GloVe style, V = -1: every non-empty line is a row). */
static ns_status load_text(ns_emb *e, ns_lines *lr, long long V, char *first, ns_error *err) {
    ns_status s = first ? text_row(e, first, lr, err) : NS_OK;
    char *line;
    size_t len;
    int got;
    while (s == NS_OK && (V < 0 || e->n < V) && (got = ns__lines_next(lr, &line, &len, err)) > 0) {
        if (V < 0 && strspn(line, " \t") == len) continue;
        s = text_row(e, line, lr, err);
    }
    if (s != NS_OK) return s;
    if (got < 0) return got == -1 ? NS_EIO : ns__nomem(err, "a line", (double)lr->line_cap * 2);
    if (V >= 0 && e->n < V)
        return ns__fail(err, NS_EFORMAT, "%s: header says %lld rows, file ends after %d", lr->name, V, e->n);
    while ((got = ns__lines_next(lr, &line, &len, err)) > 0)
        if (strspn(line, " \t") != len)
            return ns__fail(err, NS_EFORMAT, "%s:%lld: more rows than the header's %lld", lr->name, lr->no, V);
    return got < 0 ? NS_EIO : NS_OK;
}

/* word2vec binary rows: "word " then dim raw floats (a line break between
 * rows optional). */
static ns_status load_bin(ns_emb *e, ns_lines *lr, long long V, ns_error *err) {
    char word[4096];
    for (int32_t r = 0; r < V; r++) {
        char where[4200];
        snprintf(where, sizeof where, "%s: row %d", lr->name, r + 1);
        int c;
        size_t wl = 0;
        while ((c = ns__lines_getc(lr, err)) == '\n' || c == '\r' || c == ' ') {}
        while (c >= 0 && c != ' ') {
            if (wl == sizeof word)
                return ns__fail(err, NS_EFORMAT, "%s: word longer than %zu bytes", where, sizeof word);
            word[wl++] = (char)c;
            c = ns__lines_getc(lr, err);
        }
        if (c == -2) return NS_EIO;
        ns_status s = emb_room(e, err);
        if (s != NS_OK) return s;
        float *row = e->rows + (size_t)e->n * (size_t)e->klen;
        long got = c < 0 ? 0 : ns__lines_read(lr, row, (size_t)e->dim * sizeof(float), err);
        if (got < 0) return NS_EIO;
        if ((size_t)got != (size_t)e->dim * sizeof(float))
            return ns__fail(err, NS_EFORMAT, "%s: truncated: header says %lld rows of %d floats, row %d is incomplete",
                            lr->name, V, e->dim, r + 1);
        for (int32_t k = 0; k < e->dim; k++)
            if (!isfinite(row[k]))
                return ns__fail(err, NS_EFORMAT, "%s ('%.*s'): value %d is not finite", where, WORD(word, wl), k + 1);
        if ((s = add_row(e, word, wl, where, err)) != NS_OK) return s;
    }
    return NS_OK;
}

static int parse_header(const char *s, long long *V, long long *D) {
    char extra;
    return sscanf(s, "%lld %lld %c", V, D, &extra) == 2;
}

/* Whether the first row after a "V D" header is binary: text only if the
 * rest of its line holds exactly D numbers in text form (raw floats almost
 * never look like that). 1 binary, 0 text, < 0 a read error. */
static int looks_binary(ns_lines *lr, long long D, ns_error *err) {
    for (size_t want = 1 << 16;; want *= 2) {
        const char *p;
        long n = ns__lines_peek(lr, want, &p, err);
        if (n < 0) return (int)n;
        long i = 0;
        while (i < n && p[i] != ' ') i++;
        long long fields = 0;
        int in_field = 0;
        for (; i < n && p[i] != '\n'; i++) {
            char c = p[i];
            if (c == ' ' || c == '\t' || c == '\r') in_field = 0;
            else if (isdigit((unsigned char)c) || strchr("+-.eEnaifNAIF", c)) fields += !in_field, in_field = 1;
            else return 1;
        }
        if (i < n || (size_t)n < want || want >= (size_t)1 << 26) return fields != D;
    }
}

/* A .model file (or a fastText .bin) holds the vectors as its input table. */
static ns_status load_model(ns_emb **out, const char *path, ns_error *err) {
    ns_model *m;
    ns_status s = ns_model_load(&m, path, err);
    if (s != NS_OK) return s;
    s = ns__emb_from_model(out, m, 0, err);
    if (s == NS_OK && m->buckets) {
        /* the n-gram rows: the model's own, taken over rather than copied */
        ns_emb *e = *out;
        e->ngram_mem = m->in, e->ngram = ns__in_row(m, m->rows);
        e->minn = m->opts.minn, e->maxn = m->opts.maxn, e->buckets = m->buckets, e->ngram_stride = m->stride;
        m->in = NULL;
    }
    ns_model_free(m);
    return s;
}

ns_status ns_emb_load(ns_emb **out, const char *path, ns_error *err) {
    ns__err_clear(err);
    ns_lines lr;
    ns_status s = ns__lines_open(&lr, path, err);
    if (s != NS_OK) return s;
    const char *p;
    long n = ns__lines_peek(&lr, 8, &p, err);
    if (n == 8 && (memcmp(p, NS_MODEL_MAGIC, 8) == 0 || memcmp(p, NS_KG_MAGIC, 8) == 0 || ns__is_fasttext(p, 8))) {
        ns__lines_close(&lr);
        if (strcmp(path, "-") == 0) return ns__fail(err, NS_EINVAL, "<stdin>: a .model file must be read from a file");
        return load_model(out, path, err);
    }
    char *line;
    size_t len;
    int got = n < 0 ? -1 : ns__lines_next(&lr, &line, &len, err);
    long long V = -1, D = -1;
    ns_emb *e = NULL;
    if (got == 0) s = ns__fail(err, NS_EFORMAT, "%s: empty file", lr.name);
    else if (got < 0) s = NS_EIO;
    else if (parse_header(line, &V, &D)) {
        int64_t size = ns__reader_size(lr.in);
        int bin = V >= 1 && V <= INT32_MAX && D >= 1 && D <= 100000 ? looks_binary(&lr, D, err) : 0;
        /* The least a row takes: a 1-byte word, a separator per value (or
         * 4 bytes a value) and a line break. */
        double least = (double)V * (bin ? 4.0 * (double)D + 2 : 2.0 * (double)D + 2);
        if (V < 1 || V > INT32_MAX || D < 1 || D > 100000)
            s = ns__fail(err, NS_EFORMAT, "%s:1: header '%s': bad sizes", lr.name, line);
        else if (bin < 0)
            s = NS_EIO;
        else if (size >= 0 && least > (double)size)
            s = ns__fail(err, NS_EFORMAT, "%s:1: the header announces %lld rows of %lld values, more than the "
                         "file's %lld bytes can hold", lr.name, V, D, (long long)size);
        else if ((s = emb_alloc(&e, V < 1024 ? (int32_t)V : 1024, (int32_t)D, err)) == NS_OK)
            s = bin ? load_bin(e, &lr, V, err) : load_text(e, &lr, V, NULL, err);
    } else {
        /* No header: dim from the first row. */
        int values = 0;
        for (const char *c = line; *c;) {
            while (*c == ' ' || *c == '\t') c++;
            if (!*c) break;
            values++;
            while (*c && *c != ' ' && *c != '\t') c++;
        }
        if (values < 2) s = ns__fail(err, NS_EFORMAT, "%s:1: expected 'V dim' or a vector row", lr.name);
        else if (values - 1 > 100000) s = ns__fail(err, NS_EFORMAT, "%s:1: more than 100000 values in a row", lr.name);
        else if ((s = emb_alloc(&e, 1024, values - 1, err)) == NS_OK) s = load_text(e, &lr, -1, line, err);
    }
    ns__lines_close(&lr);
    if (s != NS_OK) {
        ns_emb_free(e);
        return s;
    }
    *out = e;
    return NS_OK;
}

int32_t ns_emb_size(const ns_emb *e) { return e->n; }
int32_t ns_emb_dim(const ns_emb *e) { return e->dim; }
const char *ns_emb_word(const ns_emb *e, int32_t id) { return ns_vocab_word(e->vocab, id); }
int32_t ns_emb_find(const ns_emb *e, const char *word) {
    return ns_vocab_find(e->vocab, word, strlen(word));
}
const float *ns_emb_row(const ns_emb *e, int32_t id) { return e->rows + (size_t)id * (size_t)e->klen; }

int ns_emb_subwords(const ns_emb *e) { return e->buckets > 0; }

void ns_emb_set_oov(ns_emb *e, int ngrams) { e->oov_ngrams = ngrams != 0; }

int ns_emb_vector(const ns_emb *e, const char *word, float *out) {
    int32_t id = ns_emb_find(e, word);
    if (id >= 0) {
        memcpy(out, ns_emb_row(e, id), (size_t)e->dim * sizeof(float));
        return 1;
    }
    size_t len = strlen(word);
    if (!e->buckets || len == 0) return 0;
    float *acc = calloc((size_t)e->dim, sizeof *acc);
    if (!acc) return 0;
    int n = ns__ngram_rows_add(word, len, e->minn, e->maxn, (uint32_t)e->buckets, e->ngram, (size_t)e->ngram_stride,
                               e->dim, acc);
    if (n > 0) {
        normalise(acc, e->dim);
        memcpy(out, acc, (size_t)e->dim * sizeof(float));
    }
    free(acc);
    return n > 0 ? 2 : 0;
}

void ns__emb_sims(const ns_emb *e, const float *q, int32_t n, float *out) {
    for (int32_t r = 0; r < n; r++) out[r] = e->k->dot(q, e->rows + (size_t)r * (size_t)e->klen, e->klen);
}

/* Keeps hits[0..*nh) sorted best first, at most k. */
static void offer(ns_hit *hits, int32_t *nh, int32_t k, int32_t id, float score) {
    if (*nh == k && score <= hits[k - 1].score) return;
    int32_t i = *nh < k ? (*nh)++ : k - 1;
    while (i > 0 && hits[i - 1].score < score) {
        hits[i] = hits[i - 1];
        i--;
    }
    hits[i] = (ns_hit){id, score};
}

static int excluded(int32_t id, const int32_t *ex, int32_t n) {
    for (int32_t i = 0; i < n; i++)
        if (ex[i] == id) return 1;
    return 0;
}

ns_status ns_emb_nearest(const ns_emb *e, const float *query, int32_t k, const int32_t *exclude, int32_t n_exclude,
                         ns_hit *hits, int32_t *n, ns_error *err) {
    ns__err_clear(err);
    *n = 0;
    if (k < 1) return ns__fail(err, NS_EINVAL, "nearest: k must be >= 1, got %d", k);
    float *q = ns__aligned((size_t)e->klen, sizeof(float), "the query vector", err);
    if (!q) return NS_ENOMEM;
    memcpy(q, query, (size_t)e->dim * sizeof(float));
    normalise(q, e->dim);
    for (int32_t r = 0; r < e->n; r++) {
        if (excluded(r, exclude, n_exclude)) continue;
        offer(hits, n, k, r, e->k->dot(q, ns_emb_row(e, r), e->klen));
    }
    ns__free_aligned(q);
    return NS_OK;
}

ns_status ns_emb_analogy_vectors(const ns_emb *e, const float *ra, const float *rb, const float *rc,
                                 const int32_t *exclude, int32_t n_exclude, ns_analogy_method method,
                                 int32_t restrict_n, int32_t k, ns_hit *hits, int32_t *n, ns_error *err) {
    ns__err_clear(err);
    *n = 0;
    if (k < 1) return ns__fail(err, NS_EINVAL, "analogy: k must be >= 1, got %d", k);
    if ((unsigned)method > NS_ANALOGY_MUL) return ns__fail(err, NS_EINVAL, "analogy: unknown method %d", (int)method);
    float *q = ns__aligned(3 * (size_t)e->klen, sizeof(float), "the query vectors", err);
    if (!q) return NS_ENOMEM;
    const float *in[3] = {ra, rb, rc};
    for (int i = 0; i < 3; i++) memcpy(q + (size_t)i * (size_t)e->klen, in[i], (size_t)e->dim * sizeof(float));
    const float *qa = q, *qb = q + e->klen, *qc = q + 2 * e->klen;
    int32_t size = restrict_n > 0 && restrict_n < e->n ? restrict_n : e->n;
    for (int32_t d = 0; d < size; d++) {
        if (excluded(d, exclude, n_exclude)) continue;
        const float *rd = ns_emb_row(e, d);
        float ca = e->k->dot(rd, qa, e->klen), cb = e->k->dot(rd, qb, e->klen);
        float cc = e->k->dot(rd, qc, e->klen);
        float score = method == NS_ANALOGY_ADD
                          ? cb - ca + cc
                          : ((cb + 1) / 2) * ((cc + 1) / 2) / ((ca + 1) / 2 + 1e-3f);
        offer(hits, n, k, d, score);
    }
    ns__free_aligned(q);
    return NS_OK;
}

ns_status ns_emb_analogy(const ns_emb *e, int32_t a, int32_t b, int32_t c, ns_analogy_method method,
                         int32_t restrict_n, int32_t k, ns_hit *hits, int32_t *n, ns_error *err) {
    ns__err_clear(err);
    *n = 0;
    if (a < 0 || b < 0 || c < 0 || a >= e->n || b >= e->n || c >= e->n)
        return ns__fail(err, NS_EINVAL, "analogy: word ids must be in 0..%d", e->n - 1);
    int32_t ex[3] = {a, b, c};
    return ns_emb_analogy_vectors(e, ns_emb_row(e, a), ns_emb_row(e, b), ns_emb_row(e, c), ex, 3, method, restrict_n,
                                  k, hits, n, err);
}
