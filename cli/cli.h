/*
 * cli.h - the negsamp program's shared pieces: option tables and parsing,
 * exit codes, what every training command does alike (progress, hooks,
 * outputs), and the subcommands. The training options themselves are the
 * library's (ns_opts_*); the program only adds files, output and progress.
 */
#ifndef NS_CLI_H
#define NS_CLI_H

#include "negsamp.h"

#include <stdio.h>

/* Exit codes: bad data or a failed read/write, a usage error, a diverged
 * training run. */
enum { EXIT_DATA = 1, EXIT_USAGE = 2, EXIT_DIVERGED = 3 };

typedef enum opt_kind { OPT_INT, OPT_I64, OPT_DOUBLE, OPT_STRING, OPT_FLAG, OPT_REJECT, OPT_LIST } opt_kind;

/* OPT_LIST: files; the option may be given several times, each time one
 * file or a comma-separated list (the strings are copies: list_free). */
#define STR_LIST_MAX 16
typedef struct str_list {
    const char *v[STR_LIST_MAX];
    int n;
} str_list;
void list_free(str_list *l);

/* One of a command's own options: its names ("input|train" = -input,
 * --input, -train, --train; the first is shown in help), kind, destination
 * and help text. OPT_REJECT options exist to answer a known-but-wrong
 * spelling with `help` as the message. */
typedef struct opt {
    const char *names;
    opt_kind kind;
    void *dst;
    const char *arg;  /* placeholder in help, e.g. "N" */
    const char *help;
} opt;

typedef struct cmd_spec {
    const char *name;
    const char *usage;    /* after "negsamp NAME " */
    const char *summary;  /* one paragraph */
    const opt *opts;
    int n_opts;
    int min_pos, max_pos; /* positional arguments allowed (max -1 = any) */
    int task;             /* the library task whose options it takes (ns_task), or -1 */
} cmd_spec;

/* The library options given on the command line, in order. */
#define GIVEN_MAX 64
typedef struct given_opts {
    const char *name[GIVEN_MAX];
    const char *value[GIVEN_MAX];  /* NULL for a flag */
    int n;
} given_opts;

/* Parses argv[1..] (argv[0] is the subcommand): the command's own options
 * into their destinations, its task's options into g (may be NULL for a
 * command without a task). Positional arguments are collected into pos (at
 * most argc entries). Returns 0 on success, 1 if help was printed, -1 on a
 * usage error (message printed). */
int parse_opts(const cmd_spec *c, int argc, char **argv, char **pos, int *npos, given_opts *g);
/* Sets the given options on o and checks it (ns_opts_check); 0 or
 * EXIT_USAGE (message printed). */
int apply_opts(const cmd_spec *c, const given_opts *g, ns_opts *o);
int was_given(const given_opts *g, const char *name);
void print_help(const cmd_spec *c, FILE *f);
/* Prints "negsamp: MESSAGE" for a failed library call; returns the exit code. */
int report_error(ns_status s, const ns_error *err);
/* "1,10,100" into ks (at most max); returns their number or -1. */
int parse_ks(const char *s, int32_t *ks, int max);
/* NS_ENOMEM with "out of memory" in err (the program's own small
 * allocations). */
ns_status ns__nomem_cli(ns_error *err);
/* prefix + ext, malloc'ed (NULL when out of memory). */
char *join(const char *prefix, const char *ext);
/* Checks that prefix + exts[i] can each be written (ns_output_check),
 * before the work; returns 0 or the exit code (message printed). */
int check_outputs(const char *prefix, const char *const *exts, int n);

/* ---- what every training command shares -------------------------------- */

/* Progress lines on stderr: a live line on a terminal, plain lines
 * otherwise, one line per finished epoch, validation and checkpoint. */
