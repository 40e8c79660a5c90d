/*
 * progress.h - how far a training run has come, as plain data that model
 * files carry (so that a checkpoint resumes where it stopped): the work
 * done, each worker's place and random stream, and the validation record.
 * The engine (engine/engine.c) fills it; the file code saves and loads it.
 */
#ifndef NS_PROGRESS_H
#define NS_PROGRESS_H

#include "negsamp.h"

#include <stdint.h>

/* One worker's place: the epoch under way (the pass over its own order for
 * step tasks), the next item of its shard (its cursor in that order), its
 * random stream, and the loss and positives of the epoch so far. */
typedef struct ns__wstate {
    int32_t epoch;
    int64_t pos;
    uint64_t rng;
    double ep_loss;
    int64_t ep_pairs;
} ns__wstate;

typedef struct ns__run_state {
    int64_t done;       /* units of work done: tokens, pairs, positives or steps */
    int64_t items;      /* the items the shards were cut from (a check on resume) */
    int32_t threads;    /* entries of w; 0: no worker positions (a fresh run) */
    ns__wstate *w;      /* owned */
    double best;        /* the best validation so far (0: none) */
    int64_t best_at;    /* `done` when it was measured */
    int32_t bad;        /* validations since it */
} ns__run_state;

void ns__run_state_free(ns__run_state *r);
/* Deep copy into *dst (whose old contents are freed). */
ns_status ns__run_state_copy(ns__run_state *dst, const ns__run_state *src, ns_error *err);

#endif
