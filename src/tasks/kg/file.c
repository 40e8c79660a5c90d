/*
 * kgfile.c - the knowledge-graph model file. Native little-endian layout:
 *
 *   "NSKGMOD1"                  8 bytes magic
 *   u32 version, u32 0x01020304 format version, byte-order mark
 *   i32 model, dim, loss, optim, reg, batch, neg, chunk, epochs, threads,
 *       bernoulli, exclude_true, patience
 *   f64 gamma, lr, reg_weight, adv_temperature
 *   i64 steps, valid_every, valid_max
 *   u64 seed
 *   entities, relations          vocabularies (see hashed.c)
 *   entity table, relation table whole rows (padding included, see kg.h)
 *   Adam: first moments of both tables; then the second moments (Adam) or
 *   the sums of squared gradients (Adagrad) of both
 *   run state                    steps done, each worker's pass, cursor and
 *                                random stream, the validation record
 *                                (hashed.c)
 *   i32 has_best; if 1: the best validated state's run state and tables
 *                                (a checkpoint taken after a better
 *                                validation than its own)
 *   u64 FNV-1a of all bytes above
 *
 * Version 1 (read, not written) had the steps done as a fourth i64 after
 * valid_max and nothing after the tables. Loading checks the magic,
 * version, byte order, the options, the sizes against the file's and the
 * checksum.
 */
#include "io/io.h"

#include "core/core.h"
#include "tasks/kg/kg.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define KG_VERSION 2u

int ns__kg_tables(const ns_kg *m, float *t[6], size_t len[6]) {
    size_t ne = (size_t)m->ne * (size_t)m->n, nr = (size_t)m->nr * (size_t)m->nrel;
    int k = 0;
    t[k] = m->E, len[k++] = ne;
    t[k] = m->R, len[k++] = nr;
    if (m->E1) t[k] = m->E1, len[k++] = ne, t[k] = m->R1, len[k++] = nr;
    t[k] = m->E2, len[k++] = ne;
    t[k] = m->R2, len[k++] = nr;
    return k;
}

ns_status ns_kg_save(const ns_kg *m, const char *path, ns_error *err) {
    ns__err_clear(err);
    ns_outfile out;
    ns_status s = ns__out_open(&out, path, err);
    if (s != NS_OK) return s;
    ns_hashed x = {out.f, NS_FNV_START, 0};
    const ns_kg_opts *o = &m->o;
    uint32_t u[2] = {KG_VERSION, 0x01020304u};
    int32_t i[13] = {(int32_t)o->model, o->dim, (int32_t)o->loss, (int32_t)o->optim, (int32_t)o->reg, o->batch,
                     o->neg, o->chunk, o->epochs, o->threads, o->bernoulli, o->exclude_true, o->patience};
    double d[4] = {o->gamma, o->lr, o->reg_weight, o->adv_temperature};
    int64_t l[3] = {o->steps, o->valid_every, o->valid_max};
    ns__hput(&x, NS_KG_MAGIC, 8);
    ns__hput(&x, u, sizeof u);
    ns__hput(&x, i, sizeof i);
    ns__hput(&x, d, sizeof d);
    ns__hput(&x, l, sizeof l);
    ns__hput(&x, &o->seed, 8);
    ns__hput_vocab(&x, m->ents);
    ns__hput_vocab(&x, m->rels);
    float *t[6];
    size_t len[6], off = 0;
    int n = ns__kg_tables(m, t, len);
    for (int k = 0; k < n; k++) ns__hput(&x, t[k], len[k] * sizeof(float));
    ns__hput_run(&x, &m->run);
    int32_t has_best = m->best && m->best_run.done > 0;
    ns__hput(&x, &has_best, 4);
    if (has_best) {
        ns__hput_run(&x, &m->best_run);
        for (int k = 0; k < n; off += len[k], k++) ns__hput(&x, m->best + off, len[k] * sizeof(float));
    }
    uint64_t h = x.h;
    fwrite(&h, 1, 8, out.f);
    return ns__out_finish(&out, 1, err);
}

#define BAD(st, ...) \
    do { \
        s = ns__fail(err, st, __VA_ARGS__); \
        goto fail; \
    } while (0)