typedef struct progress_state {
    int tty, quiet;
    int live;                /* a live line is on screen */
    int threads;             /* of the run (steps/s from units/s/thread) */
    const char *checkpoint;  /* the checkpoint's path, for its messages */
    double every, next_line; /* seconds between progress lines; the next */
    double loss_sum, loss_units; /* the reports' losses since the last line,
                                    weighted by their work */
    int64_t last_done;
    ns_progress last;        /* the latest report */
} progress_state;
int on_progress(const ns_progress *p, void *user);

/* A training command's own options and run: -input, -output, -resume,
 * -progress, -quiet, the given library options, and the hooks (progress,
 * PREFIX.checkpoint when -checkpoint-every asks for checkpoints). */
typedef struct train_cli {
    const char *input, *output, *resume;
    double interval;
    int quiet;
    given_opts given;
    progress_state ps;
    ns_train_hooks hooks;
    char *checkpoint;
} train_cli;

#define TRAIN_CLI_OPTS(t)                                                                                          \
    {"resume", OPT_STRING, &(t)->resume, "FILE",                                                                  \
     "continue an interrupted run from its checkpoint (PREFIX.checkpoint), or train a finished model on to more "  \
     "epochs/steps; options given here override the model's"},                                                    \
        {"progress", OPT_DOUBLE, &(t)->interval, "SEC", "seconds between progress lines [1 on a terminal, 10 otherwise]"}, \
        {"quiet", OPT_FLAG, &(t)->quiet, "", "no progress output"}

/* Required -input (unless `input_optional`) and -output; 0 or EXIT_USAGE. */
int train_require(const cmd_spec *c, const train_cli *t, int input_optional);
/* -valid-every, -patience and -valid-max (those of o's task) given here
 * and not 0 need the validation file `valid`; 0 or EXIT_USAGE. */
int valid_require(const cmd_spec *c, const train_cli *t, const ns_opts *o, const char *valid);
/* The hooks of a run with options o and `threads` workers (PREFIX.checkpoint
 * when o asks for checkpoints); 0 or an exit code. */
int train_hooks(train_cli *t, const ns_opts *o, int threads);
void train_cli_free(train_cli *t);
/* After the run: ends a live progress line. */
void train_done(train_cli *t);
/* SIGINT and SIGTERM during training stop it (a second one kills): after a
 * run that ended with s, writes the model with save(model, path) to
 * PREFIX.checkpoint and returns 128 + the signal when a signal stopped it;
 * 0 when none did. */
int train_interrupted(train_cli *t, ns_status s, ns_status (*save)(const void *model, const char *path, ns_error *err),
                      const void *model);
/* ns_model_save for train_interrupted. */
ns_status save_model_any(const void *model, const char *path, ns_error *err);

/* Writes prefix + exts[i] with fns[i](m), saying so unless quiet. */
typedef ns_status (*model_writer)(const ns_model *m, const char *path, ns_error *err);
int write_model_files(const ns_model *m, const char *prefix, const char *const *exts, const model_writer *fns, int n,
                      int quiet);

/* ---- the subcommands ----------------------------------------------------- */

int cmd_train(ns_task task, int argc, char **argv);
int cmd_pairs_train(int argc, char **argv);
int cmd_pairs_eval(int argc, char **argv);
int cmd_nn(int argc, char **argv);
int cmd_analogy(int argc, char **argv);
int cmd_eval_analogy(int argc, char **argv);
int cmd_eval_similarity(int argc, char **argv);
int cmd_vectors(int argc, char **argv);
int cmd_eval_ll(int argc, char **argv);
int cmd_pmi(int argc, char **argv);
int cmd_false_negatives(int argc, char **argv);
int cmd_rec_train(int argc, char **argv);
int cmd_rec_eval(int argc, char **argv);
int cmd_recommend(int argc, char **argv);
int cmd_kg_train(int argc, char **argv);
int cmd_kg_eval(int argc, char **argv);
int cmd_kg_predict(int argc, char **argv);
int cmd_graph_train(int argc, char **argv);
int cmd_graph_eval(int argc, char **argv);
int cmd_graph_split(int argc, char **argv);

#endif
