/*
 * run.c - worker threads, learning-rate schedule and progress reports shared
 * by the trainers; see run.h.
 *
 * Hogwild: workers read and write rows of the shared tables without locks.
 * That race is intentional (sparse updates rarely collide, and a collision
 * costs a lost gradient, not a crash). Every other shared value is atomic.
 */
#include "run.h"

#include "core/core.h"

#include <math.h>
#include <stdlib.h>
#include <time.h>

double ns__run_lr(const ns_run *r, int64_t done) {
    double frac = 1.0 - (double)done / (double)(r->total_work + 1);
    if (frac < r->o->min_lr_frac) frac = r->o->min_lr_frac;
    return r->o->lr * frac;
}

float ns__run_flush(ns_worker *w, ns_tally *t) {
    ns_run *r = w->run;
    int64_t done = atomic_fetch_add(&r->done, t->units) + t->units;
    float lr = (float)ns__run_lr(r, done);
    /* Only this worker writes its running figures: load + store suffices. */
    double sum = atomic_load_explicit(&w->run_loss, memory_order_relaxed);
    atomic_store_explicit(&w->run_loss, sum + t->loss, memory_order_relaxed);
    atomic_fetch_add_explicit(&w->run_pairs, t->pairs, memory_order_relaxed);
    atomic_store_explicit(&w->lr, lr, memory_order_relaxed);
    t->ep_loss += t->loss, t->ep_pairs += t->pairs;
    t->units = t->pairs = 0, t->loss = 0;
    return lr;
}

void ns__run_epoch_done(ns_worker *w, int epoch, ns_tally *t) {
    w->epoch_loss[epoch] = t->ep_loss;
    w->epoch_pairs[epoch] = t->ep_pairs;
    atomic_store_explicit(&w->epochs_done, epoch + 1, memory_order_release);
    *t = (ns_tally){0};
}

void ns__shuffle(int64_t *a, int64_t n, ns_rng *rng) {
    for (int64_t i = n - 1; i > 0; i--) {
        int64_t j = (int64_t)(ns__rng_next(rng) % (uint64_t)(i + 1));
        int64_t tmp = a[i];
        a[i] = a[j], a[j] = tmp;
    }
}

ns_block ns__run_block(const ns_run *r, float lr, const int32_t *ids, int nb, const float *y, const int *pos,
                       float *shift, float **bias) {
    ns_block b = {.loss = r->o->loss, .lr = lr, .scale = 1.0f, .l2 = (float)r->o->l2, .y = y, .pos = pos};
    if (r->o->loss == NS_LOSS_INFONCE) b.scale = (float)(1.0 / r->o->temperature);
    if (r->noise.shift) {
        for (int j = 0; j < nb; j++) shift[j] = r->noise.shift[ids[j]];
        b.shift = shift;
    }
    if (r->m->bias) {
        for (int j = 0; j < nb; j++) bias[j] = r->m->bias + ids[j];
        b.bias = bias;
    }
    return b;
}

void ns__run_shards(ns_worker *w, int nt, int64_t n, int64_t (*len)(const void *task, int64_t i),
                    const void *task) {
    int64_t total = 0, acc = 0, i = 0;
    for (int64_t j = 0; j < n; j++) total += len ? len(task, j) : 1;
    for (int t = 0; t < nt; t++) {
        w[t].first = i;
        int64_t goal = total * (t + 1) / nt;
        while (i < n && (acc < goal || t == nt - 1)) acc += len ? len(task, i) : 1, i++;
        w[t].last = i;
    }
}

/* Loss sums at the previous report: the running loss is the mean since then. */
typedef struct last_report {
    double loss;
    int64_t pairs;
} last_report;

static void report(ns_worker *w, int nt, ns_run *r, double t0, last_report *last, int32_t epoch_done,
                   double epoch_loss, ns_progress_fn cb, void *user) {
    ns_progress p = {0};
    int64_t done = atomic_load(&r->done), pairs = 0;
    double loss = 0, lr = 0;
    for (int t = 0; t < nt; t++) {
        loss += atomic_load_explicit(&w[t].run_loss, memory_order_relaxed);
        pairs += atomic_load_explicit(&w[t].run_pairs, memory_order_relaxed);
        lr += atomic_load_explicit(&w[t].lr, memory_order_relaxed) / nt;
    }
    p.tokens_done = done;
    p.fraction = (double)done / (double)r->total_work;
    if (p.fraction > 1) p.fraction = 1;
    p.epoch = (int32_t)(done / (r->per_epoch ? r->per_epoch : 1)) + 1;
    if (p.epoch > r->o->epochs) p.epoch = r->o->epochs;
    p.lr = lr;
    p.elapsed_sec = ns__now() - t0;
    p.words_per_sec = p.elapsed_sec > 0 ? (double)done / p.elapsed_sec / nt : 0;
    p.loss = pairs > last->pairs ? (loss - last->loss) / (double)(pairs - last->pairs) : NAN;
    if (!epoch_done) last->loss = loss, last->pairs = pairs;
    p.eta_sec = p.fraction > 0 ? p.elapsed_sec * (1 - p.fraction) / p.fraction : NAN;
    p.epoch_done = epoch_done;
    p.epoch_loss = epoch_loss;
    if (cb && cb(&p, user)) atomic_store(&r->stop, 1);
}

