/*
 * engine.c - worker threads, schedule, pauses and progress for every task;
 * see engine.h.
 *
 * The calling thread is the monitor: it reports, decides when to pause,
 * waits until every worker is stopped (waiting or finished), does the
 * pause's work and releases them. Workers stop only between two calls of
 * run(): SHARDS workers look at the pause flag after each call and wait at
 * the end of the epoch a pause is due at; STEPS workers claim step numbers
 * under the engine's mutex and wait instead of claiming when a pause is
 * asked for or due, so that at a pause exactly the steps below the next
 * one to claim are done.
 */
#include "engine.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct ns__engine {
    const ns__task *t;
    const ns_train_hooks *h;
    int nt;
    ns__worker *w;
    int64_t total;          /* units (SHARDS) or steps in all */
    atomic_llong done;      /* units or steps finished, all threads */
    atomic_int stop;        /* workers leave at their next step boundary */
    atomic_int pause_req;   /* a pause at the next step boundary */
    pthread_mutex_t lock;
    pthread_cond_t to_monitor, to_workers;
    /* Under lock: */
    int waiting, exited;
    int32_t pause_epoch;    /* SHARDS: pause once this many epochs are done */
    int64_t next, seg_end;  /* STEPS: the next step to hand out; the pause step */
    ns_status status;       /* the first failure */
    ns_error err;
} ns__engine;

double ns__engine_lr(const ns__task *t, int64_t done) {
    if (t->mode == NS__STEPS) return 2 * done < t->steps ? t->lr : t->lr / 10;
    double frac = 1.0 - (double)done / ((double)t->epochs * (double)t->per_epoch + 1);
    return t->lr * (frac < t->min_lr_frac ? t->min_lr_frac : frac);
}

void ns__epoch_shuffle(int64_t *a, int64_t n, uint64_t seed, int worker, int64_t epoch) {
    ns_rng r;
    ns__rng_seed(&r, seed, 0x5348554600000000ULL ^ ((uint64_t)worker << 44) ^ (uint64_t)epoch);
    ns__shuffle(a, n, &r);
}

/* Records the first failure and makes every worker leave. */
static void fail(ns__engine *E, ns_status s, const ns_error *err) {
    pthread_mutex_lock(&E->lock);
    if (E->status == NS_OK) {
        E->status = s;
        snprintf(E->err.msg, sizeof E->err.msg, "%s", err && err->msg[0] ? err->msg : ns_status_str(s));
    }
    atomic_store(&E->stop, 1);
    pthread_cond_broadcast(&E->to_workers);
    pthread_cond_signal(&E->to_monitor);
    pthread_mutex_unlock(&E->lock);
}

static void diverged(ns__engine *E, const ns__worker *w) {
    ns_error e;
    const char *hint = E->t->diverge_hint ? E->t->diverge_hint : "";
    if (E->t->mode == NS__SHARDS)
        ns__fail(&e, NS_EDIVERGED, "training diverged: the loss of epoch %d is not finite (lower the learning rate%s)",
                 w->epoch + 1, hint);
    else
        ns__fail(&e, NS_EDIVERGED, "training diverged: the loss of step %lld is not finite (lower the learning "
                 "rate%s)", (long long)w->step + 1, hint);
    fail(E, NS_EDIVERGED, &e);
}

/* Adds a run() call's counts to the worker's and the shared ones; returns
 * the learning rate for the next call (SHARDS). */
static float flush(ns__engine *E, ns__worker *w, const ns__tally *tl) {
    int64_t done = atomic_fetch_add(&E->done, tl->units) + tl->units;
    float lr = (float)ns__engine_lr(E->t, done);
    w->ep_loss += tl->loss, w->ep_pairs += tl->pairs;
    /* Only this worker writes its running figures: load + store suffices. */
    double sum = atomic_load_explicit(&w->run_loss, memory_order_relaxed);
    atomic_store_explicit(&w->run_loss, sum + tl->loss, memory_order_relaxed);
    atomic_fetch_add_explicit(&w->run_pairs, tl->pairs, memory_order_relaxed);
    atomic_store_explicit(&w->lr, lr, memory_order_relaxed);
    return lr;
}

