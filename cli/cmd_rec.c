/*
 * cmd_rec.c - `negsamp rec-train`, `rec-eval` and `recommend`: user and
 * item vectors from interactions, their full-ranking evaluation against a
 * popularity baseline, and top-K recommendations.
 */
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void print_stats(const char *what, const ns_inter *x) {
    ns_inter_stats st;
    ns_inter_stats_get(x, &st);
    fprintf(stderr, "%s: %lld lines, %lld positives (%lld under -min-rating, %lld repeats", what, (long long)st.lines,
            (long long)st.positives, (long long)st.below, (long long)st.repeats);
    if (st.unknown) fprintf(stderr, ", %lld with a user or item the model lacks", (long long)st.unknown);
    if (st.cored) fprintf(stderr, ", %lld dropped by -min-user/-min-item", (long long)st.cored);
    fprintf(stderr, "), %d users, %d items", st.users, st.items);
    if (st.users_dropped) fprintf(stderr, "; %d users without a positive", st.users_dropped);
    fprintf(stderr, "\n");
}

typedef struct rec_cmd {
    train_cli t;
    const char *split, *valid;
    ns_opts o;
} rec_cmd;

static int rec_parse(rec_cmd *c, int argc, char **argv, cmd_spec *spec, opt *opts, int cap) {
    train_cli *t = &c->t;
    const opt own[] = {
        {"input|train", OPT_STRING, &t->input, "FILE", "'user item [weight] [timestamp]' lines (MovieLens u.data as is), '-' = stdin, .gz ok (required, except with -resume: the model holds its data)"},
        {"output", OPT_STRING, &t->output, "PREFIX", "writes PREFIX.model and PREFIX.items.vec (and PREFIX.users.vec for mf) (required)"},
        {"split", OPT_STRING, &c->split, "leave-last-out", "hold out each user's last positive (by timestamp; users with one keep it); kept in the model for rec-eval -split"},
        {"valid", OPT_STRING, &c->valid, "FILE", "validation interactions (read as -input): NDCG@10 every -valid-every epochs; PREFIX.model is the best validated model"},
        TRAIN_CLI_OPTS(t),
    };
    int n = (int)(sizeof own / sizeof own[0]);
    if (n > cap) return EXIT_USAGE;
    memcpy(opts, own, sizeof own);
    *spec = (cmd_spec){"rec-train", "-input FILE [-valid FILE] -output PREFIX [options]",
                       "Trains user and item vectors from interactions: each user's positives (lines\n"
                       "with weight >= -min-rating) against sampled items that are not its positives.\n"
                       "Users and items are arbitrary strings; a repeated (user, item) counts once.\n"
                       "Lines starting with '#' and blank lines are skipped.",
                       opts, n, 0, 0, NS_TASK_REC};
    char *pos[1];
    int npos, r = parse_opts(spec, argc, argv, pos, &npos, &t->given);
    if (r) return r > 0 ? -1 : EXIT_USAGE;
    if (c->split && strcmp(c->split, "leave-last-out")) {
        fprintf(stderr, "negsamp rec-train: -split %s is not supported; the one split is leave-last-out\n", c->split);
        return EXIT_USAGE;
    }
    if (t->resume && (t->input || c->split)) {
        fprintf(stderr, "negsamp rec-train: -resume trains the data the model holds; leave out -input and -split\n");
        return EXIT_USAGE;
    }
    return train_require(spec, t, t->resume != NULL);
}

static int rec_options(rec_cmd *c, const cmd_spec *spec, ns_rec **rec) {
    ns_opts_default(&c->o, NS_TASK_REC);
    if (c->t.resume) {
        ns_error err;
        ns_status s = ns_rec_load(rec, c->t.resume, &err);
        if (s != NS_OK) return report_error(s, &err);
        ns_opts_from_rec(&c->o, *rec);
    }
    int code = apply_opts(spec, &c->t.given, &c->o);
    return code ? code : valid_require(spec, &c->t, &c->o, c->valid);
}

