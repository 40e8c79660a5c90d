/*
 * emb.c - loading word vectors for queries (.model, word2vec .vec and .bin,
 * with or without the "V dim" header line), nearest neighbours and single
 * analogies by cosine.
 *
 * 3CosAdd: argmax_d cos(d, b) - cos(d, a) + cos(d, c)   (= cos(d, b - a + c)
 *          up to a positive factor, for unit a, b, c)
 * 3CosMul (Levy & Goldberg 2014): argmax_d cos'(d,b) cos'(d,c) / (cos'(d,a) + 1e-3)
 *          with cos' = (cos + 1) / 2.
 */
#include "emb.h"

#include "core/core.h"
#include "io/io.h"
#include "data/vocab.h"
#include "model/model.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <string.h>

static ns_status emb_alloc(ns_emb **out, int32_t n, int32_t dim) {
    ns_emb *e = calloc(1, sizeof *e);
    if (!e) return NS_ENOMEM;
    e->n = n;
    e->dim = dim;
    e->klen = (dim + 7) / 8 * 8;
    e->k = ns__kernels_pick(NULL);
    e->rows = ns__alloc_aligned((size_t)(n ? n : 1), (size_t)e->klen * sizeof(float));
    if (!e->rows || ns_vocab_create(&e->vocab) != NS_OK) {
        ns_emb_free(e);
        return NS_ENOMEM;
    }
    *out = e;
    return NS_OK;
}

static void normalise(float *r, int32_t dim) {
    double s = 0;
    for (int32_t k = 0; k < dim; k++) s += (double)r[k] * r[k];
    if (s > 0) {
        float inv = (float)(1.0 / sqrt(s));
        for (int32_t k = 0; k < dim; k++) r[k] *= inv;
    }
}

void ns_emb_free(ns_emb *e) {
    if (!e) return;
    ns_vocab_free(e->vocab);
    ns__free_aligned(e->rows);
    free(e);
}

ns_status ns_emb_from_model(ns_emb **out, const ns_model *m) {
    ns_emb *e;
    ns_status s = emb_alloc(&e, m->rows, m->dim);
    if (s != NS_OK) return s;
    for (int32_t r = 0; r < m->rows; r++) {
        const char *w = ns_vocab_word(m->vocab, r);
        if ((s = ns_vocab_add(e->vocab, w, strlen(w), 0, NULL)) != NS_OK) {
            ns_emb_free(e);
            return s;
        }
        float *row = e->rows + (size_t)r * (size_t)e->klen;
        memcpy(row, ns__in_row(m, r), (size_t)m->dim * sizeof(float));
        normalise(row, m->dim);
    }
    *out = e;
    return NS_OK;
}

/* A growable line reader that counts lines. */
typedef struct lines {
    FILE *f;
    char *buf;
    size_t cap;
    long long no;
} lines;

static ssize_t next_line(lines *l) {
    ssize_t n = getline(&l->buf, &l->cap, l->f);
    if (n >= 0) l->no++;
    while (n > 0 && (l->buf[n - 1] == '\n' || l->buf[n - 1] == '\r')) l->buf[--n] = '\0';
    return n;
}

static int is_ws(char c) { return c == ' ' || c == '\t'; }

/* Counts whitespace-separated fields. */
static int count_fields(const char *s) {
    int n = 0;
    while (*s) {
        while (is_ws(*s)) s++;
        if (!*s) break;
        n++;
        while (*s && !is_ws(*s)) s++;
    }
    return n;
}

static int parse_header(const char *s, long long *V, long long *D) {
    char extra;
    return sscanf(s, "%lld %lld %c", V, D, &extra) == 2;
}

/* Parses "word v1 ... vdim" into the vocabulary and row `r`. */
static ns_status text_row(ns_emb *e, char *s, int32_t r, const char *path, long long line,
                          ns_error *err) {
    while (is_ws(*s)) s++;
    char *w = s;
    while (*s && !is_ws(*s)) s++;
    size_t wl = (size_t)(s - w);
    if (wl == 0) return ns__fail(err, NS_EFORMAT, "%s:%lld: empty line where a vector was expected", path, line);
    float *row = e->rows + (size_t)r * (size_t)e->klen;
    int32_t k = 0;
    for (;;) {
        while (is_ws(*s)) s++;
        if (!*s) break;
        if (k == e->dim)
            return ns__fail(err, NS_EFORMAT, "%s:%lld: '%.*s' has more than %d values", path, line,
                            (int)(wl > 60 ? 60 : wl), w, e->dim);
        char *end;
        errno = 0;
        float v = strtof(s, &end);
        if (end == s || (*end && !is_ws(*end)) || !isfinite(v))
            return ns__fail(err, NS_EFORMAT, "%s:%lld: value %d of '%.*s' is not a finite number",
                            path, line, k + 1, (int)(wl > 60 ? 60 : wl), w);
        row[k++] = v;
        s = end;
    }
    if (k != e->dim)
        return ns__fail(err, NS_EFORMAT, "%s:%lld: '%.*s' has %d values, expected %d", path, line,
                        (int)(wl > 60 ? 60 : wl), w, k, e->dim);
    int32_t id;
    ns_status st = ns_vocab_add(e->vocab, w, wl, 0, &id);
    if (st != NS_OK) return st;
    if (id != r)
        return ns__fail(err, NS_EFORMAT, "%s:%lld: duplicate word '%.*s'", path, line,
                        (int)(wl > 60 ? 60 : wl), w);
    normalise(row, e->dim);
    return NS_OK;
}