/* SHARDS: waits while a pause is asked for (and, at the end of an epoch,
 * while the pause due at it has not been made). */
static void wait_pause(ns__engine *E, ns__worker *w, int epoch_end) {
    pthread_mutex_lock(&E->lock);
    E->waiting++;
    pthread_cond_signal(&E->to_monitor);
    while (!atomic_load(&E->stop) && (atomic_load(&E->pause_req) || (epoch_end && E->pause_epoch == w->epoch)))
        pthread_cond_wait(&E->to_workers, &E->lock);
    E->waiting--;
    pthread_mutex_unlock(&E->lock);
}

static void epoch_done(ns__worker *w) {
    w->epoch_loss[w->epoch] = w->ep_loss, w->epoch_pairs[w->epoch] = w->ep_pairs;
    w->ep_loss = 0, w->ep_pairs = 0;
    w->epoch++, w->pos = w->first;
    atomic_store_explicit(&w->epochs_done, w->epoch, memory_order_release);
}

static void shard_loop(ns__engine *E, ns__worker *w) {
    const ns__task *t = E->t;
    float lr = (float)ns__engine_lr(t, atomic_load(&E->done));
    /* The slice's order of each epoch: a resumed worker first replays the
     * shuffles of the epochs before its own. */
    int64_t *slice = t->order ? t->order + w->first : NULL, len = w->last - w->first;
    for (int32_t e = 0; slice && e < w->epoch; e++) ns__epoch_shuffle(slice, len, t->seed, w->id, e);
    while (w->epoch < t->epochs) {
        if (slice) ns__epoch_shuffle(slice, len, t->seed, w->id, w->epoch);
        while (w->pos < w->last) {
            if (atomic_load_explicit(&E->pause_req, memory_order_relaxed)) wait_pause(E, w, 0);
            if (atomic_load_explicit(&E->stop, memory_order_relaxed)) return;
            ns__tally tl = {0, 0, 0};
            ns_status s = t->run(t->data, w, lr, &tl);
            if (s != NS_OK) {
                fail(E, s, &w->err);
                return;
            }
            lr = flush(E, w, &tl);
            if (!isfinite(tl.loss)) {
                diverged(E, w);
                return;
            }
        }
        epoch_done(w);
        pthread_mutex_lock(&E->lock);
        int pause = w->epoch == E->pause_epoch;
        pthread_mutex_unlock(&E->lock);
        if (pause) wait_pause(E, w, 1);
        if (atomic_load(&E->stop)) return;
    }
}

/* STEPS: the next step to take, or -1 when there is none (the end, or a
 * stop); waits instead while a pause is asked for or due. */
static int64_t claim(ns__engine *E) {
    int64_t s = -1;
    pthread_mutex_lock(&E->lock);
    while (!atomic_load(&E->stop) && E->next < E->total) {
        if (!atomic_load(&E->pause_req) && E->next < E->seg_end) {
            s = E->next++;
            break;
        }
        E->waiting++;
        pthread_cond_signal(&E->to_monitor);
        pthread_cond_wait(&E->to_workers, &E->lock);
        E->waiting--;
    }
    pthread_mutex_unlock(&E->lock);
    return s;
}

static void step_loop(ns__engine *E, ns__worker *w) {
    const ns__task *t = E->t;
    for (int64_t s; (s = claim(E)) >= 0;) {
        w->step = s;
        ns__tally tl = {0, 0, 0};
        ns_status st = t->run(t->data, w, (float)ns__engine_lr(t, s), &tl);
        if (st != NS_OK) {
            fail(E, st, &w->err);
            return;
        }
        flush(E, w, &tl);
        if (!isfinite(tl.loss)) {
            diverged(E, w);
            return;
        }
    }
}

static void *worker_main(void *arg) {
    ns__worker *w = arg;
    ns__engine *E = w->e;
    const ns__task *t = E->t;
    ns_status s = t->worker_init ? t->worker_init(t->data, w) : NS_OK;
    if (s != NS_OK) fail(E, s, &w->err);
    else if (t->mode == NS__SHARDS) shard_loop(E, w);
    else step_loop(E, w);
    if (w->scratch && t->scratch_free) t->scratch_free(w->scratch);
    free(w->scratch);
    w->scratch = NULL;
    pthread_mutex_lock(&E->lock);
    E->exited++;
    pthread_cond_signal(&E->to_monitor);
    pthread_mutex_unlock(&E->lock);
    return NULL;
}