/* The calling thread's loop while workers run: periodic reports and one at
 * the end of each epoch, once every worker has finished it. */
static void monitor(ns_worker *w, int nt, ns_run *r, ns_progress_fn cb, void *user, double interval) {
    double t0 = ns__now(), next = t0 + interval;
    int reported = 0;
    last_report last = {0, 0};
    for (;;) {
        int min_done = r->o->epochs;
        for (int t = 0; t < nt; t++) {
            int d = atomic_load_explicit(&w[t].epochs_done, memory_order_acquire);
            if (d < min_done) min_done = d;
        }
        while (reported < min_done) {
            double loss = 0;
            int64_t pairs = 0;
            for (int t = 0; t < nt; t++) loss += w[t].epoch_loss[reported], pairs += w[t].epoch_pairs[reported];
            reported++;
            report(w, nt, r, t0, &last, reported, pairs ? loss / (double)pairs : NAN, cb, user);
            if (pairs && !isfinite(loss) && !atomic_load(&r->stop)) {
                r->diverged = reported;
                atomic_store(&r->stop, 3);
            }
        }
        if (reported == r->o->epochs || atomic_load(&r->stop)) break;
        if (ns__now() >= next) {
            report(w, nt, r, t0, &last, 0, 0, cb, user);
            next = ns__now() + interval;
        }
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

ns_status ns__run_threads(ns_run *r, void *(*work)(void *),
                          void (*split)(ns_worker *w, int nt, const void *task), ns_progress_fn cb,
                          void *user, double interval, ns_error *err) {
    const ns_train_opts *o = r->o;
    int nt = o->threads, started = 0;
    ns_status s = NS_OK;
    r->total_work = (int64_t)o->epochs * r->per_epoch;
    atomic_init(&r->done, 0);
    atomic_init(&r->stop, 0);
    ns_worker *w = calloc((size_t)nt, sizeof *w);
    double *losses = calloc((size_t)nt * (size_t)o->epochs, sizeof *losses);
    int64_t *pairs = calloc((size_t)nt * (size_t)o->epochs, sizeof *pairs);
    if (!w || !losses || !pairs) {
        s = NS_ENOMEM;
        goto done;
    }
    split(w, nt, r->task);
    for (int t = 0; t < nt; t++) {
        w[t].run = r;
        w[t].id = t;
        w[t].epoch_loss = losses + (size_t)t * (size_t)o->epochs;
        w[t].epoch_pairs = pairs + (size_t)t * (size_t)o->epochs;
        atomic_init(&w[t].epochs_done, 0);
        atomic_init(&w[t].run_loss, 0.0);
        atomic_init(&w[t].run_pairs, 0);
        atomic_init(&w[t].lr, o->lr);
    }
    for (; started < nt; started++)
        if (pthread_create(&w[started].thread, NULL, work, &w[started]) != 0) {
            atomic_store(&r->stop, 2);
            s = ns__fail(err, NS_ENOMEM, "cannot start thread %d", started + 1);
            break;
        }
    if (s == NS_OK) monitor(w, nt, r, cb, user, interval > 0 ? interval : 1.0);
done:
    for (int t = 0; t < started; t++) pthread_join(w[t].thread, NULL);
    if (s == NS_OK && atomic_load(&r->stop) == 1) s = ns__fail(err, NS_ECANCELED, "training stopped");
    if (s == NS_OK && atomic_load(&r->stop) == 2) s = ns__fail(err, NS_ENOMEM, "out of memory in a worker");
    if (s == NS_OK && atomic_load(&r->stop) == 3)
        s = ns__fail(err, NS_EDIVERGED, "training diverged: the loss of epoch %d is not finite (lower the "
                     "learning rate%s)", r->diverged, o->loss == NS_LOSS_INFONCE ? " or raise the temperature" : "");
    if (s == NS_OK) {
        r->m->opts = *o;
        r->m->opts.noise_weights = NULL; /* borrowed for this run only */
    }
    free(w), free(losses), free(pairs);
    ns__noise_destroy(&r->noise);
    return s;
}