static ns_status load_text(ns_emb **out, FILE *f, const char *path, ns_error *err) {
    lines l = {f, NULL, 0, 0};
    ns_emb *e = NULL;
    ns_status s = NS_OK;
    long long V = -1, D = -1;
    ssize_t n = next_line(&l);
    if (n < 0) {
        s = ns__fail(err, NS_EFORMAT, "%s: empty file", path);
        goto done;
    }
    int header = parse_header(l.buf, &V, &D);
    if (header && (V < 1 || V > INT32_MAX || D < 1 || D > 100000)) {
        s = ns__fail(err, NS_EFORMAT, "%s:1: header '%s': bad sizes", path, l.buf);
        goto done;
    }
    if (!header) {
        /* No header (GloVe style): dim from the first row, rows counted. */
        D = count_fields(l.buf) - 1;
        if (D < 1) {
            s = ns__fail(err, NS_EFORMAT, "%s:1: expected 'V dim' or a vector row", path);
            goto done;
        }
        long long rows = 1; /* the first line; then count the rest's lines */
        int c, last = '\n';
        while ((c = fgetc(f)) != EOF) {
            rows += c == '\n';
            last = c;
        }
        rows += last != '\n'; /* a last line without a line break */
        V = rows;
        rewind(f);
        l.no = 0;
    }
    if ((s = emb_alloc(&e, (int32_t)V, (int32_t)D)) != NS_OK) goto done;
    for (int32_t r = 0; r < V; r++) {
        if (next_line(&l) < 0) {
            s = ns__fail(err, NS_EFORMAT, "%s: header says %lld rows, file ends after %d", path, V, r);
            goto done;
        }
        if ((s = text_row(e, l.buf, r, path, l.no, err)) != NS_OK) goto done;
    }
    while ((n = next_line(&l)) >= 0)
        if (count_fields(l.buf) > 0) {
            s = ns__fail(err, NS_EFORMAT, "%s:%lld: more rows than the header's %lld", path, l.no, V);
            goto done;
        }
done:
    free(l.buf);
    if (s != NS_OK) {
        ns_emb_free(e);
        return s;
    }
    *out = e;
    return NS_OK;
}

static ns_status load_bin(ns_emb **out, FILE *f, const char *path, long long V, long long D,
                          ns_error *err) {
    ns_emb *e;
    ns_status s = emb_alloc(&e, (int32_t)V, (int32_t)D);
    if (s != NS_OK) return s;
    char word[4096];
    for (int32_t r = 0; r < V; r++) {
        int c;
        size_t wl = 0;
        while ((c = fgetc(f)) == '\n' || c == '\r' || c == ' ') {}
        while (c != EOF && c != ' ') {
            if (wl == sizeof word) {
                s = ns__fail(err, NS_EFORMAT, "%s: row %d: word longer than %zu bytes", path, r + 1, sizeof word);
                goto fail;
            }
            word[wl++] = (char)c;
            c = fgetc(f);
        }
        float *row = e->rows + (size_t)r * (size_t)e->klen;
        if (c == EOF || fread(row, sizeof(float), (size_t)D, f) != (size_t)D) {
            s = ns__fail(err, NS_EFORMAT, "%s: truncated: header says %lld rows of %lld floats, "
                         "row %d is incomplete", path, V, D, r + 1);
            goto fail;
        }
        for (long long k = 0; k < D; k++)
            if (!isfinite(row[k])) {
                s = ns__fail(err, NS_EFORMAT, "%s: row %d ('%.*s'): value %lld is not finite", path,
                             r + 1, (int)(wl > 60 ? 60 : wl), word, k + 1);
                goto fail;
            }
        int32_t id;
        if ((s = ns_vocab_add(e->vocab, word, wl, 0, &id)) != NS_OK) goto fail;
        if (id != r) {
            s = ns__fail(err, NS_EFORMAT, "%s: row %d: duplicate word '%.*s'", path, r + 1,
                         (int)(wl > 60 ? 60 : wl), word);
            goto fail;
        }
        normalise(row, e->dim);
    }
    *out = e;
    return NS_OK;
fail:
    ns_emb_free(e);
    return s;
}