/* SHARDS: items [0, n) into nt shards of about equal weight. */
static void cut_shards(const ns__task *t, ns__worker *w, int nt) {
    int64_t total = 0, acc = 0, i = 0;
    for (int64_t j = 0; j < t->items; j++) total += t->weight ? t->weight(t->data, j) : 1;
    for (int k = 0; k < nt; k++) {
        w[k].first = i;
        int64_t goal = total * (k + 1) / nt;
        while (i < t->items && (acc < goal || k == nt - 1)) acc += t->weight ? t->weight(t->data, i) : 1, i++;
        w[k].last = i;
    }
}

/* Every worker's place from the run state: its saved one when the run
 * state holds one for these workers, else a fresh one at the run's
 * epoch (SHARDS: the shard's start) or pass 0 (STEPS). */
static ns_status place_workers(ns__engine *E, const ns__run_state *rs, ns_error *err) {
    const ns__task *t = E->t;
    int nt = E->nt;
    int64_t items = t->mode == NS__SHARDS ? t->items : t->step_items;
    int same = rs->threads == nt && rs->items == items;
    int32_t epoch = t->mode == NS__SHARDS && t->per_epoch ? (int32_t)(rs->done / t->per_epoch) : 0;
    if (t->mode == NS__SHARDS && rs->threads > 0 && !same) {
        /* Other workers can take over only at the start of an epoch. */
        for (int k = 0; k < rs->threads; k++)
            if (rs->w[k].pos != 0 || rs->w[k].epoch != rs->w[0].epoch || rs->items != items)
                return ns__fail(err, NS_EINVAL, "the run was saved in the middle of epoch %d by %d threads over %lld "
                                "items; resume it with %d threads on the same data", rs->w[k].epoch + 1, rs->threads,
                                (long long)rs->items, rs->threads);
        epoch = rs->w[0].epoch;
    }
    for (int k = 0; k < nt; k++) {
        ns__worker *w = &E->w[k];
        if (same) {
            const ns__wstate *ws = &rs->w[k];
            w->epoch = ws->epoch, w->pos = (t->mode == NS__SHARDS ? w->first : 0) + ws->pos;
            w->rng.state = ws->rng, w->ep_loss = ws->ep_loss, w->ep_pairs = ws->ep_pairs;
        } else if (t->mode == NS__SHARDS) {
            w->epoch = epoch, w->pos = w->first;
            ns__rng_seed(&w->rng, t->seed, (uint64_t)k + 1 + 0x100000000ULL * (uint64_t)epoch);
        } else {
            w->epoch = 0, w->pos = 0;
            ns__rng_seed(&w->rng, t->seed, 0x6b670000ULL + (uint64_t)k + 1 + 1000003ULL * (uint64_t)rs->done);
        }
        if (t->mode == NS__SHARDS && (w->epoch > t->epochs || w->pos > w->last))
            return ns__fail(err, NS_EINVAL, "the saved run is past this schedule (epoch %d of %d)", w->epoch + 1,
                            t->epochs);
        atomic_init(&w->epochs_done, w->epoch);
    }
    return NS_OK;
}

/* The run state of the stopped workers. */
static ns_status take_state(ns__engine *E, ns__run_state *rs, ns_error *err) {
    const ns__task *t = E->t;
    if (rs->threads != E->nt) {
        ns__wstate *w = ns__malloc((size_t)E->nt, sizeof *w, "the workers' places", err);
        if (!w) return NS_ENOMEM;
        free(rs->w);
        rs->w = w, rs->threads = E->nt;
    }
    rs->done = atomic_load(&E->done);
    rs->items = t->mode == NS__SHARDS ? t->items : t->step_items;
    for (int k = 0; k < E->nt; k++) {
        const ns__worker *w = &E->w[k];
        rs->w[k] = (ns__wstate){w->epoch, w->pos - (t->mode == NS__SHARDS ? w->first : 0), w->rng.state, w->ep_loss,
                                w->ep_pairs};
    }
    return NS_OK;
}