ns_status ns_kg_load(ns_kg **out, const char *path, ns_error *err) {
    ns__err_clear(err);
    FILE *f = fopen(path, "rb");
    if (!f) return ns__fail(err, NS_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    ns_status s = NS_OK;
    ns_vocab *ve = NULL, *vr = NULL;
    ns_kg *m = NULL;
    if (fstat(fileno(f), &st) != 0) BAD(NS_EIO, "%s: cannot stat", path);
    ns_hashed x = {f, NS_FNV_START, (int64_t)st.st_size - 8};
    char magic[8];
    uint32_t u[2];
    int32_t i[13];
    double d[4];
    int64_t l[4] = {0, 0, 0, 0};
    ns_kg_opts o;
    if (x.left < 8 || !ns__hget(&x, magic, 8)) BAD(NS_EFORMAT, "%s: not a negsamp model file (too short)", path);
    if (memcmp(magic, NS_MODEL_MAGIC, 8) == 0)
        BAD(NS_EFORMAT, "%s: a word, pair or recommender model, not a knowledge-graph model (kg-train writes those)",
            path);
    if (memcmp(magic, NS_KG_MAGIC, 8) != 0) BAD(NS_EFORMAT, "%s: not a negsamp model file (bad magic)", path);
    if (!ns__hget(&x, u, sizeof u) || !ns__hget(&x, i, sizeof i) || !ns__hget(&x, d, sizeof d))
        BAD(NS_EFORMAT, "%s: truncated model file (while reading the header)", path);
    if (u[0] != KG_VERSION && u[0] != 1)
        BAD(NS_EFORMAT, "%s: model format version %u, this build reads 1 and %u", path, u[0], KG_VERSION);
    if (!ns__hget(&x, l, (u[0] == 1 ? 4 : 3) * sizeof *l))
        BAD(NS_EFORMAT, "%s: truncated model file (while reading the header)", path);
    if (u[1] != 0x01020304u) BAD(NS_EFORMAT, "%s: model written on a machine of other byte order", path);
    ns_kg_opts_default(&o);
    o.model = (ns_kg_model)i[0], o.dim = i[1], o.loss = (ns_kg_loss)i[2], o.optim = (ns_kg_optim)i[3];
    o.reg = (ns_kg_reg)i[4], o.batch = i[5], o.neg = i[6], o.chunk = i[7], o.epochs = i[8], o.threads = i[9];
    o.bernoulli = i[10], o.exclude_true = i[11], o.patience = i[12];
    o.gamma = d[0], o.lr = d[1], o.reg_weight = d[2], o.adv_temperature = d[3];
    o.steps = l[0], o.valid_every = l[1], o.valid_max = l[2];
    if (!ns__hget(&x, &o.seed, 8)) BAD(NS_EFORMAT, "%s: truncated model file (while reading the header)", path);
    ns_error oe;
    if (ns_kg_opts_check(&o, &oe) != NS_OK || l[3] < 0)
        BAD(NS_EFORMAT, "%s: corrupt options in the model header: %s", path, l[3] < 0 ? "steps done < 0" : oe.msg);
    if ((s = ns__hget_vocab(&x, path, &ve, err)) != NS_OK || (s = ns__hget_vocab(&x, path, &vr, err)) != NS_OK)
        goto fail;
    double state = ns__kg_state_bytes(&o, ns_vocab_size(ve), ns_vocab_size(vr));
    if (state > (double)x.left)
        BAD(NS_EFORMAT, "%s: truncated model file or a corrupt header: %d entities and %d relations at dim %d need "
            "%.0f bytes, %lld are left", path, ns_vocab_size(ve), ns_vocab_size(vr), o.dim, state, (long long)x.left);
    s = ns__kg_alloc(&m, ve, vr, &o, err);
    ve = vr = NULL; /* taken over */
    if (s != NS_OK) goto fail;
    m->run.done = l[3];
    float *t[6];
    size_t len[6], need = 0;
    int n = ns__kg_tables(m, t, len);
    for (int k = 0; k < n; k++) need += len[k] * sizeof(float);
    if (u[0] == 1 ? (int64_t)need != x.left : (int64_t)need > x.left)
        BAD(NS_EFORMAT, "%s: %s model file: %lld bytes left for tables of %lld bytes", path,
            (int64_t)need > x.left ? "truncated" : "oversized", (long long)x.left, (long long)need);
    for (int k = 0; k < n; k++)
        if (!ns__hget(&x, t[k], len[k] * sizeof(float)))
            BAD(NS_EFORMAT, "%s: truncated model file (while reading the tables)", path);
    if (u[0] >= 2) {
        int32_t has_best;
        if ((s = ns__hget_run(&x, path, &m->run, err)) != NS_OK) goto fail;
        if (!ns__hget(&x, &has_best, 4) || has_best < 0 || has_best > 1)
            BAD(NS_EFORMAT, "%s: truncated or corrupt model file (after the run state)", path);
        if (has_best && (s = ns__hget_run(&x, path, &m->best_run, err)) != NS_OK) goto fail;
        if (has_best && (int64_t)need > x.left)
            BAD(NS_EFORMAT, "%s: truncated model file (while reading the best state)", path);
        if (has_best && !(m->best = ns__aligned(need / sizeof(float), sizeof(float), "the best state", err))) {
            s = NS_ENOMEM;
            goto fail;
        }
        if (has_best && !ns__hget(&x, m->best, need))
            BAD(NS_EFORMAT, "%s: truncated model file (while reading the best state)", path);
        if (x.left != 0) BAD(NS_EFORMAT, "%s: oversized model file (%lld bytes after the tables)", path, (long long)x.left);
    }
    uint64_t want;
    if (fread(&want, 1, 8, f) != 8) BAD(NS_EFORMAT, "%s: truncated model file (while reading the checksum)", path);
    if (want != x.h) BAD(NS_EFORMAT, "%s: checksum mismatch: the model file is corrupt", path);
    fclose(f);
    *out = m;
    return NS_OK;
fail:
    fclose(f);
    ns_vocab_free(ve), ns_vocab_free(vr);
    ns_kg_free(m);
    return s;
}
