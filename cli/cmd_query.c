/*
 * cmd_query.c - queries and evaluations on a .vec, .bin or .model file:
 * nn, analogy, eval-analogy, eval-similarity.
 */
#include "cli.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int load(const char *path, ns_emb **e) {
    ns_error err = {{0}};
    ns_status s = ns_emb_load(e, path, &err);
    return s == NS_OK ? 0 : report_error(s, &err);
}

static void lower(char *s) {
    for (; *s; s++) *s = (char)tolower((unsigned char)*s);
}

/* Finds a word as given, else lower-cased. */
static int32_t find(const ns_emb *e, char *w) {
    int32_t id = ns_emb_find(e, w);
    if (id < 0) {
        lower(w);
        id = ns_emb_find(e, w);
    }
    return id;
}

/* A word's unit vector into v (dim floats): its row, found as given or
 * lower-cased, or with subwords its n-grams' (then said on stderr); *id
 * its row or -1. 0 when it has none (said on stderr). */
static int vector_of(const char *cmd, const ns_emb *e, char *word, float *v, int32_t *id) {
    if ((*id = find(e, word)) >= 0) return ns_emb_vector(e, ns_emb_word(e, *id), v);
    if (ns_emb_vector(e, word, v) == 2) {
        fprintf(stderr, "negsamp %s: '%s' is not in the vocabulary: its vector is its n-grams'\n", cmd, word);
        return 2;
    }
    fprintf(stderr, "negsamp %s: '%s' is not in the vocabulary%s\n", cmd, word,
            ns_emb_subwords(e) ? " and has no n-gram" : "");
    return 0;
}

/* -oov skip|ngrams; 0 or EXIT_USAGE (said). */
static int set_oov(const char *cmd, ns_emb *e, const char *oov) {
    if (strcmp(oov, "skip") && strcmp(oov, "ngrams")) {
        fprintf(stderr, "negsamp %s: -oov is skip or ngrams, not '%s'\n", cmd, oov);
        return EXIT_USAGE;
    }
    ns_emb_set_oov(e, strcmp(oov, "ngrams") == 0);
    return 0;
}

#define OOV_HELP "subword vectors: words outside the vocabulary get their n-grams' vector (ngrams) or are left out (skip) [ngrams]"

/* Prints a word's neighbours; returns 0 or an exit code (an unknown word
 * is reported and skipped). */
static int print_neighbours(const ns_emb *e, char *word, int k, ns_hit *hits, float *v) {
    int32_t id, n;
    if (!vector_of("nn", e, word, v, &id)) return 0;
    ns_error err;
    ns_status s = ns_emb_nearest(e, v, k, &id, id >= 0, hits, &n, &err);
    if (s != NS_OK) return report_error(s, &err);
    for (int32_t i = 0; i < n; i++) printf("%s\t%s\t%.4f\n", word, ns_emb_word(e, hits[i].id), hits[i].score);
    return 0;
}

int cmd_nn(int argc, char **argv) {
    int k = 10;
    const opt opts[] = {{"k", OPT_INT, &k, "N", "neighbours per word [10]"}};
    cmd_spec spec = {"nn", "FILE [word...] [-k N]",
                     "Prints the N nearest words by cosine, as 'word<TAB>neighbour<TAB>cosine' lines.\n"
                     "FILE is a .vec, .bin or .model file. Without words on the command line, words\n"
                     "are read from standard input (whitespace separated). With subword vectors a\n"
                     "word outside the vocabulary gets the vector of its n-grams.",
                     opts, 1, 1, -1, -1};
    char **pos = malloc(sizeof(char *) * (size_t)(argc + 1));
    int npos, r = pos ? parse_opts(&spec, argc, argv, pos, &npos, NULL) : -1;
    if (r || k < 1) {
        if (!r) fprintf(stderr, "negsamp nn: -k must be >= 1\n");
        free(pos);
        return r > 0 ? 0 : EXIT_USAGE;
    }
    ns_emb *e;
    int code = load(pos[0], &e);
    if (code) {
        free(pos);
        return code;
    }
    ns_hit *hits = malloc((size_t)k * sizeof *hits);
    float *v = malloc((size_t)ns_emb_dim(e) * sizeof *v);
    code = hits && v ? 0 : report_error(NS_ENOMEM, NULL);
    for (int i = 1; i < npos && !code; i++) code = print_neighbours(e, pos[i], k, hits, v);
    if (npos == 1) {
        char word[4096];
        while (!code && scanf("%4095s", word) == 1) {
            code = print_neighbours(e, word, k, hits, v);
            fflush(stdout);
        }
    }
    free(hits), free(v);
    ns_emb_free(e);
    free(pos);
    return code;
}