/* The monitor's view between reports. */
typedef struct watch {
    double t0, next_report, next_ckpt;
    int64_t done0;            /* done when this call started */
    double last_loss;         /* running sums at the previous report */
    int64_t last_pairs;
    int32_t reported;         /* SHARDS: epochs reported */
    ns__run_state best;       /* the run state of the best validation */
    int have_best;            /* the task's snapshot holds it */
    int64_t last_valid;       /* done at the last validation (-1: none) */
    int canceled, early;
} watch;

static void fill_progress(const ns__engine *E, watch *x, ns_progress *p, int keep_window) {
    const ns__task *t = E->t;
    int64_t done = atomic_load(&E->done), pairs = 0;
    double loss = 0, lr = 0;
    for (int k = 0; k < E->nt; k++) {
        loss += atomic_load_explicit(&E->w[k].run_loss, memory_order_relaxed);
        pairs += atomic_load_explicit(&E->w[k].run_pairs, memory_order_relaxed);
        lr += atomic_load_explicit(&E->w[k].lr, memory_order_relaxed) / E->nt;
    }
    memset(p, 0, sizeof *p);
    p->unit = t->unit;
    p->done = done, p->total = E->total;
    p->fraction = E->total > 0 ? (double)done / (double)E->total : 1;
    if (p->fraction > 1) p->fraction = 1;
    if (t->mode == NS__SHARDS) {
        p->epochs = t->epochs;
        p->epoch = (int32_t)(done / (t->per_epoch ? t->per_epoch : 1)) + 1;
        if (p->epoch > t->epochs) p->epoch = t->epochs;
        p->lr = lr;
    } else {
        p->lr = ns__engine_lr(t, done);
    }
    p->elapsed_sec = ns__now() - x->t0;
    p->units_per_sec = p->elapsed_sec > 0 ? (double)(done - x->done0) / p->elapsed_sec / E->nt : 0;
    p->loss = pairs > x->last_pairs ? (loss - x->last_loss) / (double)(pairs - x->last_pairs) : NAN;
    if (!keep_window) x->last_loss = loss, x->last_pairs = pairs;
    double frac_here = E->total > x->done0 ? (double)(done - x->done0) / (double)(E->total - x->done0) : 1;
    p->eta_sec = frac_here > 0 ? p->elapsed_sec * (1 - frac_here) / frac_here : NAN;
}

static void report(ns__engine *E, watch *x, ns_progress *p) {
    const ns_train_hooks *h = E->h;
    if (h && h->progress && h->progress(p, h->user)) {
        x->canceled = 1;
        atomic_store(&E->stop, 1);
    }
}

/* SHARDS: reports the epochs every worker has finished. */
static void report_epochs(ns__engine *E, watch *x) {
    int32_t min_done = E->t->epochs;
    for (int k = 0; k < E->nt; k++) {
        int d = atomic_load_explicit(&E->w[k].epochs_done, memory_order_acquire);
        if (d < min_done) min_done = d;
    }
    for (; x->reported < min_done; x->reported++) {
        double loss = 0;
        int64_t pairs = 0;
        for (int k = 0; k < E->nt; k++) loss += E->w[k].epoch_loss[x->reported], pairs += E->w[k].epoch_pairs[x->reported];
        ns_progress p;
        fill_progress(E, x, &p, 1);
        p.epoch_done = x->reported + 1;
        p.epoch_loss = pairs ? loss / (double)pairs : NAN;
        report(E, x, &p);
    }
}

/* Where the next pause is due after `at` epochs (SHARDS) or steps. */
static int64_t next_pause(const ns__engine *E, int64_t at, int64_t end) {
    const ns__task *t = E->t;
    int64_t ve = t->validate ? t->valid_every : 0;
    int64_t ce = E->h && E->h->checkpoint ? E->h->checkpoint_every : 0;
    int64_t best = end;
    for (int i = 0; i < 2; i++) {
        int64_t every = i ? ce : ve;
        if (every > 0 && (at / every + 1) * every < best) best = (at / every + 1) * every;
    }
    return best;
}

static int epoch_pause_due(const ns__engine *E) {
    for (int k = 0; k < E->nt; k++)
        if (atomic_load(&E->w[k].epochs_done) != E->pause_epoch) return 0;
    return 1;
}

