/*
 * triples.c - "head<TAB>relation<TAB>tail" files, the Bernoulli corruption
 * probabilities, and the sorted set of known triples used to filter
 * rankings and to drop true triples from the negatives.
 */
#include "tasks/kg/triples.h"

#include "core/core.h"
#include "core/parse.h"
#include "data/reader.h"
#include "data/vocab.h"

#include <stdlib.h>
#include <string.h>

void ns_triples_free(ns_triples *t) {
    if (!t) return;
    ns_vocab_free(t->own_ents), ns_vocab_free(t->own_rels);
    free(t->h), free(t->r), free(t->t);
    free(t);
}

int64_t ns_triples_count(const ns_triples *t) { return t->n; }
int64_t ns_triples_unknown(const ns_triples *t) { return t->unknown; }
const ns_vocab *ns_triples_entities(const ns_triples *t) { return t->ents; }
const ns_vocab *ns_triples_relations(const ns_triples *t) { return t->rels; }

void ns_triples_get(const ns_triples *t, int64_t i, int32_t *head, int32_t *rel, int32_t *tail) {
    *head = t->h[i], *rel = t->r[i], *tail = t->t[i];
}

static int push(ns_triples *t, const int32_t id[3]) {
    if (!ns__grow((void **)&t->h, &t->cap[0], t->n + 1, sizeof *t->h) ||
        !ns__grow((void **)&t->r, &t->cap[1], t->n + 1, sizeof *t->r) ||
        !ns__grow((void **)&t->t, &t->cap[2], t->n + 1, sizeof *t->t))
        return 0;
    t->h[t->n] = id[0], t->r[t->n] = id[1], t->t[t->n] = id[2];
    t->n++;
    return 1;
}

ns_status ns_triples_load(ns_triples **out, const char *path, const ns_vocab *ents, const ns_vocab *rels,
                          ns_error *err) {
    ns__err_clear(err);
    if (!ents != !rels) return ns__fail(err, NS_EINVAL, "ns_triples_load: give both vocabularies or neither");
    ns_triples *t = ns__calloc(1, sizeof *t, "triples", err);
    if (!t) return NS_ENOMEM;
    ns_lines lr = {0};
    ns_status s = ns__lines_open(&lr, path, err);
    /* Given vocabularies are copied (ids from them, none added). */
    if (s == NS_OK && ents && (s = ns__vocab_clone(&t->own_ents, ents, err)) == NS_OK)
        s = ns__vocab_clone(&t->own_rels, rels, err);
    if (s == NS_OK && !ents && (s = ns_vocab_create(&t->own_ents, err)) == NS_OK) s = ns_vocab_create(&t->own_rels, err);
    t->ents = t->own_ents, t->rels = t->own_rels;
    int adding = ents == NULL;
    char *line, *f[3];
    size_t len;
    int got = 0;
    while (s == NS_OK && (got = ns__lines_next_data(&lr, &line, &len, err)) > 0) {
        if (ns__fields(line, '\t', f, 3) != 3 || !f[0][0] || !f[1][0] || !f[2][0]) {
            s = ns__fail(err, NS_EFORMAT, "%s:%lld: expected 'head<TAB>relation<TAB>tail' (three non-empty "
                         "tab-separated fields)", path, lr.no);
            break;
        }
        int32_t id[3];
        for (int k = 0; k < 3 && s == NS_OK; k++) {
            ns_vocab *own = k == 1 ? t->own_rels : t->own_ents;
            if (adding) s = ns_vocab_add(own, f[k], strlen(f[k]), 1, &id[k], err);
            else id[k] = ns_vocab_find(own, f[k], strlen(f[k]));
        }
        if (s != NS_OK) break;
        if (id[0] < 0 || id[1] < 0 || id[2] < 0) t->unknown++;
        if (!push(t, id)) s = ns__nomem(err, "the triples", 2.0 * (double)t->n * 12);
    }
    if (s == NS_OK && got < 0) s = got == -1 ? NS_EIO : ns__nomem(err, "a line", (double)lr.line_cap * 2);
    if (s == NS_OK && t->n == 0) s = ns__fail(err, NS_EEMPTY, "%s: no 'head<TAB>relation<TAB>tail' line", path);
    ns__lines_close(&lr);
    if (s != NS_OK) {
        ns_triples_free(t);
        return s;
    }
    *out = t;
    return NS_OK;
}

static int cmp_key3(const void *x, const void *y) {
    const ns_key3 *a = x, *b = y;
    if (a->a != b->a) return a->a < b->a ? -1 : 1;
    if (a->b != b->b) return a->b < b->b ? -1 : 1;
    return (a->c > b->c) - (a->c < b->c);
}