int cmd_analogy(int argc, char **argv) {
    int k = 5;
    const char *method = "add";
    const opt opts[] = {
        {"k", OPT_INT, &k, "N", "answers to print [5]"},
        {"method", OPT_STRING, &method, "add|mul", "3CosAdd or 3CosMul [add]"},
    };
    cmd_spec spec = {"analogy", "FILE a b c [-k N] [-method add|mul]",
                     "Answers a : b :: c : ? and prints 'answer<TAB>score' lines, best first.", opts, 2, 4, 4, -1};
    char *pos[4];
    int npos, r = parse_opts(&spec, argc, argv, pos, &npos, NULL);
    if (r) return r > 0 ? 0 : EXIT_USAGE;
    if (k < 1 || (strcmp(method, "add") && strcmp(method, "mul"))) {
        fprintf(stderr, "negsamp analogy: -k must be >= 1 and -method add or mul\n");
        return EXIT_USAGE;
    }
    ns_emb *e;
    int code = load(pos[0], &e);
    if (code) return code;
    int32_t id[3], ex[3], nex = 0, dim = ns_emb_dim(e);
    ns_hit *hits = malloc((size_t)k * sizeof *hits);
    float *v = malloc(3 * (size_t)dim * sizeof *v);
    if (!hits || !v) code = report_error(NS_ENOMEM, NULL);
    for (int i = 0; i < 3 && !code; i++) {
        if (!vector_of("analogy", e, pos[i + 1], v + (size_t)i * (size_t)dim, &id[i])) code = EXIT_DATA;
        else if (id[i] >= 0) ex[nex++] = id[i];
    }
    ns_error err;
    int32_t n = 0;
    ns_status s = code ? NS_OK
                       : ns_emb_analogy_vectors(e, v, v + dim, v + 2 * dim, ex, nex,
                                                strcmp(method, "mul") ? NS_ANALOGY_ADD : NS_ANALOGY_MUL, 0, k, hits,
                                                &n, &err);
    if (!code && s != NS_OK) code = report_error(s, &err);
    for (int32_t i = 0; i < n; i++) printf("%s\t%.4f\n", ns_emb_word(e, hits[i].id), hits[i].score);
    free(hits), free(v);
    ns_emb_free(e);
    return code;
}

static void print_row(const ns_analogy_section *s, int oov) {
    printf("%-28s %7lld %7lld  %6.2f%%  %6.2f%%", s->name, (long long)s->questions, (long long)s->covered,
           s->covered ? 100.0 * (double)s->correct_add / (double)s->covered : 0.0,
           s->covered ? 100.0 * (double)s->correct_mul / (double)s->covered : 0.0);
    if (oov) printf("  %7lld", (long long)s->oov);
    printf("\n");
}

int cmd_eval_analogy(int argc, char **argv) {
    int restrict_n = 30000, cs = 0;
    const char *oov = "ngrams";
    const opt opts[] = {
        {"restrict", OPT_INT, &restrict_n, "N", "use the first N words of FILE only, 0 = all [30000]"},
        {"case-sensitive", OPT_FLAG, &cs, "", "do not lower-case the questions"},
        {"oov", OPT_STRING, &oov, "skip|ngrams", OOV_HELP},
    };
    cmd_spec spec = {"eval-analogy", "FILE questions-words.txt [-restrict N] [-oov skip|ngrams]",
                     "Analogy accuracy (3CosAdd and 3CosMul) per section, semantic and syntactic\n"
                     "totals and coverage. A question counts when its four words are among the\n"
                     "first N words of FILE (the most frequent, for files negsamp writes); with\n"
                     "subword vectors and -oov ngrams, when its answer is (a, b and c outside them\n"
                     "get their row or their n-grams' vector; the last column counts those).",
                     opts, 3, 2, 2, -1};
    char *pos[2];
    int npos, r = parse_opts(&spec, argc, argv, pos, &npos, NULL);
    if (r) return r > 0 ? 0 : EXIT_USAGE;
    if (restrict_n < 0) {
        fprintf(stderr, "negsamp eval-analogy: -restrict must be >= 0\n");
        return EXIT_USAGE;
    }
    ns_emb *e;
    int code = load(pos[0], &e);
    if (code) return code;
    if ((code = set_oov("eval-analogy", e, oov))) {
        ns_emb_free(e);
        return code;
    }
    ns_analogy_report rep;
    ns_error err = {{0}};
    ns_status s = ns_eval_analogy(e, pos[1], restrict_n, cs, &rep, &err);
    if (s != NS_OK) {
        ns_emb_free(e);
        return report_error(s, &err);
    }
    int ng = ns_emb_subwords(e) && strcmp(oov, "ngrams") == 0;
    printf("%-28s %7s %7s  %7s  %7s%s\n", "section", "total", "covered", "3CosAdd", "3CosMul", ng ? "  n-grams" : "");
    for (int32_t i = 0; i < rep.n_sections; i++) print_row(&rep.sections[i], ng);
    print_row(&rep.semantic, ng);
    print_row(&rep.syntactic, ng);
    print_row(&rep.total, ng);
    printf("coverage %.1f%% (%lld of %lld questions)\n",
           rep.total.questions ? 100.0 * (double)rep.total.covered / (double)rep.total.questions : 0.0,
           (long long)rep.total.covered, (long long)rep.total.questions);
    ns_analogy_report_free(&rep);
    ns_emb_free(e);
    return 0;
}