/* A new recommender on the input (split when asked). */
static int rec_create(rec_cmd *c, ns_rec **rec) {
    ns_inter *all = NULL, *train = NULL, *test = NULL;
    ns_error err;
    ns_status s = ns_inter_load(&all, c->t.input, &c->o.inter, NULL, &err);
    if (s != NS_OK) return report_error(s, &err);
    if (!c->t.quiet) print_stats(c->t.input, all);
    if (c->split) {
        s = ns_inter_split_last(all, &train, &test, &err);
        if (s == NS_OK && !c->t.quiet)
            fprintf(stderr, "leave-last-out: %lld positives held out\n", (long long)ns_inter_count(test));
    }
    if (s == NS_OK) s = ns_rec_create(rec, c->split ? train : all, test, &c->o.train, &err);
    ns_inter_free(all), ns_inter_free(train), ns_inter_free(test);
    return s == NS_OK ? 0 : report_error(s, &err);
}

/* PREFIX.model (the recommender, its interactions included) and the
 * vectors: items, and for matrix factorisation users. */
static int rec_write(const rec_cmd *c, const ns_rec *rec, const char *const *exts, int item2vec) {
    char *path = join(c->t.output, exts[0]);
    ns_error err;
    ns_status s = path ? ns_rec_save(rec, path, &err) : ns__nomem_cli(&err);
    if (s == NS_OK && !c->t.quiet) fprintf(stderr, "wrote %s\n", path);
    free(path);
    if (s != NS_OK) return report_error(s, &err);
    const model_writer fns[2] = {item2vec ? ns_model_export_vec : ns_model_export_out_vec, ns_model_export_vec};
    return write_model_files(ns_rec_model(rec), c->t.output, exts + 1, fns, item2vec ? 1 : 2, c->t.quiet);
}

/* The validation interactions, over the training users and items. */
static int rec_valid(const rec_cmd *c, const ns_rec *rec, ns_inter **valid) {
    if (!c->valid) return 0;
    ns_error err;
    ns_status s = ns_inter_load(valid, c->valid, &c->o.inter, ns_rec_train_data(rec), &err);
    if (s != NS_OK) return report_error(s, &err);
    if (!c->t.quiet) print_stats(c->valid, *valid);
    return 0;
}

static ns_status save_rec_any(const void *rec, const char *path, ns_error *err) { return ns_rec_save(rec, path, err); }

static int rec_run(rec_cmd *c, ns_rec *rec) {
    int item2vec = c->o.train.task != NS_TASK_REC;
    const char *exts[3] = {".model", ".items.vec", ".users.vec"};
    int code = check_outputs(c->t.output, exts, item2vec ? 2 : 3);
    ns_inter *valid = NULL;
    if (!code && !rec) code = rec_create(c, &rec);
    if (!code) code = rec_valid(c, rec, &valid);
    if (!code) code = train_hooks(&c->t, &c->o, c->o.train.threads);
    if (!code) {
        ns_error err;
        ns_status s = ns_rec_train(rec, valid, &c->o.train, &c->t.hooks, &err);
        train_done(&c->t);
        code = train_interrupted(&c->t, s, save_rec_any, rec);
        if (!code && s != NS_OK) code = report_error(s, &err);
    }
    if (!code) code = rec_write(c, rec, exts, item2vec);
    ns_rec_free(rec);
    ns_inter_free(valid);
    return code;
}

int cmd_rec_train(int argc, char **argv) {
    rec_cmd c = {0};
    opt opts[8];
    cmd_spec spec;
    ns_rec *rec = NULL;
    int code = rec_parse(&c, argc, argv, &spec, opts, 8);
    if (code) return code < 0 ? 0 : code;
    if ((code = rec_options(&c, &spec, &rec)) != 0) {
        ns_rec_free(rec);
        return code;
    }
    code = rec_run(&c, rec);
    train_cli_free(&c.t);
    return code;
}

/* ---- rec-eval ---------------------------------------------------------- */

typedef struct rec_eval_cmd {
    const char *test, *split, *at;
    const char *read[4];   /* -columns, -sep, -min-rating, -header given here */
    int header;
    char *pos[1];
} rec_eval_cmd;

