/*
 * run.h - what every trainer shares: Hogwild worker threads over shards of
 * the data, a learning rate that decays linearly with the global amount of
 * work done, per-epoch exact losses, and progress reports from the calling
 * thread.
 *
 * A trainer fills an ns_run (model, options, kernels, noise, units of work
 * an epoch, its own data in `task`), sets each worker's shard [first, last)
 * and calls ns__run_threads with its worker function. The worker walks its
 * shard every epoch, counts its work and loss in an ns_tally, calls
 * ns__run_flush every few thousand units (which returns the new learning
 * rate) and ns__run_epoch_done at the end of each epoch.
 */
#ifndef NS_RUN_H
#define NS_RUN_H

#include "negsamp.h"

#include "kernels/kernels.h"
#include "model/model.h"
#include "sample/sample.h"

#include <pthread.h>
#include <stdatomic.h>

typedef struct ns_run {
    ns_model *m;
    const ns_train_opts *o;
    const ns_kernels *k;
    ns_noise noise;        /* negatives and the NCE / sampled-softmax shift */
    const void *task;      /* the trainer's data */
    int64_t per_epoch;     /* units of work (tokens, pairs) an epoch */
    int64_t total_work;    /* epochs * per_epoch */
    atomic_llong done;     /* units processed, all threads */
    atomic_int stop;       /* 1 = the callback asked, 2 = out of memory,
                              3 = diverged (an epoch's loss is not finite) */
    int diverged;          /* that epoch (monitor thread only) */
} ns_run;

typedef struct ns_worker {
    ns_run *run;
    int id;
    int64_t first, last;   /* the shard, in the trainer's units (sentences, pairs) */
    pthread_t thread;
    /* Written by this worker only; read by the monitor after `epochs_done`
     * (release/acquire) or as relaxed running figures. */
    double *epoch_loss;    /* per epoch: loss sum */
    int64_t *epoch_pairs;  /* per epoch: positive pairs */
    atomic_int epochs_done;
    _Atomic double run_loss;
    atomic_llong run_pairs;
    _Atomic double lr;
} ns_worker;

/* The learning rate after `done` units of all threads. */
double ns__run_lr(const ns_run *r, int64_t done);
/* A worker's counts: since its last flush (units of work, loss sum,
 * positive pairs) and over the current epoch. */
typedef struct ns_tally {
    int64_t units, pairs, ep_pairs;
    double loss, ep_loss;
} ns_tally;

/* Adds the counts since the last flush to the shared ones and to the
 * epoch's, clears them; returns the new lr. */
float ns__run_flush(ns_worker *w, ns_tally *t);
/* Records the finished epoch's loss sum and positive pairs; clears t. */
void ns__run_epoch_done(ns_worker *w, int epoch, ns_tally *t);

/* A uniform random permutation of a[0..n) (Fisher-Yates). */
void ns__shuffle(int64_t *a, int64_t n, ns_rng *rng);
/* Non-zero once the run should stop. */
static inline int ns__run_stopped(ns_run *r) { return atomic_load_explicit(&r->stop, memory_order_relaxed); }

/* The block update settings of a run for output columns ids[0..nb): the
 * loss, lr, L2 and temperature of the options, labels y or positive columns
 * pos, and per column the NCE / sampled-softmax shift and the bias pointer
 * when the run has them (written to shift[] and bias[], nb entries each). */
ns_block ns__run_block(const ns_run *r, float lr, const int32_t *ids, int nb, const float *y, const int *pos,
                       float *shift, float **bias);

/* Splits items [0, n) into `nt` shards of about equal weight, weight(i)
 * given by `len` (NULL = 1 each). */
void ns__run_shards(ns_worker *w, int nt, int64_t n, int64_t (*len)(const void *task, int64_t i),
                    const void *task);

/* Starts o->threads workers running `work` (an ns_worker * argument; the
 * shards are set by `split`), reports progress to cb every `interval`
 * seconds and at each epoch's end, joins them. On success the model keeps
 * the options (o->noise_weights dropped). Releases r->noise. */
ns_status ns__run_threads(ns_run *r, void *(*work)(void *),
                          void (*split)(ns_worker *w, int nt, const void *task), ns_progress_fn cb,
                          void *user, double interval, ns_error *err);

#endif
