/*
 * checkpoint.c - the .model file: everything needed to query a model or to
 * continue training it. Native little-endian layout:
 *
 *   "NSMODEL1"                     8 bytes magic
 *   u32 version, u32 0x01020304    format version, byte-order mark
 *   i32 task, dim, window, neg, epochs, threads
 *   i32 loss, i32 flags, f64 l2    flags bit 0: output biases follow the tables;
 *                                  bit 1: a separate output vocabulary follows
 *   i32 batch, f64 temperature
 *   f64 ns_exponent, sample, lr, min_lr_frac
 *   u64 seed
 *   i32 dns, max_trials, reject_anchor
 *   i64 min_count, i32 max_vocab, max_sentence, lines_are_sentences
 *                                  how the training text was read (words)
 *   i32 shared_vocab, i64 min_count  how the pairs were read (pairs)
 *   i32 minn, maxn, bucket         subwords (maxn 0: none)
 *   i32 negatives, f64 mcmc_alpha, mcmc_mix   where negatives come from
 *   i32 graph, method, walks_per_node, walk_length, order, undirected,
 *   f64 p, q                       graphs (graph 0: not trained on one)
 *   i32 V                          vocabulary size
 *   V x (u32 len, len bytes, i64 count)
 *   [i32 Vo, Vo x (u32 len, ...)]  output vocabulary, if flags bit 1 (else Vo = V)
 *   (V + B) x dim f32              input table: the words' rows, then with
 *                                  subwords the B = bucket n-gram rows
 *   Vo x dim f32                   output table
 *   Vo f32                         output biases, if flags bit 0
 *   run state                      how far training has come: the work done,
 *                                  each worker's place and random stream
 *                                  (io/hashed.c), so that a checkpoint
 *                                  resumes where it stopped
 *   the best validated state, if flags bit 3 (a checkpoint of a validated
 *   run whose best validation is not its last): its run state, then its
 *   input table, output table and biases, laid out as above
 *   a task's section, if flags bit 2: the recommender's
 *                                  (tasks/rec/file.c; ns_model_load refuses it)
 *   u64 FNV-1a of all bytes above
 *
 * Versions 3 to 6 are read, not written: 6 lacks the negatives' and
 * graph blocks (noise negatives, no graph), 5 also the subword options, 4
 * also the best state (flags bit 3), 3 also the dns ... shared_vocab block and the run state. Loading checks the magic, version, byte order, every size
 * against what remains of the file, the option ranges and the checksum.
 */
#include "io.h"

#include "core/core.h"
#include "data/vocab.h"
#include "model/model.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define FLAG_SECTION 4 /* a task section follows the run state */
#define FLAG_BEST 8    /* the best validated state follows the run state */

static int has_best(const ns_model *m) { return m->best && m->best_run.done > 0; }

static void put_table(ns_hashed *x, const ns_model *m, const float *t, int32_t rows) {
    for (int32_t r = 0; r < rows; r++) ns__hput(x, t + (size_t)r * (size_t)m->stride, (size_t)m->dim * 4);
}

