/*
 * cmd_kg.c - `negsamp kg-train`, `kg-eval` and `kg-predict`: entity and
 * relation vectors from knowledge-graph triples, their filtered
 * link-prediction metrics, and top-k answers to (h, r, ?) / (?, r, t).
 */
#include "cli.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The known-triple filter: the given files read over the model's
 * vocabularies, plus extra[0..n_extra) (at most 2). *out stays NULL when
 * there is nothing to filter. Returns 0 or an exit code. */
static int load_filter(const ns_kg *m, const str_list *files, const ns_triples *const *extra, int n_extra,
                       ns_kg_filter **out) {
    const ns_triples *sets[STR_LIST_MAX + 2];
    ns_triples *own[STR_LIST_MAX] = {0};
    int n = 0, code = 0;
    ns_error err = {{0}};
    *out = NULL;
    for (int i = 0; i < files->n && !code; i++) {
        ns_status s = ns_triples_load(&own[i], files->v[i], ns_kg_entities(m), ns_kg_relations(m), &err);
        if (s != NS_OK) code = report_error(s, &err);
        else sets[n++] = own[i];
    }
    for (int i = 0; i < n_extra; i++) sets[n++] = extra[i];
    if (!code && n) {
        ns_status s = ns_kg_filter_create(out, sets, n, &err);
        if (s != NS_OK) code = report_error(s, &err);
    }
    for (int i = 0; i < files->n; i++) ns_triples_free(own[i]);
    return code;
}

typedef struct kg_cmd {
    train_cli t;
    const char *valid;
    str_list filters;
    int checkpoint;
    ns_opts o;
} kg_cmd;

static int kg_parse(kg_cmd *c, int argc, char **argv, cmd_spec *spec, opt *opts, int cap) {
    train_cli *t = &c->t;
    const opt own[] = {
        {"input|train", OPT_STRING, &t->input, "FILE", "'head<TAB>relation<TAB>tail' lines, .gz ok (required)"},
        {"valid", OPT_STRING, &c->valid, "FILE", "validation triples for -valid-every"},
        {"output", OPT_STRING, &t->output, "PREFIX", "writes PREFIX.model (required)"},
        {"filter", OPT_LIST, &c->filters, "FILE", "validation: also filter these known triples (repeatable, or FILE,FILE; training and validation triples always are)"},
        {"checkpoint", OPT_FLAG, &c->checkpoint, "", "write PREFIX.checkpoint at every -valid-every pause (-checkpoint-every equal to -valid-every); PREFIX.model is the final (best validated) model"},
        TRAIN_CLI_OPTS(t),
    };
    int n = (int)(sizeof own / sizeof own[0]);
    if (n > cap) return EXIT_USAGE;
    memcpy(opts, own, sizeof own);
    *spec = (cmd_spec){"kg-train", "-input FILE [-valid FILE] -output PREFIX [-model NAME] [options]",
                       "Trains entity and relation vectors for link prediction: each training triple\n"
                       "against triples with its head or tail replaced by sampled entities.\n"
                       "Entities and relations are arbitrary strings (no tabs); '#' lines and blank\n"
                       "lines are skipped, a trailing CR is dropped.",
                       opts, n, 0, 0, NS_TASK_KG};
    char *pos[1];
    int npos, r = parse_opts(spec, argc, argv, pos, &npos, &t->given);
    if (r) return r > 0 ? -1 : EXIT_USAGE;
    return train_require(spec, t, 0);
}

/* The options: the defaults or the resumed model's, then the given ones;
 * validation and checkpoint options given here need their files. */
static int kg_options(kg_cmd *c, const cmd_spec *spec, ns_kg **m) {
    ns_opts_default(&c->o, NS_TASK_KG);
    if (c->t.resume) {
        ns_error err;
        ns_status s = ns_kg_load(m, c->t.resume, &err);
        if (s != NS_OK) return report_error(s, &err);
        ns_opts_from_kg(&c->o, *m);
    }
    int code = apply_opts(spec, &c->t.given, &c->o);
    if (code) return code;
    const ns_kg_opts *o = &c->o.kg;
    /* -checkpoint uses -valid-every as its cadence, with or without -valid. */
    if (!c->checkpoint && (code = valid_require(spec, &c->t, &c->o, c->valid)) != 0) return code;
    if (c->checkpoint && !o->valid_every) {
        fprintf(stderr, "negsamp kg-train: -checkpoint needs -valid-every N (steps between checkpoints)\n");
        return EXIT_USAGE;
    }
    if (c->checkpoint) c->o.checkpoint_every = o->valid_every;
    return 0;
}