ns_status ns_triples_bernoulli(const ns_triples *t, int32_t nrel, double *p_head, ns_error *err) {
    ns__err_clear(err);
    ns_kg_filter *f;
    const ns_triples *sets[1] = {t};
    ns_status s = ns_kg_filter_create(&f, sets, 1, err);
    if (s != NS_OK) return s;
    /* One pass per sorted order, relation by relation: heads, tails and
     * triples per relation. */
    int64_t *heads = ns__calloc(3 * ((size_t)nrel + 1), sizeof *heads, "the relation counts", err);
    int64_t *tails = heads ? heads + nrel + 1 : NULL, *cnt = heads ? tails + nrel + 1 : NULL;
    if (!heads) s = NS_ENOMEM;
    for (int side = 0; s == NS_OK && side < 2; side++) {
        const ns_key3 *k = side ? f->by_head : f->by_tail;
        for (int64_t i = 0; i < f->n; i++) {
            int32_t r = k[i].a;
            if (r >= nrel) continue;
            if (!side) cnt[r]++;
            if (i == 0 || k[i - 1].a != r || k[i - 1].b != k[i].b) (side ? tails : heads)[r]++;
        }
    }
    for (int32_t r = 0; s == NS_OK && r < nrel; r++) {
        if (cnt[r] == 0) {
            p_head[r] = 0.5;
            continue;
        }
        double tph = (double)cnt[r] / (double)heads[r], hph = (double)cnt[r] / (double)tails[r];
        p_head[r] = tph / (tph + hph);
    }
    free(heads);
    ns_kg_filter_free(f);
    return s;
}

void ns_kg_filter_free(ns_kg_filter *f) {
    if (!f) return;
    free(f->by_tail), free(f->by_head);
    free(f);
}

/* Sorts and removes repeats. */
static int64_t sort_unique(ns_key3 *k, int64_t n) {
    qsort(k, (size_t)n, sizeof *k, cmp_key3);
    int64_t m = 0;
    for (int64_t i = 0; i < n; i++)
        if (m == 0 || cmp_key3(&k[m - 1], &k[i]) != 0) k[m++] = k[i];
    return m;
}

ns_status ns_kg_filter_create(ns_kg_filter **out, const ns_triples *const *sets, int n, ns_error *err) {
    ns__err_clear(err);
    int64_t total = 0;
    for (int i = 0; i < n; i++) total += sets[i]->n;
    ns_kg_filter *f = ns__calloc(1, sizeof *f, "a triple filter", err);
    if (!f) return NS_ENOMEM;
    f->by_tail = ns__malloc((size_t)total, sizeof *f->by_tail, "the known triples", err);
    f->by_head = f->by_tail ? ns__malloc((size_t)total, sizeof *f->by_head, "the known triples", err) : NULL;
    if (!f->by_head) {
        ns_kg_filter_free(f);
        return NS_ENOMEM;
    }
    int64_t m = 0;
    for (int i = 0; i < n; i++)
        for (int64_t j = 0; j < sets[i]->n; j++) {
            int32_t h = sets[i]->h[j], r = sets[i]->r[j], t = sets[i]->t[j];
            if (h < 0 || r < 0 || t < 0) continue;
            f->by_tail[m] = (ns_key3){r, h, t};
            f->by_head[m++] = (ns_key3){r, t, h};
        }
    f->n = sort_unique(f->by_tail, m);
    sort_unique(f->by_head, m);
    *out = f;
    return NS_OK;
}

/* The first key >= (a, b, c) in k[0..n). */
static int64_t lower(const ns_key3 *k, int64_t n, ns_key3 x) {
    int64_t lo = 0, hi = n;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (cmp_key3(&k[mid], &x) < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

const ns_key3 *ns__filter_answers(const ns_kg_filter *f, int side, int32_t rel, int32_t x, int64_t *n) {
    const ns_key3 *k = side ? f->by_head : f->by_tail;
    int64_t a = lower(k, f->n, (ns_key3){rel, x, INT32_MIN});
    int64_t b = a;
    while (b < f->n && k[b].a == rel && k[b].b == x) b++;
    *n = b - a;
    return b > a ? k + a : NULL;
}

int ns__filter_in(const ns_key3 *answers, int64_t n, int32_t id) {
    int64_t lo = 0, hi = n;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (answers[mid].c < id) lo = mid + 1;
        else hi = mid;
    }
    return lo < n && answers[lo].c == id;
}

int ns_kg_filter_has(const ns_kg_filter *f, int32_t head, int32_t rel, int32_t tail) {
    int64_t n;
    const ns_key3 *a = ns__filter_answers(f, 0, rel, head, &n);
    return a && ns__filter_in(a, n, tail);
}
