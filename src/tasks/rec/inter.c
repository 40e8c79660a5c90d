/*
 * inter.c - recommendation data: "user item [weight] [timestamp]" lines
 * turned into each user's positive items in time order (for leave-last-out
 * splits and item sequences) and in id order (for the O(log n) "is this a
 * positive of u?" that keeps negatives away from a user's own items).
 *
 * Reading keeps every positive line as an entry (user, item, time, line),
 * with users and items of below-threshold lines added to the vocabularies
 * at count 0 so that users without any positive can be counted. Entries are
 * then sorted by (user, item, time, line) to keep the first of each repeated
 * pair, thinned to the k-core, and the vocabularies pruned to the users and
 * items with a positive left (ordered by count). The CSR tables come from a
 * final sort by (user, time, line).
 */
#include "tasks/rec/inter.h"

#include "core/core.h"
#include "core/parse.h"
#include "data/reader.h"
#include "data/vocab.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry {
    int32_t u, i;
    double t;
    int64_t line;
} entry;

void ns_inter_opts_default(ns_inter_opts *o) {
    o->user_col = 1, o->item_col = 2, o->weight_col = 3, o->time_col = 4;
    o->sep = 0;
    o->header = 0;
    o->sessions = 0;
    o->min_weight = -INFINITY;
    o->min_user = 1, o->min_item = 1;
}

void ns_inter_free(ns_inter *x) {
    if (!x) return;
    ns_vocab_free(x->users), ns_vocab_free(x->items);
    free(x->start), free(x->seq), free(x->sorted);
    free(x);
}

void ns_inter_stats_get(const ns_inter *x, ns_inter_stats *out) { *out = x->stats; }
void ns_inter_read_opts(const ns_inter *x, ns_inter_opts *out) { *out = x->opts; }
const ns_vocab *ns_inter_user_vocab(const ns_inter *x) { return x->users; }
const ns_vocab *ns_inter_item_vocab(const ns_inter *x) { return x->items; }
int64_t ns_inter_count(const ns_inter *x) { return x->n; }

const int32_t *ns_inter_user(const ns_inter *x, int32_t u, int64_t *n) {
    *n = x->start[u + 1] - x->start[u];
    return x->seq + x->start[u];
}

int ns_inter_has(const ns_inter *x, int32_t u, int32_t i) {
    const int32_t *a = x->sorted + x->start[u];
    int64_t lo = 0, hi = x->start[u + 1] - x->start[u];
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (a[mid] < i) lo = mid + 1;
        else hi = mid;
    }
    return lo < x->start[u + 1] - x->start[u] && a[lo] == i;
}

