/*
 * train_common.c - what every training command does alike: the progress
 * lines, the hooks of a run (progress and PREFIX.checkpoint), the required
 * files, and writing the outputs.
 */
#include "cli.h"

#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void fmt_time(double s, char *buf, size_t n) {
    if (!isfinite(s) || s < 0) snprintf(buf, n, "--");
    else if (s < 60) snprintf(buf, n, "%.0fs", s);
    else if (s < 3600) snprintf(buf, n, "%dm%02ds", (int)s / 60, (int)s % 60);
    else snprintf(buf, n, "%dh%02dm", (int)s / 3600, (int)s % 3600 / 60);
}

/* Ends a live line before a line of its own. */
static void end_live(progress_state *ps) {
    if (ps->live) fputc('\n', stderr), ps->live = 0;
}

/* A pause's lines: its validation and its checkpoint. */
static void paused(const ns_progress *p, progress_state *ps) {
    if (p->metric) {
        end_live(ps);
        /* Epoch tasks validate at the ends of epochs: done is a whole
         * number of them. */
        int64_t at = p->epochs ? p->done * p->epochs / p->total : p->done;
        int64_t best_at = p->epochs ? p->best_at * p->epochs / p->total : p->best_at;
        const char *unit = p->epochs ? "epoch" : "step";
        if (p->epochs)
            fprintf(stderr, "epoch %lld/%d: valid %s %.4f (best %.4f after epoch %lld), %.0fs\n", (long long)at,
                    p->epochs, p->metric, p->valid, p->best, (long long)best_at, p->elapsed_sec);
        else
            fprintf(stderr, "step %lld/%lld: valid %s %.4f (best %.4f at step %lld), %.0fs\n", (long long)at,
                    (long long)p->total, p->metric, p->valid, p->best, (long long)best_at, p->elapsed_sec);
        if (p->stop_early)
            fprintf(stderr, "stopping early: no better validation since %s %lld, whose model is kept\n", unit,
                    (long long)best_at);
    }
    if (p->checkpointed && ps->checkpoint) {
        end_live(ps);
        fprintf(stderr, "checkpoint %s (%lld of %lld %s)\n", ps->checkpoint, (long long)p->done, (long long)p->total,
                p->unit);
    }
}

/* The signal that asked training to stop, or 0. The program's one piece
 * of global state: a signal handler has nowhere else to write. */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig) { interrupted = sig; }

int on_progress(const ns_progress *p, void *user) {
    progress_state *ps = user;
    ps->last = *p;
    if (interrupted) return 1;
    if (ps->quiet) return 0;
    if (p->epoch_done) {
        end_live(ps);
        fprintf(stderr, "epoch %d/%d done: mean loss %.5f, %.1fs elapsed\n", p->epoch_done, p->epochs, p->epoch_loss,
                p->elapsed_sec);
        return 0;
    }
    if (p->paused) {
        paused(p, ps);
        return 0;
    }
    /* Reports come often, so that a signal stops the run soon; lines come
     * at the interval asked for. */
    double units = (double)(p->done - ps->last_done);
    if (isfinite(p->loss) && units > 0) ps->loss_sum += p->loss * units, ps->loss_units += units;
    ps->last_done = p->done;
    if (p->elapsed_sec < ps->next_line && p->done < p->total) return 0;
    ps->next_line = p->elapsed_sec + ps->every;
    double loss = ps->loss_units > 0 ? ps->loss_sum / ps->loss_units : NAN;
    ps->loss_sum = ps->loss_units = 0;
    char eta[32];
    fmt_time(p->eta_sec, eta, sizeof eta);
    if (p->epochs)
        fprintf(stderr, "%sprogress %5.1f%%  epoch %d/%d  %s/s/thread %.0fk  lr %.6f  loss %.4f  eta %s%s",
                ps->tty ? "\r" : "", 100 * p->fraction, p->epoch, p->epochs, p->unit, p->units_per_sec / 1e3, p->lr,
                loss, eta, ps->tty ? "  " : "\n");
    else
        fprintf(stderr, "%sstep %lld/%lld  loss %.4f  lr %.2g  %.1f steps/s  eta %s%s", ps->tty ? "\r" : "",
                (long long)p->done, (long long)p->total, loss, p->lr, p->units_per_sec * ps->threads, eta,
                ps->tty ? "  " : "\n");
    ps->live = ps->tty;
    fflush(stderr);
    return 0;
}

