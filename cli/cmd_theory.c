/*
 * cmd_theory.c - commands that check what the objectives learn:
 * eval-ll (held-out log-likelihood of a word model), pmi (learned scores
 * against empirical PMI).
 */
#include "cli.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Loads a text over a model's vocabulary: no new words, unknown ones dropped. */
static int load_text(const char *path, const ns_model *m, int no_lines, ns_corpus **c) {
    ns_corpus_opts co;
    ns_corpus_opts_default(&co);
    co.min_count = INT64_MAX;
    co.lines_are_sentences = !no_lines;
    ns_error err = {{0}};
    ns_status s = ns_corpus_load(c, path, &co, ns_model_vocab(m), &err);
    return s == NS_OK ? 0 : report_error(s, &err);
}

int cmd_eval_ll(int argc, char **argv) {
    int window = INT_MIN, no_lines = 0; /* INT_MIN: the model's */
    const opt opts[] = {
        {"window|ws", OPT_INT, &window, "N", "context distance; pairs weighted (N-d+1)/N as in training [the model's]"},
        {"no-lines", OPT_FLAG, &no_lines, "", "line breaks do not end sentences"},
    };
    cmd_spec spec = {"eval-ll", "MODEL TEXT [options]",
                     "Held-out log-likelihood of a word model (.model) on TEXT: the mean over\n"
                     "(context, centre) pairs of log P(centre | context) under the exact softmax\n"
                     "of the model's scores, with perplexity; also the mean raw score (what a\n"
                     "self-normalised model, e.g. -loss nce, claims as log-probability) and the\n"
                     "mean log normaliser log sum_y exp(score). Words the model does not know are\n"
                     "dropped. Costs V^2 dim at worst: for small vocabularies.",
                     opts, 2, 2, 2, -1};
    char *pos[2];
    int npos, r = parse_opts(&spec, argc, argv, pos, &npos, NULL);
    if (r) return r > 0 ? 0 : EXIT_USAGE;
    ns_error err = {{0}};
    ns_model *m;
    ns_status s = ns_model_load(&m, pos[0], &err);
    if (s != NS_OK) return report_error(s, &err);
    if (window == INT_MIN) window = ns_model_opts(m)->window;
    ns_corpus *c = NULL;
    int code = load_text(pos[1], m, no_lines, &c);
    if (code) {
        ns_model_free(m);
        return code;
    }
    ns_loglik_report rep;
    s = ns_eval_loglik(m, c, window, &rep, &err);
    if (s == NS_OK)
        printf("pairs %lld, mean log P(centre|context) %.4f nats, perplexity %.2f, mean score %.4f, "
               "mean log Z %.4f\n",
               (long long)rep.pairs, rep.mean_logp, exp(-rep.mean_logp), rep.mean_score, rep.mean_logz);
    else
        code = report_error(s, &err);
    ns_corpus_free(c);
    ns_model_free(m);
    return code;
}