/* Text if the rest of the first row holds exactly D numbers in text form;
 * binary otherwise (raw floats almost never look like that). */
static int looks_binary(FILE *f, long long D) {
    long pos = ftell(f);
    int c;
    while ((c = fgetc(f)) != EOF && c != ' ') {}
    long long fields = 0;
    int binary = 0, in_field = 0;
    while ((c = fgetc(f)) != EOF && c != '\n') {
        if (c == ' ' || c == '\t' || c == '\r') {
            in_field = 0;
        } else if (isdigit(c) || strchr("+-.eEnaifNAIF", c)) {
            fields += !in_field;
            in_field = 1;
        } else {
            binary = 1;
            break;
        }
    }
    fseek(f, pos, SEEK_SET);
    return binary || fields != D;
}

ns_status ns_emb_load(ns_emb **out, const char *path, ns_error *err) {
    FILE *f = fopen(path, "rb");
    if (!f) return ns__fail(err, NS_EIO, "%s: cannot open: %s", path, strerror(errno));
    char magic[8];
    size_t got = fread(magic, 1, 8, f);
    if (got == 8 && (memcmp(magic, NS_MODEL_MAGIC, 8) == 0 || memcmp(magic, NS_KG_MAGIC, 8) == 0)) {
        fclose(f);
        ns_model *m;
        ns_status s = ns_model_load(&m, path, err);
        if (s != NS_OK) return s;
        s = ns_emb_from_model(out, m);
        ns_model_free(m);
        return s;
    }
    rewind(f);
    char head[256];
    long long V, D;
    ns_status s;
    if (fgets(head, sizeof head, f) && parse_header(head, &V, &D) && V >= 1 && V <= INT32_MAX &&
        D >= 1 && D <= 100000 && looks_binary(f, D))
        s = load_bin(out, f, path, V, D, err);
    else {
        rewind(f);
        s = load_text(out, f, path, err);
    }
    fclose(f);
    return s;
}

int32_t ns_emb_size(const ns_emb *e) { return e->n; }
int32_t ns_emb_dim(const ns_emb *e) { return e->dim; }
const char *ns_emb_word(const ns_emb *e, int32_t id) { return ns_vocab_word(e->vocab, id); }
int32_t ns_emb_find(const ns_emb *e, const char *word) {
    return ns_vocab_find(e->vocab, word, strlen(word));
}
const float *ns_emb_row(const ns_emb *e, int32_t id) { return e->rows + (size_t)id * (size_t)e->klen; }

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

int32_t ns_emb_nearest(const ns_emb *e, const float *query, int32_t k, const int32_t *exclude,
                       int32_t n_exclude, ns_hit *hits) {
    if (k <= 0) return 0;
    float *q = ns__alloc_aligned((size_t)e->klen, sizeof(float));
    if (!q) return 0;
    memcpy(q, query, (size_t)e->dim * sizeof(float));
    normalise(q, e->dim);
    int32_t nh = 0;
    for (int32_t r = 0; r < e->n; r++) {
        if (excluded(r, exclude, n_exclude)) continue;
        offer(hits, &nh, k, r, e->k->dot(q, ns_emb_row(e, r), e->klen));
    }
    ns__free_aligned(q);
    return nh;
}

int32_t ns_emb_analogy(const ns_emb *e, int32_t a, int32_t b, int32_t c, ns_analogy_method method,
                       int32_t restrict_n, int32_t k, ns_hit *hits) {
    int32_t n = restrict_n > 0 && restrict_n < e->n ? restrict_n : e->n;
    if (k <= 0) return 0;
    const float *ra = ns_emb_row(e, a), *rb = ns_emb_row(e, b), *rc = ns_emb_row(e, c);
    int32_t nh = 0;
    for (int32_t d = 0; d < n; d++) {
        if (d == a || d == b || d == c) continue;
        const float *rd = ns_emb_row(e, d);
        float ca = e->k->dot(rd, ra, e->klen), cb = e->k->dot(rd, rb, e->klen);
        float cc = e->k->dot(rd, rc, e->klen);
        float score = method == NS_ANALOGY_ADD
                          ? cb - ca + cc
                          : ((cb + 1) / 2) * ((cc + 1) / 2) / ((ca + 1) / 2 + 1e-3f);
        offer(hits, &nh, k, d, score);
    }
    return nh;
}
