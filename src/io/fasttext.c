/*
 * fasttext.c - fastText's .bin model files (version 12, as fastText 0.9
 * writes them), read and written; learned from the format's public
 * description and from files written by Debian's fasttext. Little-endian:
 *
 *   i32 magic 793712314, i32 version 12
 *   args: i32 dim, ws, epoch, minCount, neg, wordNgrams, loss (1 hs, 2 ns,
 *         3 softmax, 4 one-vs-all), model (1 cbow, 2 skip-gram, 3
 *         supervised), bucket, minn, maxn, lrUpdateRate; f64 t
 *   dictionary: i32 size, nwords, nlabels; i64 ntokens, pruneidx_size
 *         (-1: not pruned); size x (word bytes, '\0', i64 count, i8 type
 *         0 word / 1 label); pruneidx_size x (i32, i32)
 *   u8 quantized input; input matrix: i64 rows (nwords + bucket), i64 dim,
 *         rows x dim f32
 *   u8 quantized output; output matrix: i64 rows (nwords), i64 dim, f32s
 *
 * A word's n-grams use the same hash and order in both tools (subword.c),
 * and the end-of-sentence word "</s>" has none in both, so that the bucket
 * rows mean the same thing. Read: skip-gram and CBOW models; supervised and
 * quantized (.ftz) ones are refused with a message. Every size is checked
 * against what remains of the file before anything is allocated.
 */
#include "io.h"

#include "core/core.h"
#include "data/vocab.h"
#include "model/model.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define FT_MAGIC 793712314
#define FT_VERSION 12
#define FT_MAX_WORD 65536

int ns__is_fasttext(const void *head, size_t n) {
    int32_t magic;
    if (n < 4) return 0;
    memcpy(&magic, head, 4);
    return magic == FT_MAGIC;
}

/* ---- writing -------------------------------------------------------------- */

static void put(FILE *f, const void *p, size_t n) { fwrite(p, 1, n, f); }

static void put_matrix(FILE *f, const ns_model *m, const float *t, int32_t rows) {
    int64_t size[2] = {rows, m->dim};
    uint8_t quant = 0;
    put(f, &quant, 1);
    put(f, size, sizeof size);
    for (int32_t r = 0; r < rows; r++) put(f, t + (size_t)r * (size_t)m->stride, (size_t)m->dim * sizeof(float));
}

ns_status ns_model_export_fasttext(const ns_model *m, const char *path, ns_error *err) {
    ns__err_clear(err);
    const ns_train_opts *o = &m->opts;
    if (m->vocab_out || (o->task != NS_TASK_SKIPGRAM && o->task != NS_TASK_CBOW))
        return ns__fail(err, NS_EINVAL, "%s: only word models (skip-gram, CBOW) have a fastText form", path);
    ns_outfile out;
    ns_status s = ns__out_open(&out, path, err);
    if (s != NS_OK) return s;
    int sub = m->buckets > 0;
    int64_t min_count = m->corpus.min_count;
    int32_t head[2] = {FT_MAGIC, FT_VERSION};
    int32_t args[12] = {m->dim, o->window, o->epochs, min_count > INT32_MAX ? INT32_MAX : (int32_t)min_count,
                        o->neg, 1, 2, o->task == NS_TASK_CBOW ? 1 : 2, sub ? m->buckets : 0, sub ? o->minn : 0,
                        sub ? o->maxn : 0, 100};
    double t = o->sample >= 0 ? o->sample : 1e-4; /* NS_AUTO before any training: fastText's default */
    put(out.f, head, sizeof head);
    put(out.f, args, sizeof args);
    put(out.f, &t, sizeof t);
    int32_t dict[3] = {m->rows, m->rows, 0};
    int64_t tokens[2] = {ns_vocab_total(m->vocab), -1};
    put(out.f, dict, sizeof dict);
    put(out.f, tokens, sizeof tokens);
    for (int32_t w = 0; w < m->rows; w++) {
        const char *word = ns_vocab_word(m->vocab, w);
        int64_t count = ns_vocab_count(m->vocab, w);
        int8_t type = 0;
        put(out.f, word, strlen(word) + 1);
        put(out.f, &count, sizeof count);
        put(out.f, &type, 1);
    }
    put_matrix(out.f, m, m->in, ns__in_rows(m));
    put_matrix(out.f, m, m->out, m->rows);
    return ns__out_finish(&out, 1, err);
}

/* ---- reading -------------------------------------------------------------- */