/* Everything of the model file before the checksum; `more` adds flags. */
static void put_model(ns_hashed *x, const ns_model *m, int32_t more) {
    const ns_train_opts *o = &m->opts;
    uint32_t u[2] = {NS_MODEL_VERSION, 0x01020304u};
    int32_t i[7] = {(int32_t)o->task, m->dim, o->window, o->neg, o->epochs, o->threads, (int32_t)o->loss};
    double d[4] = {o->ns_exponent, o->sample, o->lr, o->min_lr_frac};
    ns__hput(x, NS_MODEL_MAGIC, 8);
    ns__hput(x, u, sizeof u);
    int32_t flags = (m->bias ? 1 : 0) | (m->vocab_out ? 2 : 0) | (has_best(m) ? FLAG_BEST : 0) | more;
    ns__hput(x, i, sizeof i);
    ns__hput(x, &flags, sizeof flags);
    ns__hput(x, &o->l2, sizeof o->l2);
    ns__hput(x, &o->batch, sizeof o->batch);
    ns__hput(x, &o->temperature, sizeof o->temperature);
    ns__hput(x, d, sizeof d);
    ns__hput(x, &o->seed, sizeof o->seed);
    int32_t more_i[3] = {o->dns, o->max_trials, o->reject_anchor};
    int32_t co[3] = {m->corpus.max_vocab, m->corpus.max_sentence, m->corpus.lines_are_sentences};
    ns__hput(x, more_i, sizeof more_i);
    ns__hput(x, &m->corpus.min_count, 8);
    ns__hput(x, co, sizeof co);
    ns__hput(x, &m->pairs.shared_vocab, 4);
    ns__hput(x, &m->pairs.min_count, 8);
    int32_t sub[3] = {o->minn, o->maxn, o->bucket};
    ns__hput(x, sub, sizeof sub);
    ns__hput(x, &o->negatives, 4);
    ns__hput(x, &o->mcmc_alpha, 8);
    ns__hput(x, &o->mcmc_mix, 8);
    const ns_graph_opts *g = &m->graph;
    int32_t gi[6] = {m->is_graph, m->is_graph ? (int32_t)g->method : 0, g->walks_per_node, g->walk_length, g->order,
                     g->undirected};
    double gd[2] = {g->p, g->q};
    ns__hput(x, gi, sizeof gi);
    ns__hput(x, gd, sizeof gd);
    ns__hput_vocab(x, m->vocab);
    if (m->vocab_out) ns__hput_vocab(x, m->vocab_out);
    put_table(x, m, m->in, ns__in_rows(m));
    put_table(x, m, m->out, m->rows_out);
    if (m->bias) ns__hput(x, m->bias, (size_t)m->rows_out * sizeof(float));
    ns__hput_run(x, &m->run);
    if (has_best(m)) {
        const float *b = m->best, *b_out = b + (size_t)ns__in_rows(m) * (size_t)m->stride;
        ns__hput_run(x, &m->best_run);
        put_table(x, m, b, ns__in_rows(m));
        put_table(x, m, b_out, m->rows_out);
        if (m->bias) ns__hput(x, b_out + (size_t)m->rows_out * (size_t)m->stride, (size_t)m->rows_out * sizeof(float));
    }
}

ns_status ns__model_save_with(const ns_model *m, const ns__model_section *sec, const char *path, ns_error *err) {
    ns_outfile out;
    ns_status s = ns__out_open(&out, path, err);
    if (s != NS_OK) return s;
    ns_hashed x = {out.f, NS_FNV_START, 0};
    put_model(&x, m, sec ? FLAG_SECTION : 0);
    if (sec) sec->put(&x, sec->ctx);
    uint64_t h = x.h;
    fwrite(&h, 1, 8, out.f);
    return ns__out_finish(&out, 1, err);
}

ns_status ns_model_save(const ns_model *m, const char *path, ns_error *err) {
    ns__err_clear(err);
    return ns__model_save_with(m, NULL, path, err);
}

#define TRUNC(what) \
    do { \
        s = ns__fail(err, NS_EFORMAT, "%s: truncated model file (while reading %s)", path, what); \
        goto fail; \
    } while (0)

/* The best state (flags bit 3) into m->best and m->best_run. */
static ns_status get_best(ns_hashed *x, const char *path, ns_model *m, ns_error *err) {
    ns_status s = ns__hget_run(x, path, &m->best_run, err);
    if (s != NS_OK) return s;
    int64_t need = ((int64_t)ns__in_rows(m) + m->rows_out) * m->dim * 4 + (m->bias ? (int64_t)m->rows_out * 4 : 0);
    if (m->best_run.done == 0 || need > x->left)
        return ns__fail(err, NS_EFORMAT, "%s: %s model file (while reading the best state)", path,
                        m->best_run.done == 0 ? "corrupt" : "truncated");
    if (!(m->best = ns__aligned(ns__model_state_floats(m), sizeof(float), "the best state's tables", err)))
        return NS_ENOMEM;
    float *b = m->best;
    int ok = 1;
    for (int32_t r = 0; r < ns__in_rows(m) + m->rows_out; r++, b += m->stride) ok = ok && ns__hget(x, b, (size_t)m->dim * 4);
    if (ok && m->bias) ok = ns__hget(x, b, (size_t)m->rows_out * 4);
    return ok ? NS_OK : ns__fail(err, NS_EFORMAT, "%s: truncated model file (while reading the best state)", path);
}