static int rec_eval_parse(rec_eval_cmd *c, int argc, char **argv) {
    const opt opts[] = {
        {"test", OPT_STRING, &c->test, "FILE", "held-out interactions, read like the training file unless the options below say otherwise"},
        {"split", OPT_STRING, &c->split, "leave-last-out", "the positives held out by rec-train -split leave-last-out"},
        {"at|k", OPT_STRING, &c->at, "K[,K...]", "cut-offs for Recall, NDCG and HR, at most 8 [10,20]"},
        {"columns", OPT_STRING, &c->read[0], "U,I[,W[,T]]", "-test: 1-based columns of user, item, weight and timestamp (0 = none) [the training file's]"},
        {"sep", OPT_STRING, &c->read[1], "C", "-test: field separator: one character, 'tab', 'space' or 'runs' [the training file's]"},
        {"min-rating|min-weight", OPT_STRING, &c->read[2], "R", "-test: only lines with weight >= R are positives [the training file's]"},
        {"header", OPT_FLAG, &c->header, "", "-test: the first line is a header"},
    };
    cmd_spec spec = {"rec-eval", "MODEL (-test FILE | -split leave-last-out) [options]",
                     "Full-ranking evaluation: for every user with held-out positives, every item that\n"
                     "is not one of its training positives is ranked by the model's score (ties count\n"
                     "half). Prints Recall@K, NDCG@K, HR@K and MRR, averaged over users,\n"
                     "for the model and for a popularity baseline ranked by the same code. Held-out\n"
                     "lines with a user or item the model lacks are counted and left out.",
                     opts, 7, 1, 1, -1};
    int npos, r = parse_opts(&spec, argc, argv, c->pos, &npos, NULL);
    if (r) return r > 0 ? -1 : EXIT_USAGE;
    if (!c->test == !c->split || (c->split && strcmp(c->split, "leave-last-out"))) {
        fprintf(stderr, "negsamp rec-eval: give one of -test FILE and -split leave-last-out\n");
        return EXIT_USAGE;
    }
    return 0;
}

/* The held-out file read over the model, as the training file was unless
 * the reading options given here say otherwise (the library parses them). */
static int rec_eval_test(rec_eval_cmd *c, const ns_rec *rec, ns_inter **out) {
    ns_opts o;
    ns_opts_from_rec(&o, rec);
    const char *names[4] = {"columns", "sep", "min-rating", "header"};
    ns_error err;
    for (int i = 0; i < 4; i++) {
        const char *v = i == 3 ? (c->header ? "1" : NULL) : c->read[i];
        if (v && ns_opts_set(&o, names[i], v, &err) != NS_OK) {
            fprintf(stderr, "negsamp rec-eval: %s\n", err.msg);
            return EXIT_USAGE;
        }
    }
    ns_status s = ns_inter_load(out, c->test, &o.inter, ns_rec_train_data(rec), &err);
    if (s != NS_OK) return report_error(s, &err);
    print_stats(c->test, *out);
    return 0;
}

static void print_metrics(const char *name, const ns_rec_metrics *m, const ns_rec_report *r) {
    printf("%-11s", name);
    for (int c = 0; c < r->n_k; c++) printf(" %9.4f %9.4f %9.4f", m->recall[c], m->ndcg[c], m->hr[c]);
    printf(" %9.4f\n", m->mrr);
}

static void print_report(const ns_rec *rec, const ns_rec_report *rep) {
    printf("users %lld, test positives %lld (%lld already training positives, left out), %d items ranked "
           "per user in %.3f s in all\n",
           (long long)rep->users, (long long)rep->positives, (long long)rep->seen,
           ns_vocab_size(ns_inter_item_vocab(ns_rec_train_data(rec))), rep->seconds);
    printf("%-11s", "");
    for (int c = 0; c < rep->n_k; c++) {
        char h[3][32];
        snprintf(h[0], sizeof h[0], "recall@%d", rep->k[c]);
        snprintf(h[1], sizeof h[1], "ndcg@%d", rep->k[c]);
        snprintf(h[2], sizeof h[2], "hr@%d", rep->k[c]);
        printf(" %9s %9s %9s", h[0], h[1], h[2]);
    }
    printf(" %9s\n", "mrr");
    print_metrics("model", &rep->model, rep);
    print_metrics("popularity", &rep->popularity, rep);
}

