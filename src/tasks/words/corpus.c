/*
 * corpus.c - reads whitespace-tokenised text into memory as word ids.
 *
 * One pass over the input: every token goes into a full vocabulary and its
 * raw id into an array, with -1 marking a line break. Then min-count and
 * max-vocab prune the vocabulary, the ids are remapped in place (dropped words
 * vanish, as in word2vec) and sentences are cut at line breaks (when lines are
 * sentences) and at max_sentence kept tokens. A file without line breaks thus
 * becomes pseudo-sentences of max_sentence tokens, and every epoch of the
 * trainer walks the whole array: no thread can miss part of the file.
 */
#include "negsamp.h"

#include "core/core.h"
#include "data/reader.h"
#include "data/vocab.h"
#include "tasks/words/corpus.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TOKEN 65536

struct ns_corpus {
    ns_corpus_opts opts;  /* how it was read */
    ns_vocab *vocab;
    int32_t *ids;
    int64_t n_tokens;
    int64_t *sent; /* sentence s is ids[sent[s] .. sent[s+1]) */
    int64_t n_sent;
};

void ns_corpus_opts_default(ns_corpus_opts *o) {
    o->min_count = 5;
    o->max_vocab = 0;
    o->max_sentence = 10000;
    o->lines_are_sentences = 1;
    o->fixed_vocab = 0;
}

void ns__corpus_opts_of(const ns_corpus *c, ns_corpus_opts *out) { *out = c->opts; }

typedef struct ids_buf {
    int32_t *a;
    int64_t n, cap;
} ids_buf;

static ns_status push(ids_buf *b, int32_t id, ns_error *err) {
    if (!ns__grow((void **)&b->a, &b->cap, b->n + 1, sizeof *b->a))
        return ns__nomem(err, "the corpus's word ids", 2.0 * (double)b->cap * sizeof *b->a);
    b->a[b->n++] = id;
    return NS_OK;
}