/* The training triples: read anew, or over the resumed model's entities
 * and relations (which they must not leave). */
static int kg_train_data(kg_cmd *c, ns_kg *m, ns_triples **train) {
    ns_error err;
    ns_status s = ns_triples_load(train, c->t.input, m ? ns_kg_entities(m) : NULL, m ? ns_kg_relations(m) : NULL, &err);
    if (s != NS_OK) return report_error(s, &err);
    if (m && ns_triples_unknown(*train)) {
        fprintf(stderr, "negsamp kg-train: %s: %lld triples name an entity or relation that %s lacks; resuming trains "
                "the same entities and relations\n", c->t.input, (long long)ns_triples_unknown(*train), c->t.resume);
        return EXIT_DATA;
    }
    return 0;
}

/* The validation triples and their filter (train, valid and -filter). */
static int kg_valid_data(kg_cmd *c, const ns_kg *m, const ns_triples *train, ns_triples **valid, ns_kg_filter **f) {
    if (!c->valid) return 0;
    ns_error err;
    ns_status s = ns_triples_load(valid, c->valid, ns_kg_entities(m), ns_kg_relations(m), &err);
    if (s != NS_OK) return report_error(s, &err);
    if (!c->t.quiet && ns_triples_unknown(*valid))
        fprintf(stderr, "%s: %lld of %lld triples name an entity or relation not in training (ranked last)\n", c->valid,
                (long long)ns_triples_unknown(*valid), (long long)ns_triples_count(*valid));
    const ns_triples *known[2] = {train, *valid};
    return load_filter(m, &c->filters, known, 2, f);
}

static ns_status save_kg_any(const void *m, const char *path, ns_error *err) { return ns_kg_save(m, path, err); }

static int kg_run(kg_cmd *c, ns_kg *m) {
    ns_triples *train = NULL, *valid = NULL;
    ns_kg_filter *filter = NULL;
    ns_error err;
    ns_status s = NS_OK;
    const char *ext[1] = {".model"};
    int code = check_outputs(c->t.output, ext, 1);
    if (!code) code = kg_train_data(c, m, &train);
    if (!code && !m && (s = ns_kg_create(&m, train, &c->o.kg, &err)) != NS_OK) code = report_error(s, &err);
    if (!code && !c->t.quiet)
        fprintf(stderr, "%s: %lld triples, %d entities, %d relations\n", c->t.input, (long long)ns_triples_count(train),
                ns_vocab_size(ns_kg_entities(m)), ns_vocab_size(ns_kg_relations(m)));
    if (!code) code = kg_valid_data(c, m, train, &valid, &filter);
    if (!code && !(code = train_hooks(&c->t, &c->o, c->o.kg.threads))) {
        s = ns_kg_train(m, train, valid, filter, &c->o.kg, &c->t.hooks, &err);
        train_done(&c->t);
        code = train_interrupted(&c->t, s, save_kg_any, m);
        if (!code && s != NS_OK) code = report_error(s, &err);
    }
    char *path = code ? NULL : join(c->t.output, ".model");
    if (path && (s = ns_kg_save(m, path, &err)) != NS_OK) code = report_error(s, &err);
    else if (path && !c->t.quiet) fprintf(stderr, "wrote %s (%lld steps)\n", path, (long long)ns_kg_steps_done(m));
    free(path);
    ns_kg_filter_free(filter);
    ns_triples_free(train), ns_triples_free(valid);
    ns_kg_free(m);
    return code;
}