int train_require(const cmd_spec *c, const train_cli *t, int input_optional) {
    if ((t->input || input_optional) && t->output) return 0;
    fprintf(stderr, "negsamp %s: %s are required (see 'negsamp %s --help')\n", c->name,
            input_optional ? "-output is" : "-input and -output", c->name);
    return EXIT_USAGE;
}

static int given_here(const char *name, void *user) { return was_given(user, name); }

int valid_require(const cmd_spec *c, const train_cli *t, const ns_opts *o, const char *valid) {
    ns_error err;
    if (valid || ns_opts_check_unvalidated(o, given_here, (void *)&t->given, &err) == NS_OK) return 0;
    fprintf(stderr, "negsamp %s: %s (-valid FILE)\n", c->name, err.msg);
    return EXIT_USAGE;
}

int train_hooks(train_cli *t, const ns_opts *o, int threads) {
    if (o->checkpoint_every > 0 || o->checkpoint_seconds > 0) {
        if (!(t->checkpoint = join(t->output, ".checkpoint"))) return report_error(NS_ENOMEM, NULL);
        const char *none[1] = {""};
        int code = check_outputs(t->checkpoint, none, 1);
        if (code) return code;
    }
    int tty = isatty(STDERR_FILENO);
    double every = t->interval > 0 ? t->interval : tty ? 1.0 : 10.0;
    t->ps = (progress_state){tty, t->quiet, 0, threads, t->checkpoint, every, every, 0, 0, 0, {0}};
    t->hooks = (ns_train_hooks){on_progress, &t->ps, every < 0.2 ? every : 0.2, t->checkpoint, o->checkpoint_every,
                                o->checkpoint_seconds};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESETHAND; /* a second signal ends the program */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    return 0;
}

void train_done(train_cli *t) { end_live(&t->ps); }

ns_status save_model_any(const void *model, const char *path, ns_error *err) { return ns_model_save(model, path, err); }

int train_interrupted(train_cli *t, ns_status s, ns_status (*save)(const void *model, const char *path, ns_error *err),
                      const void *model) {
    int sig = interrupted;
    if (s != NS_ECANCELED || !sig) return 0;
    end_live(&t->ps);
    const char *what = sig == SIGINT ? "interrupted" : "terminated";
    char *path = t->checkpoint ? t->checkpoint : join(t->output, ".checkpoint");
    ns_error err = {"out of memory"};
    const ns_progress *p = &t->ps.last;
    if (path && save(model, path, &err) == NS_OK)
        fprintf(stderr, "negsamp: %s near %lld of %lld %s: wrote %s; continue with -resume %s\n", what,
                (long long)p->done, (long long)p->total, p->unit ? p->unit : "units", path, path);
    else
        fprintf(stderr, "negsamp: %s; the checkpoint could not be written: %s\n", what, err.msg);
    if (path != t->checkpoint) free(path);
    return 128 + sig;
}

void train_cli_free(train_cli *t) {
    free(t->checkpoint);
    t->checkpoint = NULL;
}

int write_model_files(const ns_model *m, const char *prefix, const char *const *exts, const model_writer *fns, int n,
                      int quiet) {
    for (int i = 0; i < n; i++) {
        char *path = join(prefix, exts[i]);
        ns_error err;
        ns_status s = path ? fns[i](m, path, &err) : ns__nomem_cli(&err);
        if (s == NS_OK && !quiet) fprintf(stderr, "wrote %s\n", path);
        free(path);
        if (s != NS_OK) return report_error(s, &err);
    }
    return 0;
}