int cmd_eval_similarity(int argc, char **argv) {
    int cs = 0;
    const char *oov = "ngrams";
    const opt opts[] = {{"case-sensitive", OPT_FLAG, &cs, "", "do not lower-case the pairs"},
                        {"oov", OPT_STRING, &oov, "skip|ngrams", OOV_HELP}};
    cmd_spec spec = {"eval-similarity", "FILE pairs [-oov skip|ngrams]",
                     "Spearman's rho between human scores and cosines on 'word1 word2 score' lines\n"
                     "(comma, tab or space separated; a header line and CRLF are fine). Pairs with\n"
                     "an unknown word are counted and left out, unless the vectors have subwords\n"
                     "(-oov ngrams: the word gets its n-grams' vector; those pairs are counted).",
                     opts, 2, 2, 2, -1};
    char *pos[2];
    int npos, r = parse_opts(&spec, argc, argv, pos, &npos, NULL);
    if (r) return r > 0 ? 0 : EXIT_USAGE;
    ns_emb *e;
    int code = load(pos[0], &e);
    if (code) return code;
    if ((code = set_oov("eval-similarity", e, oov))) {
        ns_emb_free(e);
        return code;
    }
    ns_similarity_report rep;
    ns_error err = {{0}};
    ns_status s = ns_eval_similarity(e, pos[1], cs, &rep, &err);
    int ng = ns_emb_subwords(e) && strcmp(oov, "ngrams") == 0;
    ns_emb_free(e);
    if (s != NS_OK) return report_error(s, &err);
    char extra[64] = "";
    if (ng) snprintf(extra, sizeof extra, ", %lld answered from n-grams", (long long)rep.oov);
    printf("pairs %lld, covered %lld (%lld with an unknown word%s), spearman %.4f, pearson %.4f\n",
           (long long)rep.pairs, (long long)rep.covered, (long long)(rep.pairs - rep.covered), extra,
           rep.spearman, rep.pearson);
    return 0;
}

int cmd_vectors(int argc, char **argv) {
    cmd_spec spec = {"vectors", "MODEL < words",
                     "Prints 'word v1 ... vdim' for every word read from standard input (whitespace\n"
                     "separated), as fastText's print-word-vectors: the input vector, not normalised;\n"
                     "with subwords the mean of the word's row and its n-grams' rows, and for a word\n"
                     "outside the vocabulary its n-grams' mean. A word with no vector prints zeros\n"
                     "(counted on stderr). MODEL is a .model file.",
                     NULL, 0, 1, 1, -1};
    char *pos[1];
    int npos, r = parse_opts(&spec, argc, argv, pos, &npos, NULL);
    if (r) return r > 0 ? 0 : EXIT_USAGE;
    ns_model *m;
    ns_error err = {{0}};
    ns_status s = ns_model_load(&m, pos[0], &err);
    if (s != NS_OK) return report_error(s, &err);
    int32_t dim = ns_model_dim(m);
    float *v = malloc((size_t)dim * sizeof *v);
    if (!v) {
        ns_model_free(m);
        return report_error(NS_ENOMEM, NULL);
    }
    char word[4096];
    long long none = 0;
    while (scanf("%4095s", word) == 1) {
        none += ns_model_word_vector(m, word, strlen(word), v) == 0;
        fputs(word, stdout);
        for (int32_t k = 0; k < dim; k++) printf(" %.6g", v[k]);
        putchar('\n');
    }
    if (none) fprintf(stderr, "negsamp vectors: %lld word%s had no vector (printed as zeros)\n", none, none > 1 ? "s" : "");
    free(v);
    ns_model_free(m);
    return fflush(stdout) == 0 ? 0 : EXIT_DATA;
}
