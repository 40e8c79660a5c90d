/*
 * hashed.c - binary model files read and written through a running FNV-1a
 * hash (the checksum every model file ends with), and the vocabulary
 * record they share: i32 n, then n x (u32 len, len bytes, i64 count).
 */
#include "io.h"

#include "core/core.h"

#include <stdlib.h>
#include <string.h>

static void fnv(ns_hashed *x, const void *p, size_t n) {
    const unsigned char *b = p;
    uint64_t h = x->h;
    for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 0x100000001b3ULL;
    x->h = h;
}

void ns__hput(ns_hashed *x, const void *p, size_t n) {
    fnv(x, p, n);
    fwrite(p, 1, n, x->f);
}

int ns__hget(ns_hashed *x, void *p, size_t n) {
    if ((int64_t)n > x->left || fread(p, 1, n, x->f) != n) return 0;
    x->left -= (int64_t)n;
    fnv(x, p, n);
    return 1;
}

void ns__hput_vocab(ns_hashed *x, const ns_vocab *v) {
    int32_t n = ns_vocab_size(v);
    ns__hput(x, &n, sizeof n);
    for (int32_t w = 0; w < n; w++) {
        const char *word = ns_vocab_word(v, w);
        uint32_t len = (uint32_t)strlen(word);
        int64_t count = ns_vocab_count(v, w);
        ns__hput(x, &len, 4);
        ns__hput(x, word, len);
        ns__hput(x, &count, 8);
    }
}

ns_status ns__hget_vocab(ns_hashed *x, const char *path, ns_vocab **out, ns_error *err) {
    int32_t n;
    if (!ns__hget(x, &n, 4))
        return ns__fail(err, NS_EFORMAT, "%s: truncated model file (while reading the vocabulary)", path);
    if (n < 1 || (int64_t)n * 13 > x->left)
        return ns__fail(err, NS_EFORMAT,
                        "%s: truncated model file (the header announces %d words, more than the "
                        "file holds) or a corrupt header", path, n);
    ns_vocab *v;
    ns_status s = ns_vocab_create(&v, err);
    char *word = NULL;
    for (int32_t w = 0; s == NS_OK && w < n; w++) {
        uint32_t len;
        int64_t count;
        char *bigger;
        int32_t id;
        if (!ns__hget(x, &len, 4) || len == 0 || len > x->left)
            s = ns__fail(err, NS_EFORMAT, "%s: truncated model file (while reading the vocabulary)", path);
        else if (!(bigger = realloc(word, len)))
            s = ns__nomem(err, "a vocabulary word", (double)len);
        else if (!ns__hget(x, word = bigger, len) || !ns__hget(x, &count, 8))
            s = ns__fail(err, NS_EFORMAT, "%s: truncated model file (while reading the vocabulary)", path);
        else if (count >= 0 && (s = ns_vocab_add(v, word, len, count, &id, err)) != NS_OK)
            ; /* out of memory, with its message */
        else if (count < 0 || id != w)
            s = ns__fail(err, NS_EFORMAT, "%s: corrupt vocabulary entry %d", path, w);
    }
    free(word);
    if (s != NS_OK) {
        ns_vocab_free(v);
        return s;
    }
    *out = v;
    return NS_OK;
}

void ns__hput_run(ns_hashed *x, const ns__run_state *r) {
    int64_t l[2] = {r->done, r->items};
    ns__hput(x, l, sizeof l);
    ns__hput(x, &r->threads, 4);
    ns__hput(x, &r->best, 8);
    ns__hput(x, &r->best_at, 8);
    ns__hput(x, &r->bad, 4);
    for (int32_t k = 0; k < r->threads; k++) {
        const ns__wstate *w = &r->w[k];
        ns__hput(x, &w->epoch, 4);
        ns__hput(x, &w->pos, 8);
        ns__hput(x, &w->rng, 8);
        ns__hput(x, &w->ep_loss, 8);
        ns__hput(x, &w->ep_pairs, 8);
    }
}

ns_status ns__hget_run(ns_hashed *x, const char *path, ns__run_state *out, ns_error *err) {
    ns__run_state r = {0};
    int64_t l[2];
    if (!ns__hget(x, l, sizeof l) || !ns__hget(x, &r.threads, 4) || !ns__hget(x, &r.best, 8) ||
        !ns__hget(x, &r.best_at, 8) || !ns__hget(x, &r.bad, 4))
        return ns__fail(err, NS_EFORMAT, "%s: truncated model file (while reading the run state)", path);
    r.done = l[0], r.items = l[1];
    if (r.done < 0 || r.items < 0 || r.threads < 0 || r.threads > 1024 || r.best_at < 0 || r.bad < 0 ||
        !(r.best >= 0) || (int64_t)r.threads * 36 > x->left)
        return ns__fail(err, NS_EFORMAT, "%s: corrupt run state (%lld done, %d threads)", path, (long long)r.done,
                        r.threads);
    if (r.threads && !(r.w = ns__malloc((size_t)r.threads, sizeof *r.w, "the workers' places", err))) return NS_ENOMEM;
    for (int32_t k = 0; k < r.threads; k++) {
        ns__wstate *w = &r.w[k];
        if (!ns__hget(x, &w->epoch, 4) || !ns__hget(x, &w->pos, 8) || !ns__hget(x, &w->rng, 8) ||
            !ns__hget(x, &w->ep_loss, 8) || !ns__hget(x, &w->ep_pairs, 8) || w->epoch < 0 || w->pos < 0 ||
            w->ep_pairs < 0) {
            free(r.w);
            return ns__fail(err, NS_EFORMAT, "%s: corrupt run state (worker %d)", path, k + 1);
        }
    }
    ns__run_state_free(out);
    *out = r;
    return NS_OK;
}
