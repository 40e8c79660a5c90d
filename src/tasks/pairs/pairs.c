/*
 * pairs.c - pair data: "left<TAB>right[<TAB>negative...]" lines, e.g.
 * query/document, user/item or word/word pairs, with optional explicit
 * negatives (items the user knows are wrong for that left item).
 *
 * For training the vocabularies are built from the file: items counted by
 * their occurrences as left or right positives; items seen only as explicit
 * negatives get rows with count 0, so the count^alpha noise never draws them
 * on its own. min_count then drops rare items (and pairs with a dropped left
 * or right item; dropped explicit negatives vanish from their line). Over a
 * model (evaluation, resuming) the ids come from copies of the model's
 * vocabularies and unknown items are -1.
 */
#include "negsamp.h"

#include "core/core.h"
#include "core/parse.h"
#include "data/reader.h"
#include "data/vocab.h"

#include <stdlib.h>
#include <string.h>

struct ns_pairs {
    ns_pairs_opts opts;      /* how they were read */
    ns_vocab *left, *right; /* owned; right NULL = shared with left */
    const ns_vocab *vl, *vr; /* the vocabularies ids refer to */
    int64_t n, n_neg, cap_l, cap_r, cap_off, cap_neg;
    int32_t *l, *r;
    int64_t *off;             /* line i's negatives: neg[off[i] .. off[i+1]) */
    int32_t *neg;
    int64_t skipped;
};

void ns_pairs_opts_default(ns_pairs_opts *o) {
    o->shared_vocab = 0;
    o->min_count = 1;
}

void ns__pairs_opts_of(const ns_pairs *p, ns_pairs_opts *out) { *out = p->opts; }

void ns_pairs_free(ns_pairs *p) {
    if (!p) return;
    ns_vocab_free(p->left), ns_vocab_free(p->right);
    free(p->l), free(p->r), free(p->off), free(p->neg);
    free(p);
}

int64_t ns_pairs_count(const ns_pairs *p) { return p->n; }
int64_t ns_pairs_skipped(const ns_pairs *p) { return p->skipped; }
const ns_vocab *ns_pairs_left_vocab(const ns_pairs *p) { return p->vl; }
const ns_vocab *ns_pairs_right_vocab(const ns_pairs *p) { return p->vr; }

int32_t ns_pairs_get(const ns_pairs *p, int64_t i, int32_t *left, int32_t *right, const int32_t **negs) {
    *left = p->l[i], *right = p->r[i];
    if (negs) *negs = p->neg + p->off[i];
    return (int32_t)(p->off[i + 1] - p->off[i]);
}

static int push_line(ns_pairs *p, int32_t l, int32_t r) {
    if (!ns__grow((void **)&p->l, &p->cap_l, p->n + 1, sizeof *p->l) ||
        !ns__grow((void **)&p->r, &p->cap_r, p->n + 1, sizeof *p->r) ||
        !ns__grow((void **)&p->off, &p->cap_off, p->n + 2, sizeof *p->off))
        return 0;
    p->l[p->n] = l, p->r[p->n] = r;
    p->n++;
    p->off[p->n] = p->n_neg;
    return 1;
}

/* Appends an explicit negative to the last line. */
static int push_neg(ns_pairs *p, int32_t id) {
    if (!ns__grow((void **)&p->neg, &p->cap_neg, p->n_neg + 1, sizeof *p->neg)) return 0;
    p->neg[p->n_neg++] = id;
    p->off[p->n] = p->n_neg;
    return 1;
}

/* Splits a line at tabs into fields (pointers into the line, NUL-ended);
 * returns their number, -1 if one is empty or holds a space, -2 when out
 * of memory. */
static int split_fields(char *line, char ***fields, int *cap) {
    int n = 0;
    char *p = line, *f;
    while ((f = ns__field(&p, '\t'))) {
        if (n == *cap) {
            int c = *cap ? *cap * 2 : 16;
            char **b = realloc(*fields, (size_t)c * sizeof *b);
            if (!b) return -2;
            *fields = b, *cap = c;
        }
        (*fields)[n++] = f;
        if (*f == '\0' || strpbrk(f, " \v\f")) return -1;
    }
    return n;
}

/* Remaps the ids of every line through the prune maps, dropping lines with
 * a dropped item and dropped negatives. */
static void remap(ns_pairs *p, const int32_t *ml, const int32_t *mr) {
    int64_t n = 0, k = 0, from = 0;
    for (int64_t i = 0; i < p->n; i++) {
        int32_t l = ml[p->l[i]], r = mr[p->r[i]];
        int64_t to = p->off[i + 1];
        if (l < 0 || r < 0) {
            p->skipped++;
            from = to;
            continue;
        }
        p->l[n] = l, p->r[n] = r;
        for (int64_t j = from; j < to; j++)
            if (mr[p->neg[j]] >= 0) p->neg[k++] = mr[p->neg[j]];
        from = to;
        p->off[++n] = k;
    }
    p->n = n, p->n_neg = k;
}