/* Validation: keeps the best state (snapshot and run state). */
static ns_status validate(ns__engine *E, watch *x, ns__run_state *rs, ns_progress *p, ns_error *err) {
    const ns__task *t = E->t;
    double metric = 0;
    ns_status s = t->validate(t->data, &metric, err);
    if (s != NS_OK) return s;
    x->last_valid = rs->done;
    p->metric = t->metric, p->valid = metric;
    if (metric > rs->best) {
        rs->best = metric, rs->best_at = rs->done, rs->bad = 0;
        if ((s = t->snapshot(t->data, 0, err)) != NS_OK) return s;
        if ((s = ns__run_state_copy(&x->best, rs, err)) != NS_OK) return s;
        x->have_best = 1;
    } else {
        rs->bad++;
    }
    p->best = rs->best, p->best_at = rs->best_at;
    if (t->patience && rs->bad >= t->patience) x->early = p->stop_early = 1;
    return NS_OK;
}

/* A pause with every worker stopped: sync, validation, checkpoint and a
 * report, as due. `final`: after the last step (no checkpoint). */
static ns_status pause_work(ns__engine *E, watch *x, ns__run_state *rs, int timed, int final, ns_error *err) {
    const ns__task *t = E->t;
    const ns_train_hooks *h = E->h;
    ns_status s = take_state(E, rs, err);
    if (s == NS_OK && t->sync) s = t->sync(t->data, rs->done, err);
    if (s != NS_OK) return s;
    int64_t at = t->mode == NS__SHARDS ? E->pause_epoch : rs->done; /* in the units of the cadences */
    ns_progress p;
    fill_progress(E, x, &p, 0);
    p.paused = 1, p.best = rs->best, p.best_at = rs->best_at;
    int on_cadence = !timed || (t->mode == NS__SHARDS ? epoch_pause_due(E) : rs->done == E->seg_end);
    if (t->validate && t->valid_every > 0 && x->last_valid != rs->done &&
        (final || (on_cadence && at % t->valid_every == 0)) && (s = validate(E, x, rs, &p, err)) != NS_OK)
        return s;
    int ckpt = !final && h && h->checkpoint &&
               (timed || (on_cadence && h->checkpoint_every > 0 && at % h->checkpoint_every == 0));
    if (ckpt) {
        const ns__run_state *best = x->have_best && x->best.done != rs->done ? &x->best : NULL;
        if ((s = t->save(t->data, h->checkpoint, rs, best, err)) != NS_OK) return s;
        p.checkpointed = 1;
    }
    report(E, x, &p);
    if (x->early) atomic_store(&E->stop, 1);
    return NS_OK;
}

/* Releases the workers after a pause and sets the next one. */
static void release(ns__engine *E, watch *x, int epoch_pause) {
    const ns__task *t = E->t;
    pthread_mutex_lock(&E->lock);
    atomic_store(&E->pause_req, 0);
    if (t->mode == NS__SHARDS && epoch_pause) {
        int64_t nxt = next_pause(E, E->pause_epoch, t->epochs);
        E->pause_epoch = nxt < t->epochs ? (int32_t)nxt : INT32_MAX;
    }
    if (t->mode == NS__STEPS) E->seg_end = next_pause(E, E->next, E->total);
    if (E->h && E->h->checkpoint_seconds > 0) x->next_ckpt = ns__now() + E->h->checkpoint_seconds;
    pthread_cond_broadcast(&E->to_workers);
    pthread_mutex_unlock(&E->lock);
}

