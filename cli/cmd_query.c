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

/* Prints a word's neighbours; returns 0 or an exit code (an unknown word
 * is reported and skipped). */
static int print_neighbours(const ns_emb *e, char *word, int k, ns_hit *hits) {
    int32_t id = find(e, word), n;
    if (id < 0) {
        fprintf(stderr, "negsamp nn: '%s' is not in the vocabulary\n", word);
        return 0;
    }
    ns_error err;
    ns_status s = ns_emb_nearest(e, ns_emb_row(e, id), k, &id, 1, hits, &n, &err);
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
                     "are read from standard input (whitespace separated).",
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
    code = hits ? 0 : report_error(NS_ENOMEM, NULL);
    for (int i = 1; i < npos && !code; i++) code = print_neighbours(e, pos[i], k, hits);
    if (npos == 1) {
        char word[4096];
        while (!code && scanf("%4095s", word) == 1) {
            code = print_neighbours(e, word, k, hits);
            fflush(stdout);
        }
    }
    free(hits);
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
    int32_t id[3];
    for (int i = 0; i < 3; i++)
        if ((id[i] = find(e, pos[i + 1])) < 0) {
            fprintf(stderr, "negsamp analogy: '%s' is not in the vocabulary of %s\n", pos[i + 1], pos[0]);
            ns_emb_free(e);
            return EXIT_DATA;
        }
    ns_hit *hits = malloc((size_t)k * sizeof *hits);
    ns_error err;
    int32_t n = 0;
    ns_status s = hits ? ns_emb_analogy(e, id[0], id[1], id[2], strcmp(method, "mul") ? NS_ANALOGY_ADD : NS_ANALOGY_MUL,
                                        0, k, hits, &n, &err)
                       : NS_ENOMEM;
    code = s == NS_OK ? 0 : report_error(s, hits ? &err : NULL);
    for (int32_t i = 0; i < n; i++) printf("%s\t%.4f\n", ns_emb_word(e, hits[i].id), hits[i].score);
    free(hits);
    ns_emb_free(e);
    return code;
}

static void print_row(const ns_analogy_section *s) {
    printf("%-28s %7lld %7lld  %6.2f%%  %6.2f%%\n", s->name, (long long)s->questions, (long long)s->covered,
           s->covered ? 100.0 * (double)s->correct_add / (double)s->covered : 0.0,
           s->covered ? 100.0 * (double)s->correct_mul / (double)s->covered : 0.0);
}

int cmd_eval_analogy(int argc, char **argv) {
    int restrict_n = 30000, cs = 0;
    const opt opts[] = {
        {"restrict", OPT_INT, &restrict_n, "N", "use the first N words of FILE only, 0 = all [30000]"},
        {"case-sensitive", OPT_FLAG, &cs, "", "do not lower-case the questions"},
    };
    cmd_spec spec = {"eval-analogy", "FILE questions-words.txt [-restrict N]",
                     "Analogy accuracy (3CosAdd and 3CosMul) per section, semantic and syntactic\n"
                     "totals and coverage. A question counts when its four words are among the\n"
                     "first N words of FILE (the most frequent, for files negsamp writes).",
                     opts, 2, 2, 2, -1};
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
    ns_analogy_report rep;
    ns_error err = {{0}};
    ns_status s = ns_eval_analogy(e, pos[1], restrict_n, cs, &rep, &err);
    if (s != NS_OK) {
        ns_emb_free(e);
        return report_error(s, &err);
    }
    printf("%-28s %7s %7s  %7s  %7s\n", "section", "total", "covered", "3CosAdd", "3CosMul");
    for (int32_t i = 0; i < rep.n_sections; i++) print_row(&rep.sections[i]);
    print_row(&rep.semantic);
    print_row(&rep.syntactic);
    print_row(&rep.total);
    printf("coverage %.1f%% (%lld of %lld questions)\n",
           rep.total.questions ? 100.0 * (double)rep.total.covered / (double)rep.total.questions : 0.0,
           (long long)rep.total.covered, (long long)rep.total.questions);
    ns_analogy_report_free(&rep);
    ns_emb_free(e);
    return 0;
}

int cmd_eval_similarity(int argc, char **argv) {
    int cs = 0;
    const opt opts[] = {{"case-sensitive", OPT_FLAG, &cs, "", "do not lower-case the pairs"}};
    cmd_spec spec = {"eval-similarity", "FILE pairs",
                     "Spearman's rho between human scores and cosines on 'word1 word2 score' lines\n"
                     "(comma, tab or space separated; a header line and CRLF are fine). Pairs with\n"
                     "an unknown word are counted and left out.",
                     opts, 1, 2, 2, -1};
    char *pos[2];
    int npos, r = parse_opts(&spec, argc, argv, pos, &npos, NULL);
    if (r) return r > 0 ? 0 : EXIT_USAGE;
    ns_emb *e;
    int code = load(pos[0], &e);
    if (code) return code;
    ns_similarity_report rep;
    ns_error err = {{0}};
    ns_status s = ns_eval_similarity(e, pos[1], cs, &rep, &err);
    ns_emb_free(e);
    if (s != NS_OK) return report_error(s, &err);
    printf("pairs %lld, covered %lld (%lld with an unknown word), spearman %.4f, pearson %.4f\n",
           (long long)rep.pairs, (long long)rep.covered, (long long)(rep.pairs - rep.covered),
           rep.spearman, rep.pearson);
    return 0;
}
