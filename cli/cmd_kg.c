/*
 * cmd_kg.c - `negsamp kg-train`, `kg-eval` and `kg-predict`: entity and
 * relation vectors from knowledge-graph triples, their filtered
 * link-prediction metrics, and top-k answers to (h, r, ?) / (?, r, t).
 */
#include "cli.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

static int parse_choice(const char *cmd, const char *opt, const char *v, const char *const *names, int n) {
    for (int i = 0; i < n; i++)
        if (!strcmp(v, names[i])) return i;
    fprintf(stderr, "negsamp %s: -%s %s is not supported; choose", cmd, opt, v);
    for (int i = 0; i < n; i++) fprintf(stderr, "%s %s", i ? (i + 1 == n ? " or" : ",") : "", names[i]);
    fprintf(stderr, "\n");
    return -1;
}

#define UNSET INT_MIN
#define UNSET64 INT64_MIN
#define SET(var, unset, field) ((var) != (unset) ? (void)((field) = (var)) : (void)0)

/* The named choices given on the command line into o; a new model without
 * -optim and -lr gets the optimiser's default rate. Returns -1 (message
 * printed) on an unknown name. */
static int set_kg_opts(ns_kg_opts *o, int resume, const char *model, const char *loss, const char *optim,
                       const char *reg) {
    static const char *const losses[] = {"margin", "logistic"}, *const optims[] = {"adam", "adagrad", "lazy-adam"};
    static const char *const regs[] = {"none", "l2", "n3"};
    if (model) {
        int id = ns_kg_model_parse(model);
        if (id < 0) {
            fprintf(stderr, "negsamp kg-train: -model %s is not supported; choose transe, transe-l2, distmult, "
                    "complex or rotate\n", model);
            return -1;
        }
        o->model = (ns_kg_model)id;
    }
    int l = loss ? parse_choice("kg-train", "loss", loss, losses, 2) : (int)o->loss;
    int op = optim ? parse_choice("kg-train", "optim", optim, optims, 3) : (int)o->optim;
    int rg = reg ? parse_choice("kg-train", "reg", reg, regs, 3) : (int)o->reg;
    if (l < 0 || op < 0 || rg < 0) return -1;
    o->loss = (ns_kg_loss)l, o->reg = (ns_kg_reg)rg;
    if (!resume && op == NS_KG_ADAGRAD) o->lr = 0.1;
    o->optim = (ns_kg_optim)op;
    return 0;
}