typedef struct ft_in {
    FILE *f;
    const char *path;
    int64_t left; /* bytes not read yet */
} ft_in;

static int get(ft_in *x, void *p, size_t n) {
    if ((int64_t)n > x->left || fread(p, 1, n, x->f) != n) return 0;
    x->left -= (int64_t)n;
    return 1;
}

#define FAIL(...) \
    do { \
        s = ns__fail(err, NS_EFORMAT, __VA_ARGS__); \
        goto fail; \
    } while (0)
#define TRUNC(what) FAIL("%s: truncated fastText model (while reading %s)", x.path, what)

/* A dense matrix's rows into table t (stride apart), `skip` more rows read
 * past; its header says rows x dim. */
static ns_status get_matrix(ft_in *x, const ns_model *m, float *t, int64_t rows, int64_t skip, const char *what,
                            ns_error *err) {
    for (int64_t r = 0; r < rows; r++)
        if (!get(x, t + (size_t)r * (size_t)m->stride, (size_t)m->dim * sizeof(float)))
            return ns__fail(err, NS_EFORMAT, "%s: truncated fastText model (while reading the %s)", x->path, what);
    int64_t bytes = skip * m->dim * (int64_t)sizeof(float);
    if (bytes > x->left || fseeko(x->f, (off_t)bytes, SEEK_CUR) != 0)
        return ns__fail(err, NS_EFORMAT, "%s: truncated fastText model (while reading the %s)", x->path, what);
    x->left -= bytes;
    return NS_OK;
}

/* The header of a matrix: its quantization flag and sizes, checked. */
static ns_status matrix_head(ft_in *x, const char *what, int64_t want_dim, int64_t *rows, ns_error *err) {
    uint8_t quant;
    int64_t size[2];
    if (!get(x, &quant, 1) || !get(x, size, sizeof size))
        return ns__fail(err, NS_EFORMAT, "%s: truncated fastText model (while reading the %s)", x->path, what);
    if (quant)
        return ns__fail(err, NS_EFORMAT, "%s: a quantized fastText model (.ftz): not supported, use the .bin it was "
                        "quantized from", x->path);
    if (size[1] != want_dim || size[0] < 0)
        return ns__fail(err, NS_EFORMAT, "%s: corrupt fastText model: %s of %lld x %lld, the header says dim %lld",
                        x->path, what, (long long)size[0], (long long)size[1], (long long)want_dim);
    if (size[0] * size[1] * (int64_t)sizeof(float) > x->left)
        return ns__fail(err, NS_EFORMAT, "%s: truncated fastText model: the %s needs %lld rows of %lld floats, %lld "
                        "bytes are left", x->path, what, (long long)size[0], (long long)size[1], (long long)x->left);
    *rows = size[0];
    return NS_OK;
}

