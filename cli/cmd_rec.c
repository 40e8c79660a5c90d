/*
 * cmd_rec.c - `negsamp rec-train`, `rec-eval` and `recommend`: user and
 * item vectors from interactions, their full-ranking evaluation against a
 * popularity baseline, and top-K recommendations.
 */
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* How interaction files are read: the options shared by the commands. */
typedef struct read_spec {
    const char *columns, *sep;
    int header;
    double min_rating;
} read_spec;

#define READ_OPTS(r) \
    {"columns", OPT_STRING, &(r)->columns, "U,I[,W[,T]]", "1-based columns of user, item, weight (rating) and timestamp; 0 = none [1,2,3,4]"}, \
    {"sep", OPT_STRING, &(r)->sep, "C", "field separator: one character, 'tab' or 'space' [runs of tabs and spaces]"}, \
    {"header", OPT_FLAG, &(r)->header, "", "the first line is a header"}, \
    {"min-rating|min-weight", OPT_DOUBLE, &(r)->min_rating, "R", "only lines with weight >= R are positives (MovieLens: 4) [every line]"}

/* Applies the options given on the command line to o; returns 0 or prints
 * the problem and returns -1. */
static int read_opts(const char *cmd, const read_spec *r, ns_inter_opts *o) {
    if (r->columns) {
        int32_t c[4] = {0, 0, 0, 0};
        int n = 0;
        const char *s = r->columns;
        while (*s && n < 4) {
            char *end;
            long v = strtol(s, &end, 10);
            if (end == s || v < 0 || v > 64 || (*end && *end != ',')) break;
            c[n++] = (int32_t)v;
            s = *end ? end + 1 : end;
        }
        if (*s || n < 2 || c[0] < 1 || c[1] < 1) {
            fprintf(stderr, "negsamp %s: -columns wants U,I[,W[,T]] (1-based, 0 = none), got '%s'\n", cmd, r->columns);
            return -1;
        }
        o->user_col = c[0], o->item_col = c[1], o->weight_col = c[2], o->time_col = c[3];
    }
    if (r->sep) {
        if (!strcmp(r->sep, "tab")) o->sep = '\t';
        else if (!strcmp(r->sep, "space")) o->sep = ' ';
        else if (strlen(r->sep) == 1) o->sep = r->sep[0];
        else {
            fprintf(stderr, "negsamp %s: -sep wants one character, 'tab' or 'space', got '%s'\n", cmd, r->sep);
            return -1;
        }
    }
    if (r->header) o->header = 1;
    if (!isnan(r->min_rating)) o->min_weight = r->min_rating;
    return 0;
}

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

