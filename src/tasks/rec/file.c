/*
 * file.c - the recommender's section of the .model file (io/checkpoint.c
 * writes the model before it and the checksum after it):
 *
 *   i32 user_col, item_col, weight_col, time_col, sep, header, min_user,
 *       min_item, sessions; f64 min_weight   how the data was read
 *   users and items vocabularies (io/hashed.c)
 *   training positives: i64 n, i64 start[users + 1], i32 item[n] (time order)
 *   i32 has_test, then the held-out positives the same way
 *
 * Every count is checked against the bytes left before anything is
 * allocated for it, every offset and id against the vocabularies.
 */
#include "core/core.h"
#include "data/vocab.h"
#include "io/io.h"
#include "tasks/rec/rec.h"

#include <stdlib.h>

static void put_csr(ns_hashed *x, const ns_inter *t) {
    int32_t nu = ns_vocab_size(t->users);
    ns__hput(x, &t->n, 8);
    ns__hput(x, t->start, ((size_t)nu + 1) * sizeof *t->start);
    ns__hput(x, t->seq, (size_t)t->n * sizeof *t->seq);
}

static void put_rec(ns_hashed *x, const void *ctx) {
    const ns_rec *r = ctx;
    const ns_inter_opts *io = &r->train->opts;
    int32_t has_test = r->test != NULL;
    int32_t ri[9] = {io->user_col, io->item_col, io->weight_col, io->time_col, io->sep, io->header,
                     io->min_user, io->min_item, io->sessions};
    ns__hput(x, ri, sizeof ri);
    ns__hput(x, &io->min_weight, 8);
    ns__hput_vocab(x, r->train->users);
    ns__hput_vocab(x, r->train->items);
    put_csr(x, r->train);
    ns__hput(x, &has_test, 4);
    if (has_test) put_csr(x, r->test);
}

ns_status ns_rec_save(const ns_rec *r, const char *path, ns_error *err) {
    ns__err_clear(err);
    ns__model_section sec = {put_rec, NULL, (void *)r};
    return ns__model_save_with(r->m, &sec, path, err);
}

static ns_status get_csr(ns_hashed *x, const char *path, const ns_vocab *users, const ns_vocab *items, ns_inter **out,
                         ns_error *err) {
    int32_t nu = ns_vocab_size(users), ni = ns_vocab_size(items);
    int64_t n;
    if (!ns__hget(x, &n, 8)) return ns__fail(err, NS_EFORMAT, "%s: truncated model file (while reading the interactions)", path);
    if (n < 0 || n > x->left / 4 || ((int64_t)nu + 1) * 8 > x->left - 4 * n)
        return ns__fail(err, NS_EFORMAT, "%s: truncated model file (%lld interactions of %d users announced) or a corrupt header",
                        path, (long long)n, nu);
    int64_t *start = ns__malloc((size_t)nu + 1, sizeof *start, "the interaction offsets", err);
    int32_t *seq = start ? ns__malloc((size_t)(n ? n : 1), sizeof *seq, "the interactions", err) : NULL;
    ns_status s = seq ? NS_OK : NS_ENOMEM;
    if (s == NS_OK && (!ns__hget(x, start, ((size_t)nu + 1) * sizeof *start) || !ns__hget(x, seq, (size_t)n * sizeof *seq)))
        s = ns__fail(err, NS_EFORMAT, "%s: truncated model file (while reading the interactions)", path);
    for (int32_t u = 0; s == NS_OK && u < nu; u++)
        if (start[0] != 0 || start[u + 1] < start[u] || start[nu] != n)
            s = ns__fail(err, NS_EFORMAT, "%s: corrupt interactions (offsets of user %d)", path, u);
    for (int64_t k = 0; s == NS_OK && k < n; k++)
        if (seq[k] < 0 || seq[k] >= ni) s = ns__fail(err, NS_EFORMAT, "%s: corrupt interactions (item id %d)", path, seq[k]);
    if (s == NS_OK) s = ns__inter_from_csr(out, users, items, start, seq, err);
    free(start), free(seq);
    return s;
}

static ns_status get_rec(ns_hashed *x, const char *path, const ns_model *m, void *ctx, ns_error *err) {
    ns_rec *r = ctx;
    ns_vocab *users = NULL, *items = NULL;
    int32_t has_test, ri[9];
    ns_inter_opts io;
    if (!ns__hget(x, ri, sizeof ri) || !ns__hget(x, &io.min_weight, 8))
        return ns__fail(err, NS_EFORMAT, "%s: truncated model file (while reading the recommender section)", path);
    io.user_col = ri[0], io.item_col = ri[1], io.weight_col = ri[2], io.time_col = ri[3];
    io.sep = (char)ri[4], io.header = ri[5], io.min_user = ri[6], io.min_item = ri[7], io.sessions = ri[8];
    ns_status s = ns__hget_vocab(x, path, &users, err);
    if (s == NS_OK) s = ns__hget_vocab(x, path, &items, err);
    int item2vec = m->opts.task != NS_TASK_REC;
    if (s == NS_OK && (item2vec ? !ns__vocab_same(items, m->vocab)
                                : !ns__vocab_same(users, m->vocab) || !m->vocab_out || !ns__vocab_same(items, m->vocab_out)))
        s = ns__fail(err, NS_EFORMAT, "%s: corrupt model file (the interactions' users or items are not the model's)", path);
    if (s == NS_OK && (s = get_csr(x, path, users, items, &r->train, err)) == NS_OK) r->train->opts = io;
    if (s == NS_OK && !ns__hget(x, &has_test, 4))
        s = ns__fail(err, NS_EFORMAT, "%s: truncated model file (while reading the interactions)", path);
    if (s == NS_OK && has_test) s = get_csr(x, path, users, items, &r->test, err);
    ns_vocab_free(users), ns_vocab_free(items);
    return s;
}

ns_status ns_rec_load(ns_rec **out, const char *path, ns_error *err) {
    ns__err_clear(err);
    ns_rec *r = ns__calloc(1, sizeof *r, "a recommender", err);
    if (!r) return NS_ENOMEM;
    ns__model_section sec = {put_rec, get_rec, r};
    ns_status s = ns__model_load_with(&r->m, &sec, path, err);
    if (s == NS_OK) s = ns__rec_prepare(r, err);
    if (s != NS_OK) {
        ns_rec_free(r);
        return s;
    }
    *out = r;
    return NS_OK;
}