int cmd_kg_train(int argc, char **argv) {
    kg_cmd c = {0};
    opt opts[12];
    cmd_spec spec;
    ns_kg *m = NULL;
    int code = kg_parse(&c, argc, argv, &spec, opts, 12);
    if (!code && (code = kg_options(&c, &spec, &m)) != 0) ns_kg_free(m);
    else if (!code) code = kg_run(&c, m);
    list_free(&c.filters);
    train_cli_free(&c.t);
    return code < 0 ? 0 : code;
}

/* ---- kg-eval ------------------------------------------------------------- */

typedef struct kg_eval_cmd {
    const char *test;
    str_list filters;
    int threads, per_relation, raw;
    int64_t max;
    char *pos[1];
} kg_eval_cmd;

static int kg_eval_parse(kg_eval_cmd *c, int argc, char **argv) {
    const opt opts[] = {
        {"test", OPT_STRING, &c->test, "FILE", "'head<TAB>relation<TAB>tail' triples to rank (required)"},
        {"filter", OPT_LIST, &c->filters, "FILE", "known true triples left out of the candidates (repeatable, or FILE,FILE; give train and valid); the test triples always are"},
        {"raw", OPT_FLAG, &c->raw, "", "no filtering at all (the 'raw' setting)"},
        {"per-relation", OPT_FLAG, &c->per_relation, "", "also a line per relation"},
        {"max", OPT_I64, &c->max, "N", "rank only the first N test triples [all]"},
        {"threads|thread", OPT_INT, &c->threads, "N", "threads [2]"},
    };
    cmd_spec spec = {"kg-eval", "MODEL -test FILE [-filter FILE]... [options]",
                     "Filtered link prediction: each test triple (h, r, t) is ranked against ALL\n"
                     "entities as a tail (h, r, ?) and as a head (?, r, t); other known true\n"
                     "triples are left out. Rank = 1 + #higher + #equal/2 (ties averaged). Prints\n"
                     "MR, MRR and Hits@1/3/10 over both sides and each side. Triples with an\n"
                     "entity or relation the model lacks count with the worst rank.",
                     opts, 6, 1, 1, -1};
    int npos, r = parse_opts(&spec, argc, argv, c->pos, &npos, NULL);
    if (r) return r > 0 ? -1 : EXIT_USAGE;
    if (!c->test) {
        fprintf(stderr, "negsamp kg-eval: -test is required (see 'negsamp kg-eval --help')\n");
        return EXIT_USAGE;
    }
    if (c->raw && c->filters.n) {
        fprintf(stderr, "negsamp kg-eval: -raw and -filter exclude each other\n");
        return EXIT_USAGE;
    }
    return 0;
}

static void print_row(const char *name, const ns_kg_metrics *x) {
    printf("%-12s %8lld %10.1f %7.4f %7.4f %7.4f %7.4f\n", name, (long long)x->n, x->mr, x->mrr, x->hits1, x->hits3,
           x->hits10);
}

static void print_kg_report(const kg_eval_cmd *c, const ns_kg *m, const ns_kg_report *rep) {
    printf("# %s on %s: %lld triples (%lld with an unknown entity or relation), %s, %.2fs\n", c->pos[0], c->test,
           (long long)rep->triples, (long long)rep->unknown,
           c->raw ? "raw" : c->filters.n ? "filtered" : "filtered by the test triples only", rep->seconds);
    if (!c->raw && !c->filters.n)
        fprintf(stderr, "negsamp kg-eval: note: the standard filtered setting also needs -filter TRAIN -filter VALID\n");
    printf("%-12s %8s %10s %7s %7s %7s %7s\n", "side", "rankings", "MR", "MRR", "H@1", "H@3", "H@10");
    print_row("both", &rep->all);
    print_row("tail", &rep->tail);
    print_row("head", &rep->head);
    for (int32_t i = 0; i < rep->relations; i++)
        if (rep->per_relation[i].n) print_row(ns_vocab_word(ns_kg_relations(m), i), &rep->per_relation[i]);
}