static int by_pair(const void *a, const void *b) {
    const entry *x = a, *y = b;
    if (x->u != y->u) return x->u < y->u ? -1 : 1;
    if (x->i != y->i) return x->i < y->i ? -1 : 1;
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

static int by_time(const void *a, const void *b) {
    const entry *x = a, *y = b;
    if (x->u != y->u) return x->u < y->u ? -1 : 1;
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

static int by_id(const void *a, const void *b) {
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* The CSR tables of x (vocabularies set) from entries sorted by_pair with
 * repeats removed; sorts e by_time. */
static ns_status build(ns_inter *x, entry *e, int64_t n, ns_error *err) {
    int32_t nu = ns_vocab_size(x->users);
    x->n = n;
    if (!(x->start = ns__calloc((size_t)nu + 1, sizeof *x->start, "the users' offsets", err)) ||
        !(x->seq = ns__malloc((size_t)n, sizeof *x->seq, "the positives", err)) ||
        !(x->sorted = ns__malloc((size_t)n, sizeof *x->sorted, "the sorted positives", err)))
        return NS_ENOMEM;
    qsort(e, (size_t)n, sizeof *e, by_time);
    for (int64_t k = 0; k < n; k++) x->start[e[k].u + 1]++, x->seq[k] = e[k].i;
    for (int32_t u = 0; u < nu; u++) x->start[u + 1] += x->start[u];
    memcpy(x->sorted, x->seq, (size_t)n * sizeof *x->seq);
    for (int32_t u = 0; u < nu; u++)
        qsort(x->sorted + x->start[u], (size_t)(x->start[u + 1] - x->start[u]), sizeof *x->sorted, by_id);
    x->stats.positives = n;
    x->stats.users = nu, x->stats.items = ns_vocab_size(x->items);
    return NS_OK;
}

/* Keeps the first entry of each (user, item); returns the new count. */
static int64_t drop_repeats(entry *e, int64_t n, int64_t *repeats) {
    *repeats = 0;
    if (n == 0) return 0; /* e may be NULL */
    qsort(e, (size_t)n, sizeof *e, by_pair);
    int64_t k = 0;
    for (int64_t j = 0; j < n; j++)
        if (k == 0 || e[j].u != e[k - 1].u || e[j].i != e[k - 1].i) e[k++] = e[j];
    *repeats = n - k;
    return k;
}

/* Drops entries of users with fewer than min_user positives and items with
 * fewer than min_item until none is left to drop; sets the vocabulary counts
 * to what remains. Returns the new count. */
static int64_t k_core(ns_inter *x, entry *e, int64_t n, int32_t min_user, int32_t min_item, int64_t *cu,
                      int64_t *ci) {
    int32_t nu = ns_vocab_size(x->users), ni = ns_vocab_size(x->items);
    for (;;) {
        memset(cu, 0, (size_t)nu * sizeof *cu);
        memset(ci, 0, (size_t)ni * sizeof *ci);
        for (int64_t k = 0; k < n; k++) cu[e[k].u]++, ci[e[k].i]++;
        int64_t m = 0;
        for (int64_t k = 0; k < n; k++)
            if (cu[e[k].u] >= min_user && ci[e[k].i] >= min_item) e[m++] = e[k];
        if (m == n) break;
        n = m;
    }
    for (int32_t u = 0; u < nu; u++) ns__vocab_set_count(x->users, u, cu[u]);
    for (int32_t i = 0; i < ni; i++) ns__vocab_set_count(x->items, i, ci[i]);
    return n;
}

typedef struct entries {
    entry *a;
    int64_t n, cap;
} entries;

static int push(entries *b, entry e) {
    if (!ns__grow((void **)&b->a, &b->cap, b->n + 1, sizeof *b->a)) return 0;
    b->a[b->n++] = e;
    return 1;
}

#define MAX_FIELDS 64

/* A line's user and item: looked up in the vocabularies of a base (a
 * positive with an unknown one is counted and left out) or added to ours
 * (counted when a positive); positives become entries. */
static ns_status add_entry(ns_inter *x, int base, const char *us, size_t ul, const char *is, double t, long long no,
                           int positive, entries *b, ns_error *err) {
    entry e = {-1, -1, t, no};
    if (base) {
        if (!positive) return NS_OK;
        e.u = ns_vocab_find(x->users, us, ul), e.i = ns_vocab_find(x->items, is, strlen(is));
        if (e.u < 0 || e.i < 0) {
            x->stats.unknown++;
            return NS_OK;
        }
    } else {
        ns_status s = ns_vocab_add(x->users, us, ul, positive, &e.u, err);
        if (s == NS_OK) s = ns_vocab_add(x->items, is, strlen(is), positive, &e.i, err);
        if (s != NS_OK) return s;
    }
    return positive && !push(b, e) ? ns__nomem(err, "the interactions", (double)(b->n + 1) * 2 * sizeof e) : NS_OK;
}

/* A session line: its items in order, its user "s<line number>". */
static ns_status read_session(ns_inter *x, char *line, long long no, char sep, int base, entries *b, ns_error *err) {
    char user[32];
    size_t ul = (size_t)snprintf(user, sizeof user, "s%lld", no);
    char *p = line, *tok;
    for (int64_t k = 0; (tok = ns__field(&p, sep)); k++) {
        ns_status s = *tok ? add_entry(x, base, user, ul, tok, (double)k, no, 1, b, err) : NS_OK;
        if (s != NS_OK) return s;
    }
    return NS_OK;
}

/* Reads the lines of path into b (ids in x's vocabularies, added to unless
 * base is set). */
static ns_status read_lines(ns_inter *x, const char *path, const ns_inter_opts *o, int base, entries *b,
                            ns_error *err) {
    ns_lines lr;
    ns_status s = ns__lines_open(&lr, path, err);
    if (s != NS_OK) return s;
    int need = o->user_col > o->item_col ? o->user_col : o->item_col;
    char *line, *f[MAX_FIELDS];
    size_t len;
    int got, header = o->header;
    while (s == NS_OK && (got = ns__lines_next_data(&lr, &line, &len, err)) > 0) {
        long long no = lr.no;
        if (header) {
            header = 0;
            continue;
        }
        x->stats.lines++;
        if (o->sessions) {
            if ((s = read_session(x, line, no, o->sep, base, b, err)) != NS_OK) break;
            continue;
        }
        int nf = ns__fields(line, o->sep, f, MAX_FIELDS);
        if (nf > MAX_FIELDS) nf = MAX_FIELDS;
        if (nf < need) {
            s = ns__fail(err, NS_EFORMAT, "%s:%lld: %d field%s, expected a user in column %d and an item in column %d",
                         path, no, nf, nf == 1 ? "" : "s", o->user_col, o->item_col);
            break;
        }
        const char *us = f[o->user_col - 1], *is = f[o->item_col - 1];
        if (!*us || !*is) {
            s = ns__fail(err, NS_EFORMAT, "%s:%lld: empty %s", path, no, *us ? "item" : "user");
            break;
        }
        double w = 1, t = (double)no;
        if (o->weight_col && nf >= o->weight_col && !ns__parse_double(f[o->weight_col - 1], &w)) {
            s = ns__fail(err, NS_EFORMAT, "%s:%lld: weight '%s' (column %d) is not a number", path, no,
                         f[o->weight_col - 1], o->weight_col);
            break;
        }
        if (o->time_col && nf >= o->time_col && !ns__parse_double(f[o->time_col - 1], &t)) {
            s = ns__fail(err, NS_EFORMAT, "%s:%lld: timestamp '%s' (column %d) is not a number", path, no,
                         f[o->time_col - 1], o->time_col);
            break;
        }
        int positive = w >= o->min_weight;
        if (!positive) x->stats.below++;
        s = add_entry(x, base, us, strlen(us), is, t, no, positive, b, err);
    }
    if (s == NS_OK && got < 0) s = got == -1 ? NS_EIO : ns__nomem(err, "a line", (double)lr.line_cap * 2);
    ns__lines_close(&lr);
    return s;
}

ns_status ns_inter_load(ns_inter **out, const char *path, const ns_inter_opts *o, const ns_inter *base,
                        ns_error *err) {
    ns__err_clear(err);
    int max_col = o->user_col;
    const int32_t cols[3] = {o->item_col, o->weight_col, o->time_col};
    for (int c = 0; c < 3; c++) max_col = cols[c] > max_col ? cols[c] : max_col;
    if (o->user_col < 1 || o->item_col < 1 || o->weight_col < 0 || o->time_col < 0 || max_col > MAX_FIELDS)
        return ns__fail(err, NS_EINVAL, "columns must be in 1..%d (0 for no weight or time)", MAX_FIELDS);
    if (o->user_col == o->item_col)
        return ns__fail(err, NS_EINVAL, "the user and item columns are both %d", o->user_col);
    if (o->min_user < 1 || o->min_item < 1)
        return ns__fail(err, NS_EINVAL, "min-user and min-item must be >= 1");
    if (isnan(o->min_weight)) return ns__fail(err, NS_EINVAL, "min-weight is not a number");
    ns_inter *x = ns__calloc(1, sizeof *x, "interactions", err);
    if (!x) return NS_ENOMEM;
    x->opts = *o;
    entries b = {0};
    int64_t *cu = NULL, *ci = NULL;
    int32_t *mu = NULL, *mi = NULL;
    ns_status s;
    if (base) {
        s = ns__vocab_clone(&x->users, base->users, err);
        if (s == NS_OK) s = ns__vocab_clone(&x->items, base->items, err);
    } else {
        s = ns_vocab_create(&x->users, err);
        if (s == NS_OK) s = ns_vocab_create(&x->items, err);
    }
    if (s == NS_OK) s = read_lines(x, path, o, base != NULL, &b, err);
    if (s == NS_OK) b.n = drop_repeats(b.a, b.n, &x->stats.repeats);
    if (s == NS_OK && !base) {
        int32_t nu = ns_vocab_size(x->users), ni = ns_vocab_size(x->items);
        if (!(cu = ns__malloc((size_t)nu, sizeof *cu, "the user counts", err)) ||
            !(ci = ns__malloc((size_t)ni, sizeof *ci, "the item counts", err)))
            s = NS_ENOMEM;
        if (s == NS_OK) {
            int64_t before = b.n;
            b.n = k_core(x, b.a, b.n, o->min_user, o->min_item, cu, ci);
            x->stats.cored = before - b.n;
            s = ns__vocab_prune(x->users, 0, 1, 0, &mu, err);
        }
        if (s == NS_OK) s = ns__vocab_prune(x->items, 0, 1, 0, &mi, err);
        if (s == NS_OK) {
            x->stats.users_dropped = nu - ns_vocab_size(x->users);
            x->stats.items_dropped = ni - ns_vocab_size(x->items);
            for (int64_t k = 0; k < b.n; k++) b.a[k].u = mu[b.a[k].u], b.a[k].i = mi[b.a[k].i];
        }
    }
    if (s == NS_OK && b.n == 0) {
        ns_inter_stats *st = &x->stats;
        if (st->lines == 0) s = ns__fail(err, NS_EEMPTY, "%s: no 'user item' line", path);
        else
            s = ns__fail(err, NS_EEMPTY,
                         "%s: no positive left of %lld lines (%lld under the weight threshold, %lld with a "
                         "user or item unknown to the model, %lld dropped by min-user/min-item)",
                         path, (long long)st->lines, (long long)st->below, (long long)st->unknown,
                         (long long)st->cored);
    }
    if (s == NS_OK) s = build(x, b.a, b.n, err);
    free(b.a), free(cu), free(ci), free(mu), free(mi);
    if (s != NS_OK) {
        ns_inter_free(x);
        return s;
    }
    *out = x;
    return NS_OK;
}

ns_status ns__inter_from_csr(ns_inter **out, const ns_vocab *users, const ns_vocab *items, const int64_t *start,
                             const int32_t *seq, ns_error *err) {
    ns_inter *x = ns__calloc(1, sizeof *x, "interactions", err);
    if (!x) return NS_ENOMEM;
    ns_inter_opts_default(&x->opts);
    ns_status s = ns__vocab_clone(&x->users, users, err);
    if (s == NS_OK) s = ns__vocab_clone(&x->items, items, err);
    int32_t nu = ns_vocab_size(users);
    int64_t n = start[nu];
    if (s == NS_OK) {
        x->n = n;
        if (!(x->start = ns__malloc((size_t)nu + 1, sizeof *x->start, "the users' offsets", err)) ||
            !(x->seq = ns__malloc((size_t)n, sizeof *x->seq, "the positives", err)) ||
            !(x->sorted = ns__malloc((size_t)n, sizeof *x->sorted, "the sorted positives", err)))
            s = NS_ENOMEM;
    }
    if (s != NS_OK) {
        ns_inter_free(x);
        return s;
    }
    memcpy(x->start, start, ((size_t)nu + 1) * sizeof *start);
    memcpy(x->seq, seq, (size_t)n * sizeof *seq);
    memcpy(x->sorted, seq, (size_t)n * sizeof *seq);
    for (int32_t u = 0; u < nu; u++)
        qsort(x->sorted + start[u], (size_t)(start[u + 1] - start[u]), sizeof *x->sorted, by_id);
    x->stats.positives = n;
    x->stats.users = nu, x->stats.items = ns_vocab_size(items);
    *out = x;
    return NS_OK;
}

ns_status ns_inter_split_last(const ns_inter *all, ns_inter **train, ns_inter **test, ns_error *err) {
    int32_t nu = ns_vocab_size(all->users), ni = ns_vocab_size(all->items);
    ns__err_clear(err);
    int64_t *st = ns__malloc(2 * ((size_t)nu + 1), sizeof *st, "the split's offsets", err), *ss = st ? st + nu + 1 : NULL;
    int32_t *qt = st ? ns__malloc((size_t)all->n + (size_t)nu, sizeof *qt, "the split's positives", err) : NULL;
    int32_t *qs = qt ? qt + all->n : NULL;
    ns_vocab *users = NULL, *items = NULL;
    ns_status s = qt ? NS_OK : NS_ENOMEM;
    if (s == NS_OK) s = ns__vocab_clone(&users, all->users, err);
    if (s == NS_OK) s = ns__vocab_clone(&items, all->items, err);
    *train = *test = NULL;
    if (s == NS_OK) {
        st[0] = ss[0] = 0;
        for (int32_t i = 0; i < ni; i++) ns__vocab_set_count(items, i, 0);
        for (int32_t u = 0; u < nu; u++) {
            int64_t n = all->start[u + 1] - all->start[u], keep = n >= 2 ? n - 1 : n;
            const int32_t *a = all->seq + all->start[u];
            memcpy(qt + st[u], a, (size_t)keep * sizeof *a);
            for (int64_t k = 0; k < keep; k++) ns__vocab_set_count(items, a[k], ns_vocab_count(items, a[k]) + 1);
            ns__vocab_set_count(users, u, keep);
            st[u + 1] = st[u] + keep;
            ss[u + 1] = ss[u] + (n - keep);
            if (n > keep) qs[ss[u]] = a[n - 1];
        }
        s = ns__inter_from_csr(train, users, items, st, qt, err);
    }
    if (s == NS_OK) s = ns__inter_from_csr(test, users, items, ss, qs, err);
    if (s == NS_OK) (*train)->opts = (*test)->opts = all->opts;
    if (s == NS_OK && ss[nu] == 0)
        s = ns__fail(err, NS_EEMPTY, "leave-last-out: no user has two positives, nothing to hold out");
    if (s != NS_OK) {
        ns_inter_free(*train), ns_inter_free(*test);
        *train = *test = NULL;
    }
    ns_vocab_free(users), ns_vocab_free(items);
    free(st), free(qt);
    return s;
}