int cmd_rec_train(int argc, char **argv) {
    ns_train_opts o;
    ns_train_opts_default(&o, NS_TASK_REC);
    ns_inter_opts io;
    ns_inter_opts_default(&io);
    read_spec rs = {NULL, NULL, 0, NAN};
    const char *input = NULL, *output = NULL, *loss = NULL, *model = "mf", *split = NULL;
    int sessions = 0, dim = 64, neg = o.neg, epochs = 30, threads = o.threads, window = 200, dns = o.dns;
    int max_trials = o.max_trials, min_user = 1, min_item = 1, bias = 0, quiet = 0;
    int64_t seed = (int64_t)o.seed;
    double lr = NAN, alpha = 0, l2 = NAN, sample = 0, interval = -1; /* NAN: by -model */
    const opt opts[] = {
        {"input|train", OPT_STRING, &input, "FILE", "'user item [weight] [timestamp]' lines (MovieLens u.data as is), '-' = stdin, .gz ok (required)"},
        {"output", OPT_STRING, &output, "PREFIX", "writes PREFIX.model and PREFIX.items.vec (and PREFIX.users.vec for mf) (required)"},
        READ_OPTS(&rs),
        {"sessions", OPT_FLAG, &sessions, "", "each line is one session, its items in order (user 's<line number>'); evaluate with -split leave-last-out (the next item)"},
        {"min-user", OPT_INT, &min_user, "N", "drop users with fewer than N positives, and items with fewer than -min-item, until both hold [1]"},
        {"min-item", OPT_INT, &min_item, "N", "see -min-user [1]"},
        {"split", OPT_STRING, &split, "leave-last-out", "hold out each user's last positive (by timestamp; users with one keep it); kept in the model for rec-eval -split"},
        {"model", OPT_STRING, &model, "NAME", "mf (matrix factorisation, score u.v) or item2vec (skip-gram over each user's items in time order) [mf]"},
        {"loss", OPT_STRING, &loss, "NAME", "mf: sgns, nce, softmax-sampled, softmax (every item), bpr or warp [bpr]; item2vec: sgns, nce, softmax-sampled or softmax [sgns]"},
        {"dim|size", OPT_INT, &dim, "N", "vector size [64]"},
        {"neg|negative", OPT_INT, &neg, "K", "negatives per positive (not warp, softmax) [5]"},
        {"ns-exponent|noise-alpha", OPT_DOUBLE, &alpha, "A", "negatives drawn by (item popularity)^A; 0 = uniform, 1 = popularity; uniform ranks best on MovieLens (docs/recommendation.md) [0]"},
        {"dns", OPT_INT, &dns, "M", "dynamic negative sampling (sgns, bpr): each negative is the highest-scored of M draws [1]"},
        {"max-trials", OPT_INT, &max_trials, "N", "warp: draws to find a negative within the margin before a positive is skipped [100]"},
        {"window", OPT_INT, &window, "N", "item2vec: context items on each side; item2vec treats a user's items as a set, so wide [200]"},
        {"sample", OPT_DOUBLE, &sample, "T", "item2vec: subsampling threshold of popular items, 0 = off [0]"},
        {"l2", OPT_DOUBLE, &l2, "L", "L2 penalty L/2 |row|^2 on every updated row [0.05 mf, 0 item2vec]"},
        {"bias", OPT_FLAG, &bias, "", "mf: learn a bias per item (its popularity)"},
        {"epochs|epoch|iter", OPT_INT, &epochs, "N", "passes over the positives [30]"},
        {"lr", OPT_DOUBLE, &lr, "LR", "start learning rate, decays linearly to ~0 [0.05 mf, 0.025 item2vec]"},
        {"threads|thread", OPT_INT, &threads, "N", "worker threads [2]"},
        {"seed", OPT_I64, &seed, "N", "random seed; 1 thread + same seed = same result [1]"},
        {"progress", OPT_DOUBLE, &interval, "SEC", "seconds between progress lines [1 on a terminal, 10 otherwise]"},
        {"quiet", OPT_FLAG, &quiet, "", "no progress output"},
    };
    cmd_spec spec = {"rec-train", "-input FILE -output PREFIX [options]",
                     "Trains user and item vectors from interactions: each user's positives (lines\n"
                     "with weight >= -min-rating) against sampled items that are not its positives.\n"
                     "Users and items are arbitrary strings; a repeated (user, item) counts once.\n"
                     "Lines starting with '#' and blank lines are skipped.",
                     opts, (int)(sizeof opts / sizeof opts[0]), 0, 0};
    char *pos[1];
    int npos, r = parse_opts(&spec, argc, argv, pos, &npos);
    if (r) return r > 0 ? 0 : EXIT_USAGE;
    if (!input || !output) {
        fprintf(stderr, "negsamp rec-train: -input and -output are required (see 'negsamp rec-train --help')\n");
        return EXIT_USAGE;
    }
    if (read_opts("rec-train", &rs, &io)) return EXIT_USAGE;
    int item2vec = !strcmp(model, "item2vec");
    if (!item2vec && strcmp(model, "mf")) {
        fprintf(stderr, "negsamp rec-train: -model %s is not supported; choose mf or item2vec\n", model);
        return EXIT_USAGE;
    }
    if (split && strcmp(split, "leave-last-out")) {
        fprintf(stderr, "negsamp rec-train: -split %s is not supported; the one split is leave-last-out\n", split);
        return EXIT_USAGE;
    }
    if (!loss) loss = item2vec ? "sgns" : "bpr";
    int loss_id = ns_loss_parse(loss);
    if (loss_id < 0 || loss_id == NS_LOSS_INFONCE) {
        fprintf(stderr, "negsamp rec-train: -loss %s is not supported; choose sgns, nce, softmax-sampled, "
                "softmax, bpr or warp\n", loss);
        return EXIT_USAGE;
    }
    if (item2vec && (loss_id == NS_LOSS_BPR || loss_id == NS_LOSS_WARP)) {
        fprintf(stderr, "negsamp rec-train: -model item2vec trains with sgns, nce, softmax-sampled or softmax, "
                "not %s\n", loss);
        return EXIT_USAGE;
    }
    if (item2vec) {
        ns_train_opts_default(&o, NS_TASK_SKIPGRAM);
        if (bias) {
            fprintf(stderr, "negsamp rec-train: -bias is for -model mf\n");
            return EXIT_USAGE;
        }
    }
    if (isnan(lr)) lr = item2vec ? 0.025 : 0.05;
    if (isnan(l2)) l2 = item2vec ? 0 : 0.05;
    o.loss = (ns_loss)loss_id, o.dim = dim, o.neg = neg, o.epochs = epochs, o.threads = threads, o.lr = lr;
    o.ns_exponent = alpha, o.l2 = l2, o.seed = (uint64_t)seed, o.bias = bias, o.dns = dns;
    o.max_trials = max_trials, o.window = window, o.sample = sample;
    io.min_user = min_user, io.min_item = min_item, io.sessions = sessions;
    ns_error err = {{0}};
    ns_status s;
    if ((s = ns_train_opts_check(&o, &err)) != NS_OK) {
        fprintf(stderr, "negsamp rec-train: %s\n", err.msg);
        return EXIT_USAGE;
    }
    ns_inter *all = NULL, *train = NULL, *test = NULL;
    ns_rec *rec = NULL;
    const char *exts[3] = {".model", ".items.vec", ".users.vec"};
    int code = check_outputs(output, exts, item2vec ? 2 : 3);
    if (code) return code;
    if ((s = ns_inter_load(&all, input, &io, NULL, &err)) != NS_OK) return report_error(s, &err);
    if (!quiet) print_stats(input, all);
    if (split) {
        s = ns_inter_split_last(all, &train, &test, &err);
        ns_inter_free(all);
        if (s != NS_OK) return report_error(s, &err);
        if (!quiet) fprintf(stderr, "leave-last-out: %lld positives held out\n", (long long)ns_inter_count(test));
    } else {
        train = all;
    }
    progress_state ps = {isatty(STDERR_FILENO), quiet, 0, o.threads, NULL};
    ns_train_hooks hooks = {on_progress, &ps, interval > 0 ? interval : ps.tty ? 1.0 : 10.0, NULL, 0, 0};
    s = ns_rec_create(&rec, train, test, &o, &err);
    ns_inter_free(train), ns_inter_free(test);
    if (s == NS_OK) s = ns_rec_train(rec, &o, &hooks, &err);
    if (s != NS_OK) {
        ns_rec_free(rec);
        return report_error(s, &err);
    }
    for (int i = 0; i < (item2vec ? 2 : 3) && code == 0; i++) {
        char *path = join(output, exts[i]);
        if (!path) {
            code = report_error(NS_ENOMEM, NULL);
            break;
        }
        const ns_model *m = ns_rec_model(rec);
        s = i == 0 ? ns_rec_save(rec, path, &err)
                   : i == 2 || item2vec ? ns_model_export_vec(m, path, &err) : ns_model_export_out_vec(m, path, &err);
        if (s != NS_OK) code = report_error(s, &err);
        else if (!quiet) fprintf(stderr, "wrote %s\n", path);
        free(path);
    }
    ns_rec_free(rec);
    return code;
}

