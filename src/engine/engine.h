/*
 * engine.h - the trainer engine every task runs on: Hogwild worker threads,
 * the learning-rate schedule, progress reports, pauses (validation with
 * best-state keeping and early stopping, checkpoints), cancel, divergence
 * and resuming from a saved run state (core/progress.h).
 *
 * A task describes its work in an ns__task and brings the functions that
 * do it. The work is handed out in one of two ways:
 *   SHARDS  each worker owns a contiguous part [first, last) of the items
 *           (sentences, pairs, positives; cut to equal weight) and walks all
 *           of it every epoch; run() processes items from w->pos on, a few
 *           thousand units at a time, and advances w->pos. The learning rate
 *           decays linearly with the units done by all threads.
 *   STEPS   workers claim global step numbers one at a time (w->step) and
 *           run() takes one optimiser step; the learning rate is lr, then
 *           lr/10 from half of all steps on (the RotatE schedule).
 * run() is called from the workers; sync, validate, snapshot and save from
 * the calling thread while every worker is stopped between two calls of
 * run() (a pause). Pauses come at the ends of epochs (SHARDS) or at step
 * counts (STEPS) that validation and checkpoints ask for, and at the time
 * intervals of hooks->checkpoint_seconds.
 *
 * Threads read and write the shared tables without locks (Hogwild), the
 * one intended race; everything the engine shares is atomic or under its
 * mutex.
 */
#ifndef NS_ENGINE_H
#define NS_ENGINE_H

#include "negsamp.h"

#include "core/core.h"
#include "core/progress.h"

#include <pthread.h>
#include <stdatomic.h>

typedef enum ns__mode { NS__SHARDS = 0, NS__STEPS = 1 } ns__mode;

/* What a call of run() did: units of work, positives and their loss sum. */
typedef struct ns__tally {
    int64_t units, pairs;
    double loss;
} ns__tally;

/* A worker. The task reads and writes the first block; the rest is the
 * engine's. */
typedef struct ns__worker {
    int id;
    int64_t first, last;  /* SHARDS: the worker's items */
    int64_t pos;          /* SHARDS: the next item; STEPS: the task's cursor */
    int32_t epoch;        /* SHARDS: the epoch under way (0-based); STEPS:
                             the task's pass counter */
    int64_t step;         /* STEPS: the step run() is to take */
    ns_rng rng;           /* the worker's random stream (saved on pauses) */
    void *scratch;        /* the task's buffers */
    ns_error err;         /* run() and worker_init() put their messages here */

    struct ns__engine *e;
    pthread_t thread;
    double ep_loss;       /* the epoch so far */
    int64_t ep_pairs;
    double *epoch_loss;   /* SHARDS: per finished epoch, read by the
                             monitor after epochs_done (release/acquire) */
    int64_t *epoch_pairs;
    atomic_int epochs_done;
    _Atomic double run_loss, lr;  /* running figures, relaxed */
    atomic_llong run_pairs;
} ns__worker;

typedef struct ns__task {
    const char *unit;      /* what the work is counted in, for progress */
    ns__mode mode;
    int32_t threads;
    uint64_t seed;         /* fresh workers' streams derive from it */
    /* SHARDS */
    int64_t items;         /* split into the shards */
    int64_t (*weight)(const void *data, int64_t item); /* NULL: 1 each */
    int64_t per_epoch;     /* units an epoch */
    int32_t epochs;
    int64_t *order;        /* NULL, or a permutation of the items that each
                              worker reshuffles its slice of at the start of
                              every epoch (ns__epoch_shuffle), also replaying
                              the earlier epochs' shuffles when it resumes */
    /* STEPS */
    int64_t steps;
    int64_t step_items;    /* what the workers' cursors index (a check on
                              resume) */
    /* The schedule: lr decaying to lr * min_lr_frac (SHARDS) or halves
     * (STEPS). */
    double lr, min_lr_frac;
    const char *diverge_hint; /* added to the "lower the learning rate" advice */
    /* Validation every valid_every epochs (STEPS: steps) and at the end,
     * higher is better; stops after `patience` worse ones (0: never). */
    int64_t valid_every;
    int32_t patience;
    const char *metric;    /* the validation's name */

    void *data;
    /* In the worker thread before its first run(); w->epoch and w->pos are
     * set (a resumed worker may be in the middle of an epoch). */
    ns_status (*worker_init)(void *data, ns__worker *w);
    /* Frees what w->scratch holds (the engine frees the block itself). */
    void (*scratch_free)(void *scratch);
    ns_status (*run)(void *data, ns__worker *w, float lr, ns__tally *t);
    /* At every pause and at the end, may be NULL: bring the model up to
     * date for reading and saving (dense Adam's skipped steps). */
    ns_status (*sync)(void *data, int64_t done, ns_error *err);
    /* May be NULL (no validation). */
    ns_status (*validate)(void *data, double *metric, ns_error *err);
    /* Keeps (restore = 0) or brings back (1) a copy of the model's state:
     * the best validated one. */
    ns_status (*snapshot)(void *data, int restore, ns_error *err);
    /* Writes a checkpoint: the model with run state `now` and, when `best`
     * is set, the snapshot with run state `best`. */
    ns_status (*save)(void *data, const char *path, const ns__run_state *now, const ns__run_state *best,
                      ns_error *err);
} ns__task;

/* Runs the task from run state *rs (a fresh one: all zero) to the end of
 * its schedule, an early stop, a cancel or a failure; *rs is then where the
 * model stands (the best validated state when validation kept one). `best`
 * (may be NULL): on entry a best state the task's snapshot already holds (a
 * resumed checkpoint's; done = 0: none); after a cancel (NS_ECANCELED) the
 * best state validation kept so far (done = 0: none), which the snapshot
 * holds, so that the model saved then is a checkpoint with it. */
ns_status ns__engine_run(const ns__task *t, ns__run_state *rs, ns__run_state *best, const ns_train_hooks *h,
                         ns_error *err);

/* The learning rate of a task after `done` units (SHARDS) or at step
 * `done` (STEPS). */
double ns__engine_lr(const ns__task *t, int64_t done);

/* Worker `worker`'s shuffle of a[0..n) for its epoch (or pass) `epoch`: a
 * random stream of its own, apart from the worker's, so that the order of
 * any epoch can be rebuilt when a run resumes. */
void ns__epoch_shuffle(int64_t *a, int64_t n, uint64_t seed, int worker, int64_t epoch);

#endif