int cmd_kg_train(int argc, char **argv) {
    ns_kg_opts o;
    ns_kg_opts_default(&o);
    const char *train_path = NULL, *valid_path = NULL, *output = NULL, *resume = NULL;
    /* Unset (NULL, UNSET, UNSET64, NAN): the default, or with -resume the
     * resumed model's setting. */
    const char *model = NULL, *loss = NULL, *optim = NULL, *reg = NULL;
    int dim = UNSET, batch = UNSET, neg = UNSET, chunk = UNSET, epochs = UNSET, threads = UNSET, patience = UNSET;
    int bernoulli = 0, exclude = 0, quiet = 0, checkpoint = 0;
    int64_t steps = UNSET64, valid_every = UNSET64, valid_max = UNSET64, seed = UNSET64;
    double gamma = NAN, lr = NAN, reg_weight = NAN, adv = NAN, interval = -1;
    str_list filters = {{0}, 0};
    const opt opts[] = {
        {"train|input", OPT_STRING, &train_path, "FILE", "'head<TAB>relation<TAB>tail' lines, .gz ok (required)"},
        {"valid", OPT_STRING, &valid_path, "FILE", "validation triples for -valid-every"},
        {"output", OPT_STRING, &output, "PREFIX", "writes PREFIX.model (required)"},
        {"resume", OPT_STRING, &resume, "MODEL", "continue training this model (kg-train's .model) up to -steps/-epochs in all"},
        {"model", OPT_STRING, &model, "NAME", "transe (= transe-l1), transe-l2, distmult, complex or rotate [rotate]"},
        {"dim|size", OPT_INT, &dim, "N", "entity dimension; complex and rotate: N complex numbers (2N floats) [500]"},
        {"gamma|margin", OPT_DOUBLE, &gamma, "G", "margin of the distance scorers; also sets the initialisation range (G+2)/dim [6]"},
        {"loss", OPT_STRING, &loss, "NAME", "margin (RotatE paper: -log s(G+f) - sum w log s(-G-f')) or logistic (softplus per triple, no margin) [margin]"},
        {"optim", OPT_STRING, &optim, "NAME", "adam, adagrad or lazy-adam (Adam on touched rows only) [adam]"},
        {"lr", OPT_DOUBLE, &lr, "LR", "learning rate, divided by 10 after half the steps [5e-5 adam, 0.1 adagrad]"},
        {"reg", OPT_STRING, &reg, "NAME", "none, l2 or n3: penalty W*sum x^2 or W*sum |x|^3 on each positive's rows, divided by the batch [none]"},
        {"reg-weight", OPT_DOUBLE, &reg_weight, "W", "weight of -reg; a weight on whole tables (the RotatE code's) is about W/batch [0]"},
        {"batch", OPT_INT, &batch, "N", "positive triples a step [512]"},
        {"neg|negative", OPT_INT, &neg, "K", "negatives a positive (corrupted heads or tails) [256]"},
        {"chunk", OPT_INT, &chunk, "N", "positives that share their K negatives; 0 = the whole batch, 1 = each its own [0]"},
        {"steps|max-steps", OPT_I64, &steps, "N", "optimiser steps in all (overrides -epochs)"},
        {"epochs|epoch", OPT_INT, &epochs, "N", "passes over the training triples when -steps is not given [100]"},
        {"adv|adv-temperature", OPT_DOUBLE, &adv, "A", "self-adversarial negatives: weights softmax(A f) over a positive's negatives; 0 = uniform [0]"},
        {"bernoulli", OPT_FLAG, &bernoulli, "", "corrupt the head with probability tph/(tph+hph) of the relation, not 1/2"},
        {"exclude-true", OPT_FLAG, &exclude, "", "a negative that forms a training triple gets weight 0"},
        {"valid-every", OPT_I64, &valid_every, "N", "steps between validations (filtered MRR on -valid) and checkpoints [0 = none]"},
        {"patience", OPT_INT, &patience, "N", "stop after N validations without a better MRR; the model keeps the best [0 = never]"},
        {"valid-max", OPT_I64, &valid_max, "N", "validate on the first N triples of -valid [all]"},
        {"filter", OPT_LIST, &filters, "FILE", "validation: also filter these known triples (repeatable; training and validation triples always are)"},
        {"checkpoint", OPT_FLAG, &checkpoint, "", "write PREFIX.checkpoint at every -valid-every pause (resume with -resume PREFIX.checkpoint); PREFIX.model is the final (best validated) model"},
        {"threads|thread", OPT_INT, &threads, "N", "worker threads (Hogwild; also for validation) [2]"},
        {"seed", OPT_I64, &seed, "N", "random seed; 1 thread + same seed = same result [1]"},
        {"progress", OPT_DOUBLE, &interval, "SEC", "seconds between progress lines [1 on a terminal, 10 otherwise]"},
        {"quiet", OPT_FLAG, &quiet, "", "no progress output"},
    };
    cmd_spec spec = {"kg-train", "-train FILE [-valid FILE] -output PREFIX [-model NAME] [options]",
                     "Trains entity and relation vectors for link prediction: each training triple\n"
                     "against triples with its head or tail replaced by sampled entities.\n"
                     "Entities and relations are arbitrary strings (no tabs); '#' lines and blank\n"
                     "lines are skipped, a trailing CR is dropped.",
                     opts, (int)(sizeof opts / sizeof opts[0]), 0, 0};
    char *pos[1];
    int npos, r = parse_opts(&spec, argc, argv, pos, &npos);
    if (r) return r > 0 ? 0 : EXIT_USAGE;
    if (!train_path || !output) {
        fprintf(stderr, "negsamp kg-train: -train and -output are required (see 'negsamp kg-train --help')\n");
        return EXIT_USAGE;
    }
    ns_kg *m = NULL;
    ns_error err = {{0}};
    ns_status s;
    const char *ext[1] = {".model"};
    int early = check_outputs(output, ext, 1);
    if (early) return early;
    if (resume) {
        if ((s = ns_kg_load(&m, resume, &err)) != NS_OK) return report_error(s, &err);
        o = *ns_kg_options(m);
    }
    int code = set_kg_opts(&o, resume != NULL, model, loss, optim, reg) ? EXIT_USAGE : 0;
    SET(dim, UNSET, o.dim), SET(batch, UNSET, o.batch), SET(neg, UNSET, o.neg), SET(chunk, UNSET, o.chunk);
    SET(epochs, UNSET, o.epochs), SET(threads, UNSET, o.threads), SET(patience, UNSET, o.patience);
    SET(steps, UNSET64, o.steps), SET(valid_every, UNSET64, o.valid_every), SET(valid_max, UNSET64, o.valid_max);
    SET(seed, UNSET64, o.seed);
    if (!isnan(gamma)) o.gamma = gamma;
    if (!isnan(lr)) o.lr = lr;
    if (!isnan(reg_weight)) o.reg_weight = reg_weight;
    if (!isnan(adv)) o.adv_temperature = adv;
    if (bernoulli) o.bernoulli = 1;
    if (exclude) o.exclude_true = 1;
    if (!code && (s = ns_kg_opts_check(&o, &err)) != NS_OK) {
        fprintf(stderr, "negsamp kg-train: %s\n", err.msg);
        code = EXIT_USAGE;
    }
    /* The options given here, not those a resumed model brings along. */
    int wants_valid = (valid_every != UNSET64 && valid_every) || (patience != UNSET && patience) ||
                      (valid_max != UNSET64 && valid_max);
    if (!code && wants_valid && !valid_path && !checkpoint) {
        fprintf(stderr, "negsamp kg-train: -valid-every, -patience and -valid-max need -valid (or -checkpoint)\n");
        code = EXIT_USAGE;
    }
    if (!code && checkpoint && !o.valid_every) {
        fprintf(stderr, "negsamp kg-train: -checkpoint needs -valid-every N (steps between checkpoints)\n");
        code = EXIT_USAGE;
    }
    if (code) {
        ns_kg_free(m);
        return code;
    }
    ns_triples *train = NULL, *valid = NULL;
    ns_kg_filter *filter = NULL;
    char *path = join(output, ".model");
    if (!path) {
        code = report_error(NS_ENOMEM, NULL);
        goto done;
    }
    if (resume) {
        s = ns_triples_load(&train, train_path, ns_kg_entities(m), ns_kg_relations(m), &err);
        if (s == NS_OK && ns_triples_unknown(train)) {
            fprintf(stderr, "negsamp kg-train: %s: %lld triples name an entity or relation that %s lacks; resuming "
                    "trains the same entities and relations\n", train_path, (long long)ns_triples_unknown(train),
                    resume);
            code = EXIT_DATA;
            goto done;
        }
    } else if ((s = ns_triples_load(&train, train_path, NULL, NULL, &err)) == NS_OK) {
        s = ns_kg_create(&m, train, &o, &err);
    }
    if (s != NS_OK) {
        code = report_error(s, &err);
        goto done;
    }
    const ns_vocab *ents = ns_kg_entities(m), *rels = ns_kg_relations(m);
    if (!quiet)
        fprintf(stderr, "%s: %lld triples, %d entities, %d relations\n", train_path, (long long)ns_triples_count(train),
                ns_vocab_size(ents), ns_vocab_size(rels));
    if (valid_path) {
        if ((s = ns_triples_load(&valid, valid_path, ents, rels, &err)) != NS_OK) {
            code = report_error(s, &err);
            goto done;
        }
        if (!quiet && ns_triples_unknown(valid))
            fprintf(stderr, "%s: %lld of %lld triples name an entity or relation not in training (ranked last)\n",
                    valid_path, (long long)ns_triples_unknown(valid), (long long)ns_triples_count(valid));
        const ns_triples *known[2] = {train, valid};
        if ((code = load_filter(m, &filters, known, 2, &filter)) != 0) goto done;
    }
    char *ckpt = checkpoint ? join(output, ".checkpoint") : NULL;
    progress_state ps = {isatty(STDERR_FILENO), quiet, 0, o.threads, ckpt};
    ns_train_hooks hooks = {on_progress, &ps, interval > 0 ? interval : ps.tty ? 1.0 : 10.0, ckpt,
                            checkpoint ? o.valid_every : 0, 0};
    s = checkpoint && !ckpt ? NS_ENOMEM : ns_kg_train(m, train, valid, filter, &o, &hooks, &err);
    free(ckpt);
    if (ps.live) fputc('\n', stderr);
    if (s != NS_OK) {
        code = report_error(s, &err);
        goto done;
    }
    if ((s = ns_kg_save(m, path, &err)) != NS_OK) code = report_error(s, &err);
    else if (!quiet) fprintf(stderr, "wrote %s (%lld steps)\n", path, (long long)ns_kg_steps_done(m));
done:
    free(path);
    ns_kg_filter_free(filter);
    ns_triples_free(train), ns_triples_free(valid);
    ns_kg_free(m);
    return code;
}