int cmd_kg_eval(int argc, char **argv) {
    kg_eval_cmd c = {.threads = 2};
    int code = kg_eval_parse(&c, argc, argv);
    ns_error err = {{0}};
    ns_kg *m = NULL;
    ns_triples *test = NULL;
    ns_kg_filter *filter = NULL;
    ns_kg_report rep = {0};
    ns_status s = NS_OK;
    if (!code && (s = ns_kg_load(&m, c.pos[0], &err)) == NS_OK)
        s = ns_triples_load(&test, c.test, ns_kg_entities(m), ns_kg_relations(m), &err);
    if (!code && s != NS_OK) code = report_error(s, &err);
    const ns_triples *self[1] = {test};
    if (!code && !c.raw) code = load_filter(m, &c.filters, self, 1, &filter);
    if (!code && (s = ns_kg_eval(m, test, filter, c.threads, c.per_relation, c.max, &rep, &err)) != NS_OK)
        code = report_error(s, &err);
    if (!code) print_kg_report(&c, m, &rep);
    ns_kg_report_free(&rep);
    ns_kg_filter_free(filter);
    ns_triples_free(test);
    ns_kg_free(m);
    list_free(&c.filters);
    return code < 0 ? 0 : code;
}

/* ---- kg-predict ---------------------------------------------------------- */

/* The best answers of the triple with one '?' in pos[1..3]. */
static int predict(const ns_kg *m, char **pos, int32_t k, const str_list *filters) {
    int qh = !strcmp(pos[1], "?");
    const ns_vocab *ents = ns_kg_entities(m), *rels = ns_kg_relations(m);
    const char *known = qh ? pos[3] : pos[1];
    int32_t x = ns_vocab_find(ents, known, strlen(known)), rel = ns_vocab_find(rels, pos[2], strlen(pos[2])), n;
    if (x < 0 || rel < 0) {
        fprintf(stderr, "negsamp kg-predict: %s '%s' is not in %s\n", x < 0 ? "entity" : "relation",
                x < 0 ? known : pos[2], pos[0]);
        return EXIT_DATA;
    }
    ns_kg_filter *filter = NULL;
    int code = load_filter(m, filters, NULL, 0, &filter);
    ns_hit *hits = code ? NULL : malloc((size_t)k * sizeof *hits);
    ns_error err;
    ns_status s = code ? NS_OK : hits ? ns_kg_predict(m, qh ? -1 : x, rel, qh ? x : -1, filter, k, hits, &n, &err)
                                      : ns__nomem_cli(&err);
    if (!code && s != NS_OK) code = report_error(s, &err);
    for (int32_t i = 0; !code && i < n; i++) printf("%s\t%.6g\n", ns_vocab_word(ents, hits[i].id), hits[i].score);
    free(hits);
    ns_kg_filter_free(filter);
    return code;
}

int cmd_kg_predict(int argc, char **argv) {
    str_list filters = {{0}, 0};
    int k = 10;
    const opt opts[] = {
        {"k", OPT_INT, &k, "N", "answers to print [10]"},
        {"filter", OPT_LIST, &filters, "FILE", "leave out answers that form a triple of FILE (repeatable, or FILE,FILE)"},
    };
    cmd_spec spec = {"kg-predict", "MODEL HEAD RELATION ? | MODEL ? RELATION TAIL [options]",
                     "The best entities for the '?' of a triple, best first, as\n"
                     "'entity<TAB>score' lines (score: the model's f, higher is better).",
                     opts, 2, 4, 4, -1};
    char *pos[5];
    int npos, code = parse_opts(&spec, argc, argv, pos, &npos, NULL);
    if (code) {
        list_free(&filters);
        return code > 0 ? 0 : EXIT_USAGE;
    }
    if (!strcmp(pos[1], "?") == !strcmp(pos[3], "?")) {
        fprintf(stderr, "negsamp kg-predict: exactly one of HEAD and TAIL must be '?'\n");
        code = EXIT_USAGE;
    } else if (k < 1) {
        fprintf(stderr, "negsamp kg-predict: -k must be >= 1 (got %d)\n", k);
        code = EXIT_USAGE;
    }
    ns_error err;
    ns_kg *m = NULL;
    ns_status s = code ? NS_OK : ns_kg_load(&m, pos[0], &err);
    if (!code) code = s != NS_OK ? report_error(s, &err) : predict(m, pos, k, &filters);
    ns_kg_free(m);
    list_free(&filters);
    return code;
}
