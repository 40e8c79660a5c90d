/*
 * vocab.c - words <-> dense ids with counts: an open-addressing hash table
 * (FNV-1a, linear probing, load <= 1/2) over an array of entries.
 */
#include "vocab.h"

#include "core/core.h"

#include <stdlib.h>
#include <string.h>

typedef struct entry {
    char *word;
    uint32_t len;
    int64_t count;
} entry;

struct ns_vocab {
    entry *items;
    int32_t size, cap;
    int32_t *table; /* ids, -1 = empty */
    uint64_t mask;
    int64_t total;
};

static uint64_t hash_bytes(const char *s, size_t n) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
    return h;
}

static ns_status rehash(ns_vocab *v, uint64_t slots, ns_error *err) {
    int32_t *t = ns__malloc(slots, sizeof *t, "the vocabulary's hash table", err);
    if (!t) return NS_ENOMEM;
    memset(t, 0xff, slots * sizeof *t);
    for (int32_t id = 0; id < v->size; id++) {
        uint64_t h = hash_bytes(v->items[id].word, v->items[id].len) & (slots - 1);
        while (t[h] >= 0) h = (h + 1) & (slots - 1);
        t[h] = id;
    }
    free(v->table);
    v->table = t;
    v->mask = slots - 1;
    return NS_OK;
}

ns_status ns_vocab_create(ns_vocab **out, ns_error *err) {
    ns__err_clear(err);
    ns_vocab *v = ns__calloc(1, sizeof *v, "a vocabulary", err);
    if (!v) return NS_ENOMEM;
    if (rehash(v, 1024, err) != NS_OK) {
        free(v);
        return NS_ENOMEM;
    }
    *out = v;
    return NS_OK;
}

void ns_vocab_free(ns_vocab *v) {
    if (!v) return;
    for (int32_t i = 0; i < v->size; i++) free(v->items[i].word);
    free(v->items);
    free(v->table);
    free(v);
}

static uint64_t find_slot(const ns_vocab *v, const char *w, size_t len) {
    uint64_t h = hash_bytes(w, len) & v->mask;
    for (;;) {
        int32_t id = v->table[h];
        if (id < 0) return h;
        const entry *e = &v->items[id];
        if (e->len == len && memcmp(e->word, w, len) == 0) return h;
        h = (h + 1) & v->mask;
    }
}

int32_t ns_vocab_find(const ns_vocab *v, const char *word, size_t len) {
    return v->table[find_slot(v, word, len)];
}

ns_status ns_vocab_add(ns_vocab *v, const char *word, size_t len, int64_t count, int32_t *id_out,
                       ns_error *err) {
    ns__err_clear(err);
    if (len == 0 || len > UINT32_MAX)
        return ns__fail(err, NS_EINVAL, "a vocabulary word must have 1 to %u bytes, got %zu", UINT32_MAX, len);
    if (count < 0) return ns__fail(err, NS_EINVAL, "a word's count must be >= 0, got %lld", (long long)count);
    uint64_t slot = find_slot(v, word, len);
    int32_t id = v->table[slot];
    if (id < 0) {
        if (v->size == INT32_MAX) return ns__fail(err, NS_EINVAL, "a vocabulary holds at most %d words", INT32_MAX);
        if ((uint64_t)(v->size + 1) * 2 > v->mask + 1) {
            if (rehash(v, (v->mask + 1) * 2, err) != NS_OK) return NS_ENOMEM;
            slot = find_slot(v, word, len);
        }
        if (v->size == v->cap) {
            int32_t cap = v->cap ? (v->cap > INT32_MAX / 2 ? INT32_MAX : v->cap * 2) : 256;
            entry *items = realloc(v->items, (size_t)cap * sizeof *items);
            if (!items) return ns__nomem(err, "the vocabulary's words", (double)cap * sizeof *items);
            v->items = items;
            v->cap = cap;
        }
        char *copy = ns__malloc(len + 1, 1, "a vocabulary word", err);
        if (!copy) return NS_ENOMEM;
        memcpy(copy, word, len);
        copy[len] = '\0';
        id = v->size++;
        v->items[id] = (entry){copy, (uint32_t)len, 0};
        v->table[slot] = id;
    }
    v->items[id].count += count;
    v->total += count;
    if (id_out) *id_out = id;
    return NS_OK;
}