static void print_row(const char *name, const ns_kg_metrics *x) {
    printf("%-12s %8lld %10.1f %7.4f %7.4f %7.4f %7.4f\n", name, (long long)x->n, x->mr, x->mrr, x->hits1, x->hits3,
           x->hits10);
}

int cmd_kg_eval(int argc, char **argv) {
    const char *test_path = NULL;
    str_list filters = {{0}, 0};
    int threads = 2, per_relation = 0, raw = 0;
    int64_t max = 0;
    const opt opts[] = {
        {"test", OPT_STRING, &test_path, "FILE", "'head<TAB>relation<TAB>tail' triples to rank (required)"},
        {"filter", OPT_LIST, &filters, "FILE", "known true triples left out of the candidates (repeatable; give train and valid); the test triples always are"},
        {"raw", OPT_FLAG, &raw, "", "no filtering at all (the 'raw' setting)"},
        {"per-relation", OPT_FLAG, &per_relation, "", "also a line per relation"},
        {"max", OPT_I64, &max, "N", "rank only the first N test triples [all]"},
        {"threads|thread", OPT_INT, &threads, "N", "threads [2]"},
    };
    cmd_spec spec = {"kg-eval", "MODEL -test FILE [-filter FILE]... [options]",
                     "Filtered link prediction: each test triple (h, r, t) is ranked against ALL\n"
                     "entities as a tail (h, r, ?) and as a head (?, r, t); other known true\n"
                     "triples are left out. Rank = 1 + #higher + #equal/2 (ties averaged). Prints\n"
                     "MR, MRR and Hits@1/3/10 over both sides and each side. Triples with an\n"
                     "entity or relation the model lacks count with the worst rank.",
                     opts, (int)(sizeof opts / sizeof opts[0]), 1, 1};
    char *pos[2];
    int npos, r = parse_opts(&spec, argc, argv, pos, &npos);
    if (r) return r > 0 ? 0 : EXIT_USAGE;
    if (!test_path) {
        fprintf(stderr, "negsamp kg-eval: -test is required (see 'negsamp kg-eval --help')\n");
        return EXIT_USAGE;
    }
    if (raw && filters.n) {
        fprintf(stderr, "negsamp kg-eval: -raw and -filter exclude each other\n");
        return EXIT_USAGE;
    }
    ns_error err = {{0}};
    ns_kg *m = NULL;
    ns_triples *test = NULL;
    ns_kg_filter *filter = NULL;
    ns_kg_report rep = {0};
    int code = 0;
    ns_status s = ns_kg_load(&m, pos[0], &err);
    if (s == NS_OK) s = ns_triples_load(&test, test_path, ns_kg_entities(m), ns_kg_relations(m), &err);
    if (s != NS_OK) {
        code = report_error(s, &err);
        goto done;
    }
    const ns_triples *self[1] = {test};
    if (!raw && (code = load_filter(m, &filters, self, 1, &filter)) != 0) goto done;
    if ((s = ns_kg_eval(m, test, filter, threads, per_relation, max, &rep, &err)) != NS_OK) {
        code = report_error(s, &err);
        goto done;
    }
    printf("# %s on %s: %lld triples (%lld with an unknown entity or relation), %s, %.2fs\n", pos[0], test_path,
           (long long)rep.triples, (long long)rep.unknown,
           raw ? "raw" : filters.n ? "filtered" : "filtered by the test triples only", rep.seconds);
    if (!raw && !filters.n)
        fprintf(stderr, "negsamp kg-eval: note: the standard filtered setting also needs -filter TRAIN -filter VALID\n");
    printf("%-12s %8s %10s %7s %7s %7s %7s\n", "side", "rankings", "MR", "MRR", "H@1", "H@3", "H@10");
    print_row("both", &rep.all);
    print_row("tail", &rep.tail);
    print_row("head", &rep.head);
    for (int32_t i = 0; i < rep.relations; i++)
        if (rep.per_relation[i].n) print_row(ns_vocab_word(ns_kg_relations(m), i), &rep.per_relation[i]);
done:
    ns_kg_report_free(&rep);
    ns_kg_filter_free(filter);
    ns_triples_free(test);
    ns_kg_free(m);
    return code;
}

