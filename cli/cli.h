/*
 * cli.h - the negsamp program's shared pieces: option tables and parsing,
 * exit codes, and the subcommands.
 */
#ifndef NS_CLI_H
#define NS_CLI_H

#include "negsamp.h"

#include <stdio.h>

/* Exit codes: bad data or a failed read/write, a usage error, a diverged
 * training run. */
enum { EXIT_DATA = 1, EXIT_USAGE = 2, EXIT_DIVERGED = 3 };

typedef enum opt_kind { OPT_INT, OPT_I64, OPT_DOUBLE, OPT_STRING, OPT_FLAG, OPT_REJECT, OPT_LIST } opt_kind;

/* OPT_LIST: an option that may be given several times, each value kept. */
#define STR_LIST_MAX 16
typedef struct str_list {
    const char *v[STR_LIST_MAX];
    int n;
} str_list;

/* One option: its names ("dim|size" = -dim, --dim, -size, --size; the first
 * is shown in help), kind, destination and help text. OPT_REJECT options
 * exist to answer a known-but-wrong spelling with `help` as the message. */
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
} cmd_spec;

/* Parses argv[1..] (argv[0] is the subcommand). Positional arguments are
 * collected into pos (at most argc entries). Returns 0 on success, 1 if help
 * was printed, -1 on a usage error (message printed). */
int parse_opts(const cmd_spec *c, int argc, char **argv, char **pos, int *npos);
void print_help(const cmd_spec *c, FILE *f);
/* Prints "negsamp: MESSAGE" for a failed library call; returns the exit code. */
int report_error(ns_status s, const ns_error *err);

/* Progress lines on stderr: a live line on a terminal, plain lines
 * otherwise, one line per finished epoch. */
typedef struct progress_state {
    int tty, quiet;
    int live;                /* a live line is on screen */
    int threads;             /* of the run (steps/s from units/s/thread) */
    const char *checkpoint;  /* the checkpoint's path, for its messages */
} progress_state;
int on_progress(const ns_progress *p, void *user);
/* "1,10,100" into ks (at most max); returns their number or -1. */
int parse_ks(const char *s, int32_t *ks, int max);
/* prefix + ext, malloc'ed (NULL when out of memory). */
char *join(const char *prefix, const char *ext);
/* Checks that prefix + exts[i] can each be written (ns_output_check),
 * before the work; returns 0 or the exit code (message printed). */
int check_outputs(const char *prefix, const char *const *exts, int n);

int cmd_train(ns_task task, int argc, char **argv);
int cmd_pairs_train(int argc, char **argv);
int cmd_pairs_eval(int argc, char **argv);
int cmd_nn(int argc, char **argv);
int cmd_analogy(int argc, char **argv);
int cmd_eval_analogy(int argc, char **argv);
int cmd_eval_similarity(int argc, char **argv);
int cmd_eval_ll(int argc, char **argv);
int cmd_pmi(int argc, char **argv);
int cmd_false_negatives(int argc, char **argv);
int cmd_rec_train(int argc, char **argv);
int cmd_rec_eval(int argc, char **argv);
int cmd_recommend(int argc, char **argv);
int cmd_kg_train(int argc, char **argv);
int cmd_kg_eval(int argc, char **argv);
int cmd_kg_predict(int argc, char **argv);

#endif
