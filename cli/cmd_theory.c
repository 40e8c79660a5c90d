/*
 * cmd_theory.c - commands that check what the objectives learn:
 * eval-ll (held-out log-likelihood of a word model).
 */
#include "cli.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

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
                     opts, 2, 2, 2};
    char *pos[2];
    int npos, r = parse_opts(&spec, argc, argv, pos, &npos);
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
        code = s == NS_EINVAL ? (fprintf(stderr, "negsamp eval-ll: %s\n", err.msg), EXIT_USAGE)
                              : report_error(s, &err);
    ns_corpus_free(c);
    ns_model_free(m);
    return code;
}