int cmd_kg_predict(int argc, char **argv) {
    str_list filters = {{0}, 0};
    int k = 10;
    const opt opts[] = {
        {"k", OPT_INT, &k, "N", "answers to print [10]"},
        {"filter", OPT_LIST, &filters, "FILE", "leave out answers that form a triple of FILE (repeatable)"},
    };
    cmd_spec spec = {"kg-predict", "MODEL HEAD RELATION ? | MODEL ? RELATION TAIL [options]",
                     "The best entities for the '?' of a triple, best first, as\n"
                     "'entity<TAB>score' lines (score: the model's f, higher is better).",
                     opts, (int)(sizeof opts / sizeof opts[0]), 4, 4};
    char *pos[5];
    int npos, r = parse_opts(&spec, argc, argv, pos, &npos);
    if (r) return r > 0 ? 0 : EXIT_USAGE;
    int qh = !strcmp(pos[1], "?"), qt = !strcmp(pos[3], "?");
    if (qh == qt) {
        fprintf(stderr, "negsamp kg-predict: exactly one of HEAD and TAIL must be '?'\n");
        return EXIT_USAGE;
    }
    if (k < 1) {
        fprintf(stderr, "negsamp kg-predict: -k must be >= 1 (got %d)\n", k);
        return EXIT_USAGE;
    }
    ns_error err = {{0}};
    ns_kg *m = NULL;
    ns_kg_filter *filter = NULL;
    ns_hit *hits = NULL;
    int code = 0;
    ns_status s = ns_kg_load(&m, pos[0], &err);
    if (s != NS_OK) return report_error(s, &err);
    const ns_vocab *ents = ns_kg_entities(m), *rels = ns_kg_relations(m);
    const char *known = qh ? pos[3] : pos[1];
    int32_t x = ns_vocab_find(ents, known, strlen(known)), rel = ns_vocab_find(rels, pos[2], strlen(pos[2]));
    if (x < 0 || rel < 0) {
        fprintf(stderr, "negsamp kg-predict: %s '%s' is not in %s\n", x < 0 ? "entity" : "relation",
                x < 0 ? known : pos[2], pos[0]);
        code = EXIT_DATA;
        goto done;
    }
    if ((code = load_filter(m, &filters, NULL, 0, &filter)) != 0) goto done;
    if (!(hits = malloc((size_t)k * sizeof *hits))) {
        code = report_error(NS_ENOMEM, NULL);
        goto done;
    }
    int32_t n;
    if ((s = ns_kg_predict(m, qh ? -1 : x, rel, qh ? x : -1, filter, k, hits, &n, &err)) != NS_OK) {
        code = report_error(s, &err);
        goto done;
    }
    for (int32_t i = 0; i < n; i++) printf("%s\t%.6g\n", ns_vocab_word(ents, hits[i].id), hits[i].score);
done:
    free(hits);
    ns_kg_filter_free(filter);
    ns_kg_free(m);
    return code;
}
