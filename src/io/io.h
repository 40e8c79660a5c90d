/*
 * io.h - output files written atomically: a temporary file beside the
 * target, renamed over it only after every byte was written and the file
 * closed without error. A failed write leaves any old file untouched.
 */
#ifndef NS_IO_H
#define NS_IO_H

#include "negsamp.h"

#include "core/progress.h"

#include <stdint.h>
#include <stdio.h>

typedef struct ns_outfile {
    FILE *f;
    char *tmp;
    const char *path;
} ns_outfile;

ns_status ns__out_open(ns_outfile *o, const char *path, ns_error *err);
/* Closes, checks for write errors and renames; on any failure removes the
 * temporary file. Also call it on error paths with ok = 0 to discard. */
ns_status ns__out_finish(ns_outfile *o, int ok, ns_error *err);

/* A model file being written or read, with the FNV-1a hash of every byte
 * so far (start h at 0xcbf29ce484222325); `left` counts the bytes not yet
 * read, so that no size read from the file can make a reader overrun it. */
typedef struct ns_hashed {
    FILE *f;
    uint64_t h;
    int64_t left;
} ns_hashed;

#define NS_FNV_START 0xcbf29ce484222325ULL

void ns__hput(ns_hashed *x, const void *p, size_t n);
/* 0 if fewer than n bytes are left. */
int ns__hget(ns_hashed *x, void *p, size_t n);
void ns__hput_vocab(ns_hashed *x, const ns_vocab *v);
/* Checks every length against what is left; messages name `path`. */
ns_status ns__hget_vocab(ns_hashed *x, const char *path, ns_vocab **out, ns_error *err);
/* A run state (core/progress.h): i64 done, items, i32 threads, f64 best,
 * i64 best_at, i32 bad, then per thread i32 epoch, i64 pos, u64 rng,
 * f64 epoch loss, i64 epoch positives. */
void ns__hput_run(ns_hashed *x, const ns__run_state *r);
ns_status ns__hget_run(ns_hashed *x, const char *path, ns__run_state *out, ns_error *err);

/* A task's own section of the .model file (flags bit 2), after the run
 * state: `put` writes it; `get` reads it, checking it against the model
 * just read (x->left: its bytes before the checksum; what get keeps goes
 * into ctx, which the caller frees whatever the outcome). */
typedef struct ns__model_section {
    void (*put)(ns_hashed *x, const void *ctx);
    ns_status (*get)(ns_hashed *x, const char *path, const ns_model *m, void *ctx, ns_error *err);
    void *ctx;
} ns__model_section;

/* ns_model_save / ns_model_load with a task section (sec NULL: none; a
 * file with a section is refused then, and one without when sec is given). */
ns_status ns__model_save_with(const ns_model *m, const ns__model_section *sec, const char *path, ns_error *err);
ns_status ns__model_load_with(ns_model **out, const ns__model_section *sec, const char *path, ns_error *err);

/* fastText's .bin files (fasttext.c): whether the first n bytes are its
 * magic; a skip-gram or CBOW model read into a word model. */
int ns__is_fasttext(const void *head, size_t n);
ns_status ns__model_load_fasttext(ns_model **out, const char *path, ns_error *err);

#define NS_MODEL_MAGIC "NSMODEL1"
#define NS_KG_MAGIC "NSKGMOD1" /* kgfile.c */
#define NS_MODEL_VERSION 7u

#endif