/* The calling thread's loop while workers run. */
static void monitor(ns__engine *E, watch *x, ns__run_state *rs, ns_error *err) {
    const ns_train_hooks *h = E->h;
    double every = h && h->report_every > 0 ? h->report_every : 1.0;
    /* It looks every 20 ms, or as often as a shorter interval asks (1 ms at
     * the most). */
    double tick = every < 0.02 ? every : 0.02;
    if (h && h->checkpoint && h->checkpoint_seconds > 0 && h->checkpoint_seconds < tick) tick = h->checkpoint_seconds;
    long tick_ns = tick < 0.001 ? 1000000L : (long)(tick * 1e9);
    for (;;) {
        pthread_mutex_lock(&E->lock);
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += tick_ns;
        if (ts.tv_nsec >= 1000000000L) ts.tv_sec++, ts.tv_nsec -= 1000000000L;
        if (E->waiting + E->exited < E->nt) pthread_cond_timedwait(&E->to_monitor, &E->lock, &ts);
        int stopped = E->waiting + E->exited == E->nt, finished = E->exited == E->nt;
        int steps_due = E->t->mode == NS__STEPS && E->next == E->seg_end && E->next < E->total;
        pthread_mutex_unlock(&E->lock);
        if (E->t->mode == NS__SHARDS) report_epochs(E, x);
        if (finished) return;
        if (atomic_load(&E->stop)) {
            pthread_mutex_lock(&E->lock);
            pthread_cond_broadcast(&E->to_workers);
            pthread_mutex_unlock(&E->lock);
            continue;
        }
        int timed = atomic_load(&E->pause_req);
        int epochs_due = E->t->mode == NS__SHARDS && epoch_pause_due(E);
        if (stopped && (timed || epochs_due || steps_due)) {
            ns_status s = pause_work(E, x, rs, timed, 0, err);
            if (s != NS_OK) {
                fail(E, s, err);
                continue;
            }
            release(E, x, epochs_due);
            continue;
        }
        double now = ns__now();
        if (now >= x->next_report) {
            ns_progress p;
            fill_progress(E, x, &p, 0);
            report(E, x, &p);
            x->next_report = now + every;
        }
        if (h && h->checkpoint && h->checkpoint_seconds > 0 && now >= x->next_ckpt)
            atomic_store(&E->pause_req, 1);
    }
}

static ns_status check_task(const ns__task *t, ns_error *err) {
    if (t->threads < 1 || t->threads > 1024)
        return ns__fail(err, NS_EINVAL, "threads must be in 1..1024, got %d", t->threads);
    if (t->mode == NS__SHARDS && (t->epochs < 1 || t->per_epoch < 0))
        return ns__fail(err, NS_EINVAL, "epochs must be >= 1, got %d", t->epochs);
    if (t->validate && (!t->snapshot || t->valid_every < 0))
        return ns__fail(err, NS_EINVAL, "validation needs a snapshot and valid-every >= 0");
    return NS_OK;
}

/* Workers, shards and the engine's synchronisation. */
static ns_status setup(ns__engine *E, const ns__task *t, const ns_train_hooks *h, const ns__run_state *rs,
                       ns_error *err) {
    memset(E, 0, sizeof *E);
    E->t = t, E->h = h, E->nt = t->threads;
    E->total = t->mode == NS__SHARDS ? (int64_t)t->epochs * t->per_epoch : t->steps;
    atomic_init(&E->done, rs->done), atomic_init(&E->stop, 0), atomic_init(&E->pause_req, 0);
    pthread_mutex_init(&E->lock, NULL);
    pthread_cond_init(&E->to_monitor, NULL), pthread_cond_init(&E->to_workers, NULL);
    E->next = rs->done;
    size_t ne = t->mode == NS__SHARDS ? (size_t)t->epochs : 1;
    if (!(E->w = ns__calloc((size_t)E->nt, sizeof *E->w, "the workers", err))) return NS_ENOMEM;
    for (int k = 0; k < E->nt; k++) {
        ns__worker *w = &E->w[k];
        w->id = k, w->e = E;
        if (!(w->epoch_loss = ns__calloc(ne, sizeof *w->epoch_loss, "the epoch losses", err)) ||
            !(w->epoch_pairs = ns__calloc(ne, sizeof *w->epoch_pairs, "the epoch losses", err)))
            return NS_ENOMEM;
        atomic_init(&w->run_loss, 0.0), atomic_init(&w->run_pairs, 0), atomic_init(&w->lr, ns__engine_lr(t, rs->done));
    }
    if (t->mode == NS__SHARDS) cut_shards(t, E->w, E->nt);
    ns_status s = place_workers(E, rs, err);
    if (s != NS_OK) return s;
    int64_t at = t->mode == NS__SHARDS ? E->w[0].epoch : rs->done;
    for (int k = 1; t->mode == NS__SHARDS && k < E->nt; k++) at = E->w[k].epoch < at ? E->w[k].epoch : at;
    if (t->mode == NS__SHARDS) {
        int64_t nxt = next_pause(E, at, t->epochs);
        E->pause_epoch = nxt < t->epochs ? (int32_t)nxt : INT32_MAX;
    } else {
        E->seg_end = next_pause(E, rs->done, E->total);
    }
    return NS_OK;
}