ns_status ns__model_load_with(ns_model **out, const ns__model_section *sec, const char *path, ns_error *err) {
    FILE *f = fopen(path, "rb");
    if (!f) return ns__fail(err, NS_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    ns_status s = NS_OK;
    ns_vocab *v = NULL, *vo = NULL;
    ns_model *m = NULL;
    if (fstat(fileno(f), &st) != 0) {
        fclose(f);
        return ns__fail(err, NS_EIO, "%s: cannot stat", path);
    }
    ns_hashed x = {f, NS_FNV_START, (int64_t)st.st_size - 8};
    char magic[8];
    uint32_t u[2];
    int32_t i[7];
    double d[4];
    ns_train_opts o;
    ns_train_opts_default(&o, NS_TASK_SKIPGRAM); /* fields the file does not hold */
    int64_t head = x.left + 8 < 8 ? x.left + 8 : 8; /* the file's first bytes, at most 8 */
    int has_magic = head == 8 && ns__hget(&x, magic, 8);
    if (!has_magic && head >= 4 && fread(magic, 1, 4, f) != 4) head = 0;
    if (!sec && head >= 4 && ns__is_fasttext(magic, 4)) {
        fclose(f);
        return ns__model_load_fasttext(out, path, err);
    }
    if (!has_magic || memcmp(magic, NS_MODEL_MAGIC, 8) != 0) {
        s = has_magic && memcmp(magic, NS_KG_MAGIC, 8) == 0
                ? ns__fail(err, NS_EFORMAT, "%s: a knowledge-graph model (kg-train): use kg-eval or kg-predict", path)
                : ns__fail(err, NS_EFORMAT, "%s: not a negsamp model file (bad magic)", path);
        goto fail;
    }
    if (!ns__hget(&x, u, sizeof u)) TRUNC("the header");
    if (u[0] < 3 || u[0] > NS_MODEL_VERSION) {
        s = ns__fail(err, NS_EFORMAT, "%s: model format version %u, this build reads 3 to %u", path,
                     u[0], NS_MODEL_VERSION);
        goto fail;
    }
    int v4 = u[0] >= 4;
    if (u[1] != 0x01020304u) {
        s = ns__fail(err, NS_EFORMAT, "%s: model written on a machine of other byte order", path);
        goto fail;
    }
    int32_t flags;
    if (!ns__hget(&x, i, sizeof i) || !ns__hget(&x, &flags, 4) || !ns__hget(&x, &o.l2, 8) || !ns__hget(&x, &o.batch, 4) ||
        !ns__hget(&x, &o.temperature, 8) || !ns__hget(&x, d, sizeof d) || !ns__hget(&x, &o.seed, 8))
        TRUNC("the options");
    ns_corpus_opts co;
    ns_pairs_opts po;
    ns_corpus_opts_default(&co);
    ns_pairs_opts_default(&po);
    if (v4) {
        int32_t more_i[3], ci[3];
        if (!ns__hget(&x, more_i, sizeof more_i) || !ns__hget(&x, &co.min_count, 8) || !ns__hget(&x, ci, sizeof ci) ||
            !ns__hget(&x, &po.shared_vocab, 4) || !ns__hget(&x, &po.min_count, 8))
            TRUNC("the options");
        o.dns = more_i[0], o.max_trials = more_i[1], o.reject_anchor = more_i[2];
        co.max_vocab = ci[0], co.max_sentence = ci[1], co.lines_are_sentences = ci[2];
        if (co.min_count < 1 || co.max_vocab < 0 || co.max_sentence < 1 || po.min_count < 1) {
            s = ns__fail(err, NS_EFORMAT, "%s: corrupt options in model header (how the data was read)", path);
            goto fail;
        }
    }
    if (u[0] >= 6) {
        int32_t sub[3];
        if (!ns__hget(&x, sub, sizeof sub)) TRUNC("the options");
        o.minn = sub[0], o.maxn = sub[1], o.bucket = sub[2];
    } else {
        o.maxn = 0; /* no subwords before version 6 */
    }
    int32_t gi[6] = {0};
    double gd[2] = {1, 1};
    if (u[0] >= 7 && (!ns__hget(&x, &o.negatives, 4) || !ns__hget(&x, &o.mcmc_alpha, 8) || !ns__hget(&x, &o.mcmc_mix, 8) ||
                      !ns__hget(&x, gi, sizeof gi) || !ns__hget(&x, gd, sizeof gd)))
        TRUNC("the options");
    ns_graph_opts go;
    ns_graph_opts_default(&go);
    if (gi[0]) {
        go.method = (ns_graph_method)gi[1], go.walks_per_node = gi[2], go.walk_length = gi[3], go.order = gi[4];
        go.undirected = gi[5] != 0, go.p = gd[0], go.q = gd[1];
        ns_error ge;
        if (gi[0] != 1 || ns_graph_opts_check(&go, &ge) != NS_OK) {
            s = ns__fail(err, NS_EFORMAT, "%s: corrupt graph options in model header", path);
            goto fail;
        }
    }
    if (flags & ~(3 | FLAG_SECTION | (u[0] >= 5 ? FLAG_BEST : 0))) {
        s = ns__fail(err, NS_EFORMAT, "%s: corrupt model header (unknown flags 0x%x)", path, (unsigned)flags);
        goto fail;
    }
    if (!(flags & FLAG_SECTION) != !sec) {
        s = ns__fail(err, sec ? NS_EINVAL : NS_EFORMAT,
                     sec ? "%s: not a recommender model (rec-train writes those)"
                         : "%s: a recommender model (rec-train): use rec-eval or recommend", path);
        goto fail;
    }
    o.bias = flags & 1;
    o.task = (ns_task)i[0], o.dim = i[1], o.window = i[2], o.neg = i[3], o.epochs = i[4];
    o.loss = (ns_loss)i[6];
    o.threads = i[5], o.ns_exponent = d[0], o.sample = d[1], o.lr = d[2], o.min_lr_frac = d[3];
    ns_error oe;
    if (ns_train_opts_check(&o, &oe) != NS_OK) {
        s = ns__fail(err, NS_EFORMAT, "%s: corrupt options in model header: %s", path, oe.msg);
        goto fail;
    }
    if ((s = ns__hget_vocab(&x, path, &v, err)) != NS_OK) goto fail;
    if ((flags & 2) && (s = ns__hget_vocab(&x, path, &vo, err)) != NS_OK) goto fail;
    int32_t V = ns_vocab_size(v), Vo = vo ? ns_vocab_size(vo) : V;
    int64_t B = o.maxn > 0 ? o.bucket : 0; /* the options' check allows subwords for words only */
    int64_t need = ((int64_t)V + B + Vo) * o.dim * 4 + (o.bias ? (int64_t)Vo * 4 : 0);
    if (sec || v4 ? need > x.left : need != x.left) {
        s = ns__fail(err, NS_EFORMAT,
                     "%s: %s model file: %lld bytes left for tables of %lld + %d rows of %d floats (%lld bytes)",
                     path, need > x.left ? "truncated" : "oversized", (long long)x.left, (long long)(V + B), Vo, o.dim,
                     (long long)need);
        goto fail;
    }
    if ((s = ns__model_alloc(&m, v, vo, &o, err)) != NS_OK) goto fail;
    v = vo = NULL;
    m->corpus = co, m->pairs = po;
    m->is_graph = gi[0], m->graph = go;
    for (int t = 0; t < 2; t++)
        for (int32_t r = 0; r < (t ? Vo : ns__in_rows(m)); r++)
            if (!ns__hget(&x, (t ? m->out : m->in) + (size_t)r * (size_t)m->stride, (size_t)o.dim * 4))
                TRUNC("the tables");
    if (o.bias && (s = ns__model_bias_resize(m, 0, Vo, err)) != NS_OK) goto fail;
    if (o.bias && !ns__hget(&x, m->bias, (size_t)Vo * 4)) TRUNC("the biases");
    if (v4 && (s = ns__hget_run(&x, path, &m->run, err)) != NS_OK) goto fail;
    if ((flags & FLAG_BEST) && (s = get_best(&x, path, m, err)) != NS_OK) goto fail;
    if (sec && (s = sec->get(&x, path, m, sec->ctx, err)) != NS_OK) goto fail;
    if (x.left != 0) {
        s = ns__fail(err, NS_EFORMAT, "%s: oversized model file (%lld bytes after the %s)", path, (long long)x.left,
                     sec ? "task section" : "tables");
        goto fail;
    }
    uint64_t want;
    if (fread(&want, 1, 8, f) != 8) TRUNC("the checksum");
    if (want != x.h) {
        s = ns__fail(err, NS_EFORMAT, "%s: checksum mismatch: the model file is corrupt", path);
        goto fail;
    }
    fclose(f);
    *out = m;
    return NS_OK;
fail:
    fclose(f);
    ns_vocab_free(v);
    ns_vocab_free(vo);
    ns_model_free(m);
    return s;
}

ns_status ns_model_load(ns_model **out, const char *path, ns_error *err) {
    ns__err_clear(err);
    return ns__model_load_with(out, NULL, path, err);
}