int cmd_pmi(int argc, char **argv) {
    int window = INT_MIN, no_lines = 0, top = 1000;
    double min_count = 5;
    const char *csv = NULL;
    const opt opts[] = {
        {"top", OPT_INT, &top, "N", "compare pairs of the N most frequent words, at most 8192 [1000]"},
        {"min-count", OPT_DOUBLE, &min_count, "C", "only pairs seen at least C (window-weighted) times [5]"},
        {"window|ws", OPT_INT, &window, "N", "context distance, pairs weighted (N-d+1)/N as in training [the model's]"},
        {"csv", OPT_STRING, &csv, "FILE", "also write the pairs: context,centre,count,pmi,dot,shift"},
        {"no-lines", OPT_FLAG, &no_lines, "", "line breaks do not end sentences"},
    };
    cmd_spec spec = {"pmi", "MODEL TEXT [options]",
                     "Compares a word model's scores u_x . v_y with the empirical PMI of (context x,\n"
                     "centre y) pairs counted in TEXT (the training text, or text like it) with the\n"
                     "trainer's window weighting and no subsampling. SGNS's optimum is\n"
                     "u.v = PMI + log(P(y)/Pn(y)) - ln k: an offset of -ln k for -ns-exponent 1 and\n"
                     "a word-dependent 'shift' otherwise (Levy & Goldberg 2014). Prints the\n"
                     "correlations and the mean/median of u.v - PMI and of u.v - PMI - shift. The\n"
                     "relation is exact only for a model trained with -sample 0.",
                     opts, (int)(sizeof opts / sizeof opts[0]), 2, 2, -1};
    char *pos[2];
    int npos, r = parse_opts(&spec, argc, argv, pos, &npos, NULL);
    if (r) return r > 0 ? 0 : EXIT_USAGE;
    const char *none[1] = {""};
    int early = csv ? check_outputs(csv, none, 1) : 0;
    if (early) return early;
    ns_error err = {{0}};
    ns_model *m;
    ns_status s = ns_model_load(&m, pos[0], &err);
    if (s != NS_OK) return report_error(s, &err);
    const ns_train_opts *mo = ns_model_opts(m);
    if (window == INT_MIN) window = mo->window;
    ns_corpus *c = NULL;
    int code = load_text(pos[1], m, no_lines, &c);
    if (code) {
        ns_model_free(m);
        return code;
    }
    ns_pmi_report rep;
    s = ns_pmi_compare(m, c, top, window, min_count, &rep, &err);
    if (s != NS_OK) {
        code = report_error(s, &err);
    } else {
        if (mo->sample > 0)
            fprintf(stderr, "negsamp pmi: note: the model was trained with -sample %g; the PMI relation "
                    "holds for -sample 0\n", mo->sample);
        printf("pairs %lld (k %d, alpha %g): pearson %.4f, spearman %.4f\n", (long long)rep.n_pairs,
               mo->neg, mo->ns_exponent, rep.pearson, rep.spearman);
        printf("u.v - PMI: mean %.4f, median %.4f (-ln k = %.4f, predicted shift mean %.4f)\n",
               rep.mean_offset, rep.median_offset, -log(mo->neg), rep.mean_shift);
        printf("u.v - PMI - shift: mean %.4f, median %.4f\n", rep.mean_residual, rep.median_residual);
        if (csv && (s = ns_pmi_save_csv(&rep, m, csv, &err)) != NS_OK) code = report_error(s, &err);
        ns_pmi_report_free(&rep);
    }
    ns_corpus_free(c);
    ns_model_free(m);
    return code;
}

int cmd_false_negatives(int argc, char **argv) {
    ns_fn_opts o;
    ns_fn_opts_default(&o);
    const char *sampler = "noise";
    int neg = o.neg, batch = o.batch;
    int64_t trials = o.trials, seed = (int64_t)o.seed;
    double alpha = o.alpha;
    const opt opts[] = {
        {"sampler", OPT_STRING, &sampler, "NAME", "noise (k draws from weight^A, never the positive) or in-batch (the batch's other positives) [noise]"},
        {"neg|negative", OPT_INT, &neg, "K", "noise: negatives per positive [5]"},
        {"ns-exponent|noise-alpha", OPT_DOUBLE, &alpha, "A", "noise: draw by weight^A; 0 = uniform [0]"},
        {"batch", OPT_INT, &batch, "N", "in-batch: batch size [256]"},
        {"trials", OPT_I64, &trials, "N", "positives to simulate [200000]"},
        {"seed", OPT_I64, &seed, "N", "random seed [1]"},
    };
    cmd_spec spec = {"false-negatives", "LABELS [options]",
                     "Given items with class labels ('item class [weight]' lines; the weight is\n"
                     "how often the item is a positive, default 1), reports the expected and the\n"
                     "simulated fraction of negatives that share the positive's class: 1/C for C\n"
                     "balanced classes and uniform sampling, less 1/n for never drawing the\n"
                     "positive itself. Such negatives push apart what the classes say belongs\n"
                     "together.",
                     opts, (int)(sizeof opts / sizeof opts[0]), 1, 1, -1};
    char *pos[1];
    int npos, r = parse_opts(&spec, argc, argv, pos, &npos, NULL);
    if (r) return r > 0 ? 0 : EXIT_USAGE;
    if (!strcmp(sampler, "noise")) o.sampler = NS_FN_NOISE;
    else if (!strcmp(sampler, "in-batch")) o.sampler = NS_FN_INBATCH;
    else {
        fprintf(stderr, "negsamp false-negatives: -sampler %s: choose noise or in-batch\n", sampler);
        return EXIT_USAGE;
    }
    o.neg = neg, o.batch = batch, o.trials = trials, o.seed = (uint64_t)seed, o.alpha = alpha;
    ns_fn_report rep;
    ns_error err = {{0}};
    ns_status s = ns_false_negatives(pos[0], &o, &rep, &err);
    if (s != NS_OK) return report_error(s, &err);
    printf("items %d, classes %d, sampler %s: expected fraction of negatives in the positive's class "
           "%.5f, simulated %.5f +- %.5f (%lld negatives; 1/C = %.5f)\n",
           rep.items, rep.classes, sampler, rep.expected, rep.simulated, rep.std_error,
           (long long)rep.negatives, 1.0 / rep.classes);
    return 0;
}