static void teardown(ns__engine *E) {
    for (int k = 0; E->w && k < E->nt; k++) free(E->w[k].epoch_loss), free(E->w[k].epoch_pairs);
    free(E->w);
    pthread_mutex_destroy(&E->lock);
    pthread_cond_destroy(&E->to_monitor), pthread_cond_destroy(&E->to_workers);
}

/* After the workers have left: the last validation, and the best state
 * when validation kept one. */
static ns_status finish(ns__engine *E, watch *x, ns__run_state *rs, ns_error *err) {
    const ns__task *t = E->t;
    ns_status s = NS_OK;
    if (t->mode == NS__STEPS) { /* a closing report: SHARDS runs have their epochs' */
        ns_progress p;
        fill_progress(E, x, &p, 0);
        report(E, x, &p);
    }
    if (!x->early && t->validate && t->valid_every > 0) {
        s = pause_work(E, x, rs, 0, 1, err);
    } else {
        s = take_state(E, rs, err);
        if (s == NS_OK && t->sync) s = t->sync(t->data, rs->done, err);
    }
    if (s == NS_OK && t->validate && x->have_best && rs->best_at != rs->done) {
        double best = rs->best;
        if ((s = t->snapshot(t->data, 1, err)) == NS_OK && (s = ns__run_state_copy(rs, &x->best, err)) == NS_OK)
            rs->best = best;
    }
    return s;
}

ns_status ns__engine_run(const ns__task *t, ns__run_state *rs, ns__run_state *best, const ns_train_hooks *h,
                         ns_error *err) {
    ns_status s = check_task(t, err);
    if (s != NS_OK) return s;
    ns__engine E;
    watch x = {0};
    x.last_valid = -1;
    if ((s = setup(&E, t, h, rs, err)) == NS_OK && t->validate && best && best->done > 0) {
        s = ns__run_state_copy(&x.best, best, err);
        x.have_best = s == NS_OK;
    }
    int started = 0;
    if (s == NS_OK) {
        x.t0 = ns__now(), x.done0 = rs->done, x.reported = E.w[0].epoch;
        for (int k = 1; k < E.nt; k++) x.reported = E.w[k].epoch < x.reported ? E.w[k].epoch : x.reported;
        x.next_report = x.t0 + (h && h->report_every > 0 ? h->report_every : 1.0);
        x.next_ckpt = x.t0 + (h && h->checkpoint_seconds > 0 ? h->checkpoint_seconds : 0);
        for (; started < E.nt; started++)
            if (pthread_create(&E.w[started].thread, NULL, worker_main, &E.w[started]) != 0) {
                s = ns__fail(err, NS_ENOMEM, "cannot start training thread %d of %d", started + 1, E.nt);
                atomic_store(&E.stop, 1);
                break;
            }
    }
    if (s == NS_OK) {
        monitor(&E, &x, rs, err);
    } else {
        pthread_mutex_lock(&E.lock);
        E.exited += E.nt - started;
        pthread_cond_broadcast(&E.to_workers);
        pthread_mutex_unlock(&E.lock);
    }
    for (int k = 0; k < started; k++) pthread_join(E.w[k].thread, NULL);
    if (s == NS_OK && E.status != NS_OK) s = ns__fail(err, E.status, "%s", E.err.msg);
    if (s == NS_OK && !x.canceled) s = finish(&E, &x, rs, err);
    if (s == NS_OK && x.canceled) {
        s = take_state(&E, rs, err);
        if (s == NS_OK && t->sync) s = t->sync(t->data, rs->done, err);
        if (s == NS_OK && best && x.have_best) s = ns__run_state_copy(best, &x.best, err);
        else if (s == NS_OK && best) ns__run_state_free(best);
        if (s == NS_OK) s = ns__fail(err, NS_ECANCELED, "training stopped by the progress callback");
    }
    ns__run_state_free(&x.best);
    teardown(&E);
    return s;
}