static int is_space(unsigned char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Tokenises the whole input into raw ids (into v) with -1 at line breaks;
 * with `fixed`, ids of v's words only (v unchanged, other tokens dropped).
 * *seen counts the tokens of the file. */
static ns_status read_tokens(const char *path, ns_vocab *v, int fixed, ids_buf *out, int64_t *seen, ns_error *err) {
    ns_reader *r;
    ns_status s = ns__reader_open(&r, path, err);
    if (s != NS_OK) return s;
    const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    enum { BUF = 1 << 20 };
    char *buf = ns__malloc(BUF, 1, "the read buffer", err), *tok = buf ? ns__malloc(MAX_TOKEN, 1, "a token", err) : NULL;
    if (!tok) {
        s = NS_ENOMEM;
        goto done;
    }
    size_t tlen = 0;
    int64_t line = 1;
    for (;;) {
        long got = ns__reader_read(r, buf, BUF, err);
        if (got < 0) {
            s = NS_EIO;
            goto done;
        }
        for (long i = 0; i <= got; i++) {
            int end = i == got;
            if (end && got > 0) break;
            unsigned char c = end ? '\n' : (unsigned char)buf[i];
            if (c == 0) {
                s = ns__fail(err, NS_EFORMAT, "%s:%lld: NUL byte: this is not a text file",
                             name, (long long)line);
                goto done;
            }
            if (!is_space(c)) {
                if (tlen == MAX_TOKEN) {
                    s = ns__fail(err, NS_EFORMAT,
                                 "%s:%lld: token longer than %d bytes: is this a text file?",
                                 name, (long long)line, MAX_TOKEN);
                    goto done;
                }
                tok[tlen++] = (char)c;
                continue;
            }
            if (tlen) {
                int32_t id = fixed ? ns_vocab_find(v, tok, tlen) : -1;
                if (!fixed && (s = ns_vocab_add(v, tok, tlen, 1, &id, err)) != NS_OK) goto done;
                if (id >= 0 && (s = push(out, id, err)) != NS_OK) goto done;
                tlen = 0, ++*seen;
            }
            if (c == '\n') {
                line++;
                if (out->n && out->a[out->n - 1] != -1 && (s = push(out, -1, err)) != NS_OK)
                    goto done;
            }
        }
        if (got == 0) break;
    }
done:
    free(buf);
    free(tok);
    ns__reader_close(r);
    return s;
}

/* Remaps raw ids in place and records sentence starts. */
static ns_status cut_sentences(ns_corpus *c, ids_buf *b, const int32_t *map, const ns_corpus_opts *o,
                               ns_error *err) {
    int64_t cap = 1024, n_sent = 0, w = 0, start = 0;
    int64_t *sent = ns__malloc((size_t)cap, sizeof *sent, "the sentence starts", err);
    if (!sent) return NS_ENOMEM;
    for (int64_t i = 0; i <= b->n; i++) {
        int32_t raw = i < b->n ? b->a[i] : -1;
        int32_t id = raw < 0 ? -1 : map[raw];
        if (id >= 0) b->a[w++] = id;
        int cut = (raw < 0 && o->lines_are_sentences) || i == b->n ||
                  w - start == o->max_sentence;
        if (cut && w > start) {
            if (n_sent + 1 >= cap) {
                int64_t *t = realloc(sent, (size_t)(cap *= 2) * sizeof *t);
                if (!t) {
                    free(sent);
                    return ns__nomem(err, "the sentence starts", (double)cap * sizeof *t);
                }
                sent = t;
            }
            sent[n_sent++] = start;
            start = w;
        }
    }
    sent[n_sent] = w;
    int32_t *ids = realloc(b->a, (size_t)(w ? w : 1) * sizeof *ids);
    c->ids = ids ? ids : b->a;
    b->a = NULL;
    c->n_tokens = w;
    c->sent = sent;
    c->n_sent = n_sent;
    return NS_OK;
}

ns_status ns_corpus_load(ns_corpus **out, const char *path, const ns_corpus_opts *o,
                         const ns_vocab *base, ns_error *err) {
    ns__err_clear(err);
    if (o->max_sentence < 1 || o->min_count < 1 || o->max_vocab < 0)
        return ns__fail(err, NS_EINVAL,
                        "corpus options: max_sentence and min_count must be >= 1, "
                        "max_vocab >= 0");
    if (o->fixed_vocab && !base) return ns__fail(err, NS_EINVAL, "corpus options: fixed_vocab needs a base vocabulary");
    const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    ns_corpus *c = ns__calloc(1, sizeof *c, "a corpus", err);
    if (!c) return NS_ENOMEM;
    ids_buf b = {0};
    int32_t *map = NULL;
    int32_t keep = base ? ns_vocab_size(base) : 0;
    c->opts = *o;
    ns_status s = base ? ns__vocab_clone(&c->vocab, base, err) : ns_vocab_create(&c->vocab, err);
    if (s != NS_OK) goto fail;
    int64_t seen = 0;
    if ((s = read_tokens(path, c->vocab, o->fixed_vocab, &b, &seen, err)) != NS_OK) goto fail;
    if (seen == 0) {
        s = ns__fail(err, NS_EEMPTY, "%s: no words in the file (empty input)", name);
        goto fail;
    }
    /* The most frequent new word, for the message when nothing is kept. */
    int32_t top = -1;
    for (int32_t i = keep; i < ns_vocab_size(c->vocab); i++)
        if (top < 0 || ns_vocab_count(c->vocab, i) > ns_vocab_count(c->vocab, top)) top = i;
    int64_t top_count = top >= 0 ? ns_vocab_count(c->vocab, top) : 0;
    char top_word[64] = "";
    if (top >= 0) snprintf(top_word, sizeof top_word, "%.60s", ns_vocab_word(c->vocab, top));
    /* Ids below `keep` stay; with a fixed vocabulary every id does. */
    if ((s = ns__vocab_prune(c->vocab, o->fixed_vocab ? ns_vocab_size(c->vocab) : keep, o->min_count, o->max_vocab,
                             &map, err)) != NS_OK)
        goto fail;
    if (ns_vocab_size(c->vocab) == 0) {
        s = ns__fail(err, NS_EEMPTY,
                     "%s: no word occurs at least %lld times (min-count); the most "
                     "frequent, '%s', occurs %lld times",
                     name, (long long)o->min_count, top_word, (long long)top_count);
        goto fail;
    }
    if ((s = cut_sentences(c, &b, map, o, err)) != NS_OK) goto fail;
    if (c->n_tokens == 0) {
        s = ns__fail(err, NS_EEMPTY, "%s: no token of the file is in the vocabulary", name);
        goto fail;
    }
    free(map);
    *out = c;
    return NS_OK;
fail:
    free(map);
    free(b.a);
    ns_corpus_free(c);
    return s;
}

void ns_corpus_free(ns_corpus *c) {
    if (!c) return;
    ns_vocab_free(c->vocab);
    free(c->ids);
    free(c->sent);
    free(c);
}

const ns_vocab *ns_corpus_vocab(const ns_corpus *c) { return c->vocab; }
int64_t ns_corpus_tokens(const ns_corpus *c) { return c->n_tokens; }
int64_t ns_corpus_sentences(const ns_corpus *c) { return c->n_sent; }

const int32_t *ns_corpus_sentence(const ns_corpus *c, int64_t s, int64_t *len) {
    *len = c->sent[s + 1] - c->sent[s];
    return c->ids + c->sent[s];
}

ns_status ns__corpus_from_ids(ns_corpus **out, const ns_vocab *vocab, const int64_t *start, int64_t n_sent,
                              const int32_t *ids, ns_error *err) {
    ns_corpus *c = ns__calloc(1, sizeof *c, "a corpus", err);
    if (!c) return NS_ENOMEM;
    ns_corpus_opts_default(&c->opts);
    int64_t n = start[n_sent] - start[0];
    ns_status s = ns__vocab_clone(&c->vocab, vocab, err);
    if (s == NS_OK && (!(c->ids = ns__malloc((size_t)n, sizeof *c->ids, "the corpus ids", err)) ||
                       !(c->sent = ns__malloc((size_t)n_sent + 1, sizeof *c->sent, "the sentence starts", err))))
        s = NS_ENOMEM;
    if (s != NS_OK) {
        ns_corpus_free(c);
        return s;
    }
    memcpy(c->ids, ids + start[0], (size_t)n * sizeof *ids);
    c->n_tokens = n;
    c->sent[0] = 0;
    for (int64_t i = 0; i < n_sent; i++)
        if (start[i + 1] > start[i]) c->sent[c->n_sent + 1] = start[i + 1] - start[0], c->n_sent++;
    *out = c;
    return NS_OK;
}