int32_t ns_vocab_size(const ns_vocab *v) { return v->size; }
const char *ns_vocab_word(const ns_vocab *v, int32_t id) { return v->items[id].word; }
int64_t ns_vocab_count(const ns_vocab *v, int32_t id) { return v->items[id].count; }
int64_t ns_vocab_total(const ns_vocab *v) { return v->total; }

void ns__vocab_set_count(ns_vocab *v, int32_t id, int64_t count) {
    v->total += count - v->items[id].count;
    v->items[id].count = count;
}

static int by_count_desc(const void *pa, const void *pb) {
    const entry *a = pa, *b = pb;
    if (a->count != b->count) return a->count > b->count ? -1 : 1;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->word, b->word, n);
    if (c) return c;
    return (a->len > b->len) - (a->len < b->len);
}

ns_status ns__vocab_prune(ns_vocab *v, int32_t keep, int64_t min_count, int32_t max_size, int32_t **map,
                          ns_error *err) {
    int32_t old = v->size;
    int32_t *m = NULL;
    if (map && !(m = ns__malloc((size_t)old + 1, sizeof *m, "the vocabulary's id map", err))) return NS_ENOMEM;
    /* Sort (entry, old id) pairs so that the map can be filled afterwards. */
    typedef struct { entry e; int32_t old; } tagged;
    int32_t n = old - keep;
    tagged *t = ns__malloc((size_t)n + 1, sizeof *t, "the vocabulary's sort", err);
    if (!t) {
        free(m);
        return NS_ENOMEM;
    }
    for (int32_t i = 0; i < n; i++) t[i] = (tagged){v->items[keep + i], keep + i};
    qsort(t, (size_t)n, sizeof *t, by_count_desc); /* entry is the first member */
    int32_t size = keep;
    for (int32_t id = 0; id < keep; id++)
        if (m) m[id] = id;
    for (int32_t i = 0; i < n; i++) {
        int drop = t[i].e.count < min_count || (max_size > 0 && size >= max_size);
        if (drop) {
            v->total -= t[i].e.count;
            free(t[i].e.word);
            if (m) m[t[i].old] = -1;
        } else {
            v->items[size] = t[i].e;
            if (m) m[t[i].old] = size;
            size++;
        }
    }
    free(t);
    v->size = size;
    uint64_t slots = 1024;
    while (slots < (uint64_t)size * 2 + 2) slots *= 2;
    if (rehash(v, slots, err) != NS_OK) {
        free(m);
        return NS_ENOMEM;
    }
    if (map) *map = m;
    return NS_OK;
}

int32_t ns__vocab_first_difference(const ns_vocab *a, const ns_vocab *b, int32_t n) {
    for (int32_t i = 0; i < n; i++)
        if (a->items[i].len != b->items[i].len || memcmp(a->items[i].word, b->items[i].word, a->items[i].len) != 0)
            return i;
    return -1;
}

int ns__vocab_same(const ns_vocab *a, const ns_vocab *b) {
    return a->size == b->size && ns__vocab_first_difference(a, b, a->size) < 0;
}

ns_status ns__vocab_clone(ns_vocab **out, const ns_vocab *v, ns_error *err) {
    ns_vocab *c;
    ns_status s = ns_vocab_create(&c, err);
    if (s != NS_OK) return s;
    for (int32_t i = 0; i < v->size; i++) {
        s = ns_vocab_add(c, v->items[i].word, v->items[i].len, v->items[i].count, NULL, err);
        if (s != NS_OK) {
            ns_vocab_free(c);
            return s;
        }
    }
    *out = c;
    return NS_OK;
}
