/*
 * cmd_pairs.c - `negsamp pairs-train` and `negsamp pairs-eval`: embeddings
 * of left and right items from "left<TAB>right[<TAB>negative...]" lines,
 * and their ranking quality on held-out pairs.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

typedef struct pairs_cmd {
    train_cli t;
    const char *noise_file, *valid;
    ns_opts o;
} pairs_cmd;

static int pairs_parse(pairs_cmd *c, int argc, char **argv, cmd_spec *spec, opt *opts, int cap) {
    train_cli *t = &c->t;
    const opt own[] = {
        {"input|train", OPT_STRING, &t->input, "FILE", "'left<TAB>right[<TAB>negative...]' lines, '-' = stdin, .gz ok (required)"},
        {"output", OPT_STRING, &t->output, "PREFIX", "writes PREFIX.model, PREFIX.vec (left items) and PREFIX.right.vec (right items) (required)"},
        {"noise-file", OPT_STRING, &c->noise_file, "FILE", "draw negatives by the weights of 'item weight' lines instead"},
        {"valid", OPT_STRING, &c->valid, "FILE", "validation pairs: filtered MRR every -valid-every epochs; PREFIX.model is the best validated model"},
        TRAIN_CLI_OPTS(t),
    };
    int n = (int)(sizeof own / sizeof own[0]);
    if (n > cap) return EXIT_USAGE;
    memcpy(opts, own, sizeof own);
    *spec = (cmd_spec){"pairs-train", "-input FILE [-valid FILE] -output PREFIX [options]",
                       "Trains left and right item vectors from pairs so that u_left . v_right ranks\n"
                       "each left item's right items first. Each line's explicit negatives (items the\n"
                       "user knows are wrong for it) are trained on alongside the sampled or in-batch\n"
                       "ones. Lines starting with '#' and blank lines are skipped.",
                       opts, n, 0, 0, NS_TASK_PAIRS};
    char *pos[1];
    int npos, r = parse_opts(spec, argc, argv, pos, &npos, &t->given);
    if (r) return r > 0 ? -1 : EXIT_USAGE;
    return train_require(spec, t, 0);
}

static int pairs_options(pairs_cmd *c, const cmd_spec *spec, ns_model **m) {
    ns_error err;
    ns_opts_default(&c->o, NS_TASK_PAIRS);
    if (c->t.resume) {
        ns_status s = ns_model_load(m, c->t.resume, &err);
        if (s != NS_OK) return report_error(s, &err);
        if (ns_model_opts(*m)->task != NS_TASK_PAIRS) {
            fprintf(stderr, "negsamp pairs-train: %s is not a pair model (pairs-train writes those)\n", c->t.resume);
            return EXIT_USAGE;
        }
        ns_opts_from_model(&c->o, *m);
    }
    int code = apply_opts(spec, &c->t.given, &c->o);
    return code ? code : valid_require(spec, &c->t, &c->o, c->valid);
}

/* The pairs: read anew, or over the resumed model's items. */
static int pairs_read(pairs_cmd *c, const ns_model *m, ns_pairs **p) {
    ns_error err;
    ns_status s = ns_pairs_load(p, c->t.input, &c->o.pairs, m, &err);
    if (s != NS_OK) return report_error(s, &err);
    const ns_vocab *vl = ns_pairs_left_vocab(*p), *vr = ns_pairs_right_vocab(*p);
    if (!c->t.quiet)
        fprintf(stderr, "pairs: %lld (%lld skipped by min-count), %d left and %d right items%s\n",
                (long long)ns_pairs_count(*p), (long long)ns_pairs_skipped(*p), ns_vocab_size(vl), ns_vocab_size(vr),
                vl == vr ? " (one vocabulary)" : "");
    return 0;
}

/* The validation pairs, over the model's items. */
static int pairs_valid(pairs_cmd *c, const ns_model *m, ns_pairs **valid) {
    if (!c->valid) return 0;
    ns_error err;
    ns_status s = ns_pairs_load(valid, c->valid, &c->o.pairs, m, &err);
    if (s != NS_OK) return report_error(s, &err);
    int64_t unknown = 0, n = ns_pairs_count(*valid);
    for (int64_t i = 0; i < n; i++) {
        int32_t l, r;
        ns_pairs_get(*valid, i, &l, &r, NULL);
        unknown += l < 0 || r < 0;
    }
    if (!c->t.quiet)
        fprintf(stderr, "%s: %lld validation pairs (%lld with an item not in training, left out)\n", c->valid,
                (long long)n, (long long)unknown);
    return 0;
}

static int pairs_run(pairs_cmd *c, ns_model *m) {
    const char *exts[3] = {".model", ".vec", ".right.vec"};
    const model_writer fns[3] = {ns_model_save, ns_model_export_vec, ns_model_export_out_vec};
    ns_pairs *p = NULL, *valid = NULL;
    double *noise = NULL;
    ns_error err;
    ns_status s = NS_OK;
    int code = check_outputs(c->t.output, exts, 3);
    if (!code) code = pairs_read(c, m, &p);
    if (!code && c->noise_file) {
        int64_t unknown;
        const ns_vocab *vr = ns_pairs_right_vocab(p);
        if ((s = ns_noise_weights_load(vr, c->noise_file, &noise, &unknown, &err)) == NS_OK && unknown && !c->t.quiet)
            fprintf(stderr, "%s: %lld items not among the right items, ignored\n", c->noise_file, (long long)unknown);
        c->o.train.noise_weights = noise;
    }
    if (!code && s == NS_OK && !m) {
        const ns_vocab *vl = ns_pairs_left_vocab(p), *vr = ns_pairs_right_vocab(p);
        s = ns_model_create_pairs(&m, vl, vl == vr ? NULL : vr, &c->o.train, &err);
    }
    if (!code && s == NS_OK) code = pairs_valid(c, m, &valid);
    if (!code && s == NS_OK && !(code = train_hooks(&c->t, &c->o, c->o.train.threads))) {
        s = ns_train_pairs(m, p, valid, &c->o.train, &c->t.hooks, &err);
        train_done(&c->t);
        code = train_interrupted(&c->t, s, save_model_any, m);
    }
    if (!code && s != NS_OK) code = report_error(s, &err);
    if (!code) code = write_model_files(m, c->t.output, exts, fns, 3, c->t.quiet);
    free(noise);
    ns_model_free(m);
    ns_pairs_free(p), ns_pairs_free(valid);
    return code;
}