ns_status ns__model_load_fasttext(ns_model **out, const char *path, ns_error *err) {
    FILE *f = fopen(path, "rb");
    if (!f) return ns__fail(err, NS_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0) {
        fclose(f);
        return ns__fail(err, NS_EIO, "%s: cannot stat", path);
    }
    ft_in x = {f, path, (int64_t)st.st_size};
    ns_status s = NS_OK;
    ns_vocab *v = NULL;
    ns_model *m = NULL;
    char *word = NULL;
    int32_t head[2], a[12], dict[3];
    double t;
    int64_t tokens[2];
    if (!get(&x, head, sizeof head)) TRUNC("the header");
    if (head[0] != FT_MAGIC) FAIL("%s: not a fastText model (bad magic)", path);
    if (head[1] != FT_VERSION) FAIL("%s: fastText model version %d, this build reads version %d", path, head[1], FT_VERSION);
    if (!get(&x, a, sizeof a) || !get(&x, &t, sizeof t)) TRUNC("the options");
    enum { DIM, WS, EPOCH, MINCOUNT, NEG, WORDNGRAMS, LOSS, MODEL, BUCKET, MINN, MAXN };
    if (a[MODEL] == 3) FAIL("%s: a supervised fastText model (a classifier): word vectors are expected", path);
    if (a[MODEL] != 1 && a[MODEL] != 2) FAIL("%s: corrupt fastText model: unknown model kind %d", path, a[MODEL]);
    ns_train_opts o;
    ns_train_opts_default(&o, a[MODEL] == 1 ? NS_TASK_CBOW : NS_TASK_SKIPGRAM);
    o.dim = a[DIM], o.window = a[WS], o.epochs = a[EPOCH], o.neg = a[NEG] > 0 ? a[NEG] : o.neg;
    o.sample = t >= 0 && t < 1 ? t : o.sample;
    o.maxn = a[MAXN] > 0 ? a[MAXN] : 0;
    if (o.maxn) o.minn = a[MINN], o.bucket = a[BUCKET];
    ns_error oe;
    if (ns_train_opts_check(&o, &oe) != NS_OK) FAIL("%s: unsupported or corrupt fastText options: %s", path, oe.msg);
    if (!get(&x, dict, sizeof dict) || !get(&x, tokens, sizeof tokens)) TRUNC("the dictionary");
    /* the least an entry takes: a 1-byte word, its '\0', count and type */
    if (dict[0] < 1 || dict[1] < 0 || dict[2] < 0 || dict[1] + (int64_t)dict[2] != dict[0] ||
        (int64_t)dict[0] * 11 > x.left)
        FAIL("%s: truncated or corrupt fastText model: a dictionary of %d entries (%d words, %d labels) cannot fit in "
             "the %lld bytes left", path, dict[0], dict[1], dict[2], (long long)x.left);
    if (dict[2] > 0) FAIL("%s: a fastText model with %d labels (a classifier): word vectors are expected", path, dict[2]);
    if (tokens[1] >= 0) FAIL("%s: a pruned fastText model (quantized with -cutoff): not supported", path);
    if ((s = ns_vocab_create(&v, err)) != NS_OK) goto fail;
    if (!(word = ns__malloc(FT_MAX_WORD + 1, 1, "a word", err))) {
        s = NS_ENOMEM;
        goto fail;
    }
    for (int32_t i = 0; i < dict[0]; i++) {
        size_t n = 0;
        int c;
        while (n <= FT_MAX_WORD && x.left > 0 && (c = fgetc(f)) != EOF && (x.left--, c != 0)) word[n++] = (char)c;
        if (n > FT_MAX_WORD) FAIL("%s: corrupt fastText model: word %d is longer than %d bytes", path, i + 1, FT_MAX_WORD);
        int64_t count;
        int8_t type;
        if (x.left < 9 || !get(&x, &count, 8) || !get(&x, &type, 1)) TRUNC("the dictionary");
        if (n == 0 || count < 0 || type != 0)
            FAIL("%s: corrupt fastText model: dictionary entry %d (%s)", path, i + 1,
                 n == 0 ? "an empty word" : count < 0 ? "a negative count" : "not a word");
        int32_t id;
        if ((s = ns_vocab_add(v, word, n, count, &id, err)) != NS_OK) goto fail;
        if (id != i) FAIL("%s: corrupt fastText model: word '%.*s' twice in the dictionary", path, (int)(n > 60 ? 60 : n), word);
    }
    int64_t rows_in, rows_out;
    if ((s = matrix_head(&x, "input matrix", o.dim, &rows_in, err)) != NS_OK) goto fail;
    /* without subwords a fastText file may still carry unused bucket rows */
    int64_t want = dict[1] + (int64_t)(o.maxn ? o.bucket : 0);
    if (rows_in != want && !(o.maxn == 0 && rows_in == dict[1] + (int64_t)a[BUCKET]))
        FAIL("%s: corrupt fastText model: input matrix of %lld rows for %d words and %d buckets", path,
             (long long)rows_in, dict[1], o.maxn ? o.bucket : 0);
    if ((s = ns__model_alloc(&m, v, NULL, &o, err)) != NS_OK) goto fail;
    v = NULL;
    m->corpus.min_count = a[MINCOUNT] > 0 ? a[MINCOUNT] : 1;
    if ((s = get_matrix(&x, m, m->in, want, rows_in - want, "input matrix", err)) != NS_OK) goto fail;
    if ((s = matrix_head(&x, "output matrix", o.dim, &rows_out, err)) != NS_OK) goto fail;
    if (rows_out != dict[1])
        FAIL("%s: corrupt fastText model: output matrix of %lld rows for %d words", path, (long long)rows_out, dict[1]);
    if ((s = get_matrix(&x, m, m->out, rows_out, 0, "output matrix", err)) != NS_OK) goto fail;
    if (x.left != 0) FAIL("%s: corrupt fastText model: %lld bytes after the output matrix", path, (long long)x.left);
    fclose(f);
    free(word);
    *out = m;
    return NS_OK;
fail:
    fclose(f);
    free(word);
    ns_vocab_free(v);
    ns_model_free(m);
    return s;
}