int cmd_rec_eval(int argc, char **argv) {
    rec_eval_cmd c = {0};
    int code = rec_eval_parse(&c, argc, argv);
    if (code) return code < 0 ? 0 : code;
    int32_t ks[NS_REC_MAX_K];
    int n_ks = parse_ks(c.at ? c.at : "10,20", ks, NS_REC_MAX_K);
    if (n_ks < 1) {
        fprintf(stderr, "negsamp rec-eval: -at wants 1 to %d comma-separated integers >= 1, got '%s'\n", NS_REC_MAX_K,
                c.at);
        return EXIT_USAGE;
    }
    ns_error err;
    ns_rec *rec;
    ns_status s = ns_rec_load(&rec, c.pos[0], &err);
    if (s != NS_OK) return report_error(s, &err);
    ns_inter *loaded = NULL;
    const ns_inter *test = ns_rec_test_data(rec);
    if (c.split && !test) {
        fprintf(stderr, "negsamp rec-eval: %s holds no held-out positives (train it with -split leave-last-out)\n", c.pos[0]);
        code = EXIT_USAGE;
    }
    if (!code && c.test && !(code = rec_eval_test(&c, rec, &loaded))) test = loaded;
    ns_rec_report rep;
    if (!code && (s = ns_rec_eval(rec, test, ks, n_ks, &rep, &err)) != NS_OK) code = report_error(s, &err);
    if (!code) print_report(rec, &rep);
    ns_inter_free(loaded);
    ns_rec_free(rec);
    return code;
}

/* ---- recommend --------------------------------------------------------- */

/* Prints user's recommendations; an unknown user gets the popular items. */
static int recommend_one(const ns_rec *rec, const char *user, int32_t k, ns_hit *hits) {
    int32_t u = ns_vocab_find(ns_inter_user_vocab(ns_rec_train_data(rec)), user, strlen(user));
    if (u < 0) fprintf(stderr, "negsamp recommend: user '%s' has no training positive: the most popular items\n", user);
    int32_t n;
    ns_error err;
    ns_status s = ns_rec_recommend(rec, u, k, hits, &n, &err);
    if (s != NS_OK) return report_error(s, &err);
    const ns_vocab *items = ns_inter_item_vocab(ns_rec_train_data(rec));
    for (int32_t i = 0; i < n; i++) printf("%s\t%s\t%.6g\n", user, ns_vocab_word(items, hits[i].id), hits[i].score);
    return 0;
}

/* Users from stdin, one a line. */
static int recommend_stdin(const ns_rec *rec, int32_t k, ns_hit *hits) {
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int code = 0;
    while (!code && (len = getline(&line, &cap, stdin)) >= 0) {
        while (len > 0 && strchr("\n\r \t", line[len - 1])) line[--len] = '\0';
        if (len > 0) code = recommend_one(rec, line, k, hits);
    }
    free(line);
    return code;
}

int cmd_recommend(int argc, char **argv) {
    int k = 10;
    const opt opts[] = {
        {"k", OPT_INT, &k, "N", "items per user [10]"},
    };
    cmd_spec spec = {"recommend", "MODEL [USER] [options]",
                     "Prints the top items for USER, or for each user read from stdin (one a line), as\n"
                     "'user<TAB>item<TAB>score' lines, best first, leaving out the user's training\n"
                     "positives. A user without training positives gets a message on stderr and the\n"
                     "most popular items (score: their count of positives).",
                     opts, 1, 1, 2, -1};
    char *pos[2];
    int npos, r = parse_opts(&spec, argc, argv, pos, &npos, NULL);
    if (r) return r > 0 ? 0 : EXIT_USAGE;
    if (k < 1 || k > 1000000) {
        fprintf(stderr, "negsamp recommend: -k must be in 1..1000000, got %d\n", k);
        return EXIT_USAGE;
    }
    ns_error err;
    ns_rec *rec;
    ns_status s = ns_rec_load(&rec, pos[0], &err);
    if (s != NS_OK) return report_error(s, &err);
    ns_hit *hits = malloc((size_t)k * sizeof *hits);
    int code = !hits ? report_error(NS_ENOMEM, NULL) : npos == 2 ? recommend_one(rec, pos[1], k, hits)
                                                                 : recommend_stdin(rec, k, hits);
    free(hits);
    ns_rec_free(rec);
    return code;
}