int cmd_pairs_train(int argc, char **argv) {
    pairs_cmd c = {0};
    opt opts[8];
    cmd_spec spec;
    ns_model *m = NULL;
    int code = pairs_parse(&c, argc, argv, &spec, opts, 8);
    if (code) return code < 0 ? 0 : code;
    if ((code = pairs_options(&c, &spec, &m)) != 0) {
        ns_model_free(m);
        return code;
    }
    code = pairs_run(&c, m);
    train_cli_free(&c.t);
    return code;
}

typedef struct pairs_eval_cmd {
    const char *test, *at;
    str_list filters;
    char *pos[2];
    int npos;
} pairs_eval_cmd;

static int eval_parse(pairs_eval_cmd *c, int argc, char **argv) {
    const opt opts[] = {
        {"test", OPT_STRING, &c->test, "FILE", "the held-out pairs (or give them as the second argument)"},
        {"filter", OPT_LIST, &c->filters, "FILE", "pair files whose right items are left out of each query's ranking, e.g. the training pairs (repeatable, or FILE,FILE)"},
        {"at|k", OPT_STRING, &c->at, "K[,K...]", "Recall@K cut-offs, at most 8 [1,10,100]"},
    };
    cmd_spec spec = {"pairs-eval", "MODEL [PAIRS] [-test PAIRS] [options]",
                     "Ranks every right item for the left item of each held-out pair by the model's\n"
                     "score and prints Recall@K and the mean reciprocal rank of the true right item.\n"
                     "Filtered: the left item's other right items in the held-out pairs and in the\n"
                     "-filter files are left out of its ranking. Pairs with an item the model does\n"
                     "not know are counted and left out. Ties count half.",
                     opts, 3, 1, 2, -1};
    int r = parse_opts(&spec, argc, argv, c->pos, &c->npos, NULL);
    if (r) return r > 0 ? -1 : EXIT_USAGE;
    if (c->npos == 2 && c->test) {
        fprintf(stderr, "negsamp pairs-eval: give the held-out pairs once (-test FILE or the second argument)\n");
        return EXIT_USAGE;
    }
    if (c->npos == 2) c->test = c->pos[1];
    if (!c->test) {
        fprintf(stderr, "negsamp pairs-eval: the held-out pairs are required (-test FILE)\n");
        return EXIT_USAGE;
    }
    return 0;
}

static int eval_run(pairs_eval_cmd *c, int32_t *ks, int n_ks) {
    ns_error err;
    ns_model *m;
    ns_status s = ns_model_load(&m, c->pos[0], &err);
    if (s != NS_OK) return report_error(s, &err);
    ns_pairs_opts po;
    ns_pairs_opts_default(&po);
    ns_pairs *test = NULL, *filters[STR_LIST_MAX] = {0};
    int n_filter = 0;
    s = ns_pairs_load(&test, c->test, &po, m, &err);
    for (; s == NS_OK && n_filter < c->filters.n; n_filter++)
        s = ns_pairs_load(&filters[n_filter], c->filters.v[n_filter], &po, m, &err);
    ns_rank_report rep;
    if (s == NS_OK) s = ns_eval_pairs(m, test, (const ns_pairs *const *)filters, n_filter, ks, n_ks, &rep, &err);
    if (s == NS_OK) {
        printf("queries %lld, covered %lld, MRR %.4f, mean rank %.1f", (long long)rep.queries, (long long)rep.covered,
               rep.mrr, rep.mean_rank);
        for (int i = 0; i < rep.n_k; i++) printf(", recall@%d %.4f", rep.k[i], rep.recall[i]);
        printf("\n");
    }
    for (int i = 0; i < n_filter; i++) ns_pairs_free(filters[i]);
    ns_pairs_free(test);
    ns_model_free(m);
    return s == NS_OK ? 0 : report_error(s, &err);
}

int cmd_pairs_eval(int argc, char **argv) {
    pairs_eval_cmd c = {0};
    int code = eval_parse(&c, argc, argv);
    int32_t ks[NS_RANK_MAX_K];
    int n_ks = code ? 0 : parse_ks(c.at ? c.at : "1,10,100", ks, NS_RANK_MAX_K);
    if (!code && n_ks < 1) {
        fprintf(stderr, "negsamp pairs-eval: -at wants 1 to %d comma-separated integers >= 1, got '%s'\n",
                NS_RANK_MAX_K, c.at);
        code = EXIT_USAGE;
    }
    if (!code) code = eval_run(&c, ks, n_ks);
    list_free(&c.filters);
    return code < 0 ? 0 : code;
}