/* min_count over the positive counts; items seen only as explicit negatives
 * (count 0) are kept, with count 0, placed after the items of count
 * min_count. */
static ns_status prune(ns_pairs *p, int64_t min_count, int32_t **ml, int32_t **mr, ns_error *err) {
    ns_vocab *vr = p->right ? p->right : p->left;
    int32_t n = ns_vocab_size(vr), nz = 0;
    int32_t *zero = ns__malloc((size_t)n, sizeof *zero, "the negative-only items", err);
    if (!zero) return NS_ENOMEM;
    for (int32_t i = 0; i < n; i++)
        if (ns_vocab_count(vr, i) == 0) zero[nz++] = i, ns__vocab_set_count(vr, i, min_count);
    ns_status s = ns__vocab_prune(p->left, 0, min_count, 0, ml, err);
    if (s == NS_OK && p->right) s = ns__vocab_prune(p->right, 0, min_count, 0, mr, err);
    const int32_t *map = p->right ? *mr : *ml;
    for (int32_t z = 0; s == NS_OK && z < nz; z++) ns__vocab_set_count(vr, map[zero[z]], 0);
    free(zero);
    if (s == NS_OK) remap(p, *ml, map);
    return s;
}

ns_status ns_pairs_load(ns_pairs **out, const char *path, const ns_pairs_opts *o, const ns_model *model,
                        ns_error *err) {
    ns__err_clear(err);
    ns_pairs *p = ns__calloc(1, sizeof *p, "pairs", err);
    ns_lines lr = {0};
    char **fields = NULL;
    int fcap = 0;
    int32_t *ml = NULL, *mr = NULL;
    if (!p) return NS_ENOMEM;
    p->opts = *o;
    ns_status s = ns__lines_open(&lr, path, err);
    if (s != NS_OK) {
        free(p);
        return s;
    }
    if (!ns__grow((void **)&p->off, &p->cap_off, 1, sizeof *p->off)) s = ns__nomem(err, "the pairs", 1024 * 8);
    else p->off[0] = 0;
    if (s == NS_OK && model) { /* copies of the model's vocabularies */
        const ns_vocab *ml_v = ns_model_vocab(model), *mr_v = ns_model_vocab_out(model);
        if ((s = ns__vocab_clone(&p->left, ml_v, err)) == NS_OK && mr_v != ml_v)
            s = ns__vocab_clone(&p->right, mr_v, err);
        p->vl = p->left, p->vr = p->right ? p->right : p->left;
    } else if (s == NS_OK) {
        if ((s = ns_vocab_create(&p->left, err)) == NS_OK && !o->shared_vocab) s = ns_vocab_create(&p->right, err);
        p->vl = p->left, p->vr = p->right ? p->right : p->left;
    }
    char *line;
    size_t len;
    int got = 0;
    while (s == NS_OK && (got = ns__lines_next_data(&lr, &line, &len, err)) > 0) {
        int nf = split_fields(line, &fields, &fcap);
        if (nf == -2) {
            s = ns__nomem(err, "a line's fields", (double)fcap * 2 * sizeof *fields);
            break;
        }
        if (nf < 2) {
            s = ns__fail(err, NS_EFORMAT, "%s:%lld: expected 'left<TAB>right[<TAB>negative...]' with "
                         "non-empty items without spaces (a space would break the .vec output)", path, lr.no);
            break;
        }
        /* Field f's id: looked up in the model's vocabularies (-1 if
         * unknown), or added to ours (counted if a positive). */
        int32_t id[2] = {-1, -1}, nid = -1;
        for (int f = 0; f < nf && s == NS_OK; f++) {
            int32_t *dst = f < 2 ? &id[f] : &nid;
            size_t n = strlen(fields[f]);
            if (model) *dst = ns_vocab_find(f == 0 ? p->vl : p->vr, fields[f], n);
            else s = ns_vocab_add(f == 0 || !p->right ? p->left : p->right, fields[f], n, f < 2, dst, err);
            if (s != NS_OK) break;
            if (f == 1 && !push_line(p, id[0], id[1])) s = ns__nomem(err, "the pairs", 2.0 * (double)p->n * 16);
            if (f >= 2 && nid >= 0 && !push_neg(p, nid)) s = ns__nomem(err, "the explicit negatives", 8.0 * (double)p->n_neg);
        }
    }
    if (s == NS_OK && got < 0) s = got == -1 ? NS_EIO : ns__nomem(err, "a line", (double)lr.line_cap * 2);
    if (s == NS_OK && !model) s = prune(p, o->min_count, &ml, &mr, err);
    if (s == NS_OK && p->n == 0)
        s = p->skipped ? ns__fail(err, NS_EEMPTY, "%s: no pair left after min-count %lld", path,
                                  (long long)o->min_count)
                       : ns__fail(err, NS_EEMPTY, "%s: no 'left<TAB>right' line", path);
    ns__lines_close(&lr);
    free(fields), free(ml), free(mr);
    if (s != NS_OK) {
        ns_pairs_free(p);
        return s;
    }
    *out = p;
    return NS_OK;
}