static void print_metrics(const char *name, const ns_rec_metrics *m, const ns_rec_report *r) {
    printf("%-11s", name);
    for (int c = 0; c < r->n_k; c++) printf(" %9.4f %9.4f %9.4f", m->recall[c], m->ndcg[c], m->hr[c]);
    printf(" %9.4f\n", m->mrr);
}

int cmd_rec_eval(int argc, char **argv) {
    const char *test_path = NULL, *split = NULL, *kspec = "10,20";
    read_spec rs = {NULL, NULL, 0, NAN};
    const opt opts[] = {
        {"test", OPT_STRING, &test_path, "FILE", "held-out interactions, read like the training file unless the options below say otherwise"},
        {"split", OPT_STRING, &split, "leave-last-out", "the positives held out by rec-train -split leave-last-out"},
        {"k", OPT_STRING, &kspec, "K[,K...]", "cut-offs for Recall, NDCG and HR, at most 8 [10,20]"},
        READ_OPTS(&rs),
    };
    cmd_spec spec = {"rec-eval", "MODEL (-test FILE | -split leave-last-out) [options]",
                     "Full-ranking evaluation: for every user with held-out positives, every item that\n"
                     "is not one of its training positives is ranked by the model's score (ties to the\n"
                     "more popular item). Prints Recall@K, NDCG@K, HR@K and MRR, averaged over users,\n"
                     "for the model and for a popularity baseline ranked by the same code. Held-out\n"
                     "lines with a user or item the model lacks are counted and left out.",
                     opts, (int)(sizeof opts / sizeof opts[0]), 1, 1};
    char *pos[1];
    int npos, r = parse_opts(&spec, argc, argv, pos, &npos);
    if (r) return r > 0 ? 0 : EXIT_USAGE;
    if (!test_path == !split || (split && strcmp(split, "leave-last-out"))) {
        fprintf(stderr, "negsamp rec-eval: give one of -test FILE and -split leave-last-out\n");
        return EXIT_USAGE;
    }
    int32_t ks[NS_REC_MAX_K];
    int n_ks = parse_ks(kspec, ks, NS_REC_MAX_K);
    if (n_ks < 1) {
        fprintf(stderr, "negsamp rec-eval: -k wants 1 to %d comma-separated integers >= 1, got '%s'\n",
                NS_REC_MAX_K, kspec);
        return EXIT_USAGE;
    }
    ns_error err = {{0}};
    ns_rec *rec;
    ns_status s = ns_rec_load(&rec, pos[0], &err);
    if (s != NS_OK) return report_error(s, &err);
    ns_inter *loaded = NULL;
    const ns_inter *test = ns_rec_test_data(rec);
    int code = 0;
    if (split && !test) {
        fprintf(stderr, "negsamp rec-eval: %s holds no held-out positives (train it with -split leave-last-out)\n", pos[0]);
        code = EXIT_USAGE;
        goto done;
    }
    if (test_path) {
        ns_inter_opts io;
        ns_inter_read_opts(ns_rec_train_data(rec), &io);
        if (read_opts("rec-eval", &rs, &io)) {
            code = EXIT_USAGE;
            goto done;
        }
        if ((s = ns_inter_load(&loaded, test_path, &io, ns_rec_train_data(rec), &err)) != NS_OK) {
            code = report_error(s, &err);
            goto done;
        }
        print_stats(test_path, loaded);
        test = loaded;
    }
    ns_rec_report rep;
    if ((s = ns_rec_eval(rec, test, ks, n_ks, &rep, &err)) != NS_OK) {
        code = report_error(s, &err);
        goto done;
    }
    printf("users %lld, test positives %lld (%lld already training positives, left out), %d items ranked "
           "per user in %.3f s in all\n",
           (long long)rep.users, (long long)rep.positives, (long long)rep.seen,
           ns_vocab_size(ns_inter_item_vocab(ns_rec_train_data(rec))), rep.seconds);
    printf("%-11s", "");
    for (int c = 0; c < rep.n_k; c++) {
        char h[3][32];
        snprintf(h[0], sizeof h[0], "recall@%d", rep.k[c]);
        snprintf(h[1], sizeof h[1], "ndcg@%d", rep.k[c]);
        snprintf(h[2], sizeof h[2], "hr@%d", rep.k[c]);
        printf(" %9s %9s %9s", h[0], h[1], h[2]);
    }
    printf(" %9s\n", "mrr");
    print_metrics("model", &rep.model, &rep);
    print_metrics("popularity", &rep.popularity, &rep);
done:
    ns_inter_free(loaded);
    ns_rec_free(rec);
    return code;
}

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
                     opts, 1, 1, 2};
    char *pos[2];
    int npos, r = parse_opts(&spec, argc, argv, pos, &npos);
    if (r) return r > 0 ? 0 : EXIT_USAGE;
    if (k < 1 || k > 1000000) {
        fprintf(stderr, "negsamp recommend: -k must be in 1..1000000, got %d\n", k);
        return EXIT_USAGE;
    }
    ns_error err = {{0}};
    ns_rec *rec;
    ns_status s = ns_rec_load(&rec, pos[0], &err);
    if (s != NS_OK) return report_error(s, &err);
    ns_hit *hits = malloc((size_t)k * sizeof *hits);
    int code = hits ? 0 : report_error(NS_ENOMEM, NULL);
    if (!code && npos == 2) {
        code = recommend_one(rec, pos[1], k, hits);
    } else if (!code) {
        char *line = NULL;
        size_t cap = 0;
        ssize_t len;
        while (!code && (len = getline(&line, &cap, stdin)) >= 0) {
            while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' ' ||
                               line[len - 1] == '\t'))
                line[--len] = '\0';
            if (len > 0) code = recommend_one(rec, line, k, hits);
        }
        free(line);
    }
    free(hits);
    ns_rec_free(rec);
    return code;
}
