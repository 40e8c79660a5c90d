/*
 * cmd_graph.c - `negsamp graph-train`, `graph-eval` and `graph-split`: node
 * vectors from an edge list (DeepWalk, node2vec, LINE), node
 * classification and link prediction, and the link-prediction split.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* "0.1,0.5,0.9" into out (at most max, each in (0, 1)); their number, or
 * -1. */
static int parse_fractions(const char *s, double *out, int max) {
    int n = 0;
    while (*s) {
        char *end;
        double v = strtod(s, &end);
        if (end == s || !(v > 0 && v < 1) || n == max || (*end && *end != ',')) return -1;
        out[n++] = v;
        s = *end ? end + 1 : end;
    }
    return n;
}

static void print_graph(const char *path, const ns_graph *g) {
    const ns_graph_stats *st = ns_graph_info(g);
    fprintf(stderr, "%s: %lld lines, %d nodes, %lld %s edges (%lld self loop%s dropped, %lld repeat%s merged)%s", path,
            (long long)st->lines, st->nodes, (long long)st->edges, st->undirected ? "undirected" : "directed",
            (long long)st->self_loops, st->self_loops == 1 ? "" : "s", (long long)st->duplicates,
            st->duplicates == 1 ? "" : "s", st->weighted ? ", weighted" : "");
    if (st->sinks) fprintf(stderr, ", %d nodes without an out-edge", st->sinks);
    fprintf(stderr, "\n");
}

/* ---- graph-train ---------------------------------------------------------- */

typedef struct graph_cmd {
    train_cli t;
    const char *save_walks;
    ns_opts o;
} graph_cmd;

int cmd_graph_train(int argc, char **argv) {
    graph_cmd c = {0};
    train_cli *t = &c.t;
    const opt opts[] = {
        {"input|train", OPT_STRING, &t->input, "FILE", "edge list: 'u v [weight]' lines, tabs or spaces, '#' comments, .gz ok (required)"},
        {"output", OPT_STRING, &t->output, "PREFIX", "writes PREFIX.model and PREFIX.vec (required)"},
        {"save-walks", OPT_STRING, &c.save_walks, "FILE", "also write one epoch's walks (deepwalk, node2vec), a line of node names each"},
        TRAIN_CLI_OPTS(t),
    };
    cmd_spec spec = {"graph-train", "-input EDGES -output PREFIX [-method deepwalk|node2vec|line] [options]",
                     "Trains node vectors from a graph: DeepWalk and node2vec feed random walks,\n"
                     "made on the fly (fresh ones every epoch), to the skip-gram trainer; LINE draws\n"
                     "edges by weight against negatives by degree^0.75. Self loops are dropped and\n"
                     "repeated edges merged; -undirected reads each line both ways.",
                     opts, (int)(sizeof opts / sizeof opts[0]), 0, 0, NS_TASK_GRAPH};
    char *pos[1];
    int npos, code = parse_opts(&spec, argc, argv, pos, &npos, &t->given);
    if (code) return code > 0 ? 0 : EXIT_USAGE;
    if ((code = train_require(&spec, t, 0)) != 0) return code;
    ns_opts_default(&c.o, NS_TASK_GRAPH);
    ns_model *m = NULL;
    ns_graph *g = NULL;
    ns_error err;
    ns_status s = NS_OK;
    if (t->resume && (s = ns_model_load(&m, t->resume, &err)) != NS_OK) return report_error(s, &err);
    if (m) { /* the checkpoint's training and graph options, then the ones given */
        ns_opts mo;
        ns_opts_from_model(&mo, m);
        c.o.train = mo.train;
        if (ns_model_graph_opts(m)) c.o.graph = mo.graph;
    }
    code = apply_opts(&spec, &t->given, &c.o);
    const char *exts[2] = {".model", ".vec"};
    const model_writer fns[2] = {ns_model_save, ns_model_export_vec};
    if (!code) code = check_outputs(t->output, exts, 2);
    if (!code && c.save_walks) code = check_outputs(c.save_walks, (const char *const[]){""}, 1);
    if (!code && (s = ns_graph_load(&g, t->input, c.o.graph.undirected, &err)) != NS_OK) code = report_error(s, &err);
    if (!code && !t->quiet) print_graph(t->input, g);
    if (!code && c.save_walks) {
        if ((s = ns_graph_save_walks(g, &c.o.graph, c.o.train.seed, c.save_walks, &err)) != NS_OK)
            code = report_error(s, &err);
        else if (!t->quiet)
            fprintf(stderr, "wrote %s\n", c.save_walks);
    }
    if (!code) code = train_hooks(t, &c.o, c.o.train.threads);
    if (!code) {
        s = ns_graph_train(&m, g, &c.o.graph, &c.o.train, &t->hooks, &err);
        train_done(t);
        code = m ? train_interrupted(t, s, save_model_any, m) : 0;
        if (!code && s != NS_OK) code = report_error(s, &err);
    }
    if (!code) code = write_model_files(m, t->output, exts, fns, 2, t->quiet);
    ns_model_free(m);
    ns_graph_free(g);
    train_cli_free(t);
    return code;
}

/* ---- graph-eval ----------------------------------------------------------- */

int cmd_graph_eval(int argc, char **argv) {
    const char *labels = NULL, *ratios = "0.1,0.5,0.9", *link_train = NULL, *link_test = NULL, *ops = "hadamard";
    int repeats = 10;
    int64_t seed = 1;
    const opt opts[] = {
        {"labels", OPT_STRING, &labels, "FILE", "node classification: 'node label' lines (several for several labels)"},
        {"train-ratio", OPT_STRING, &ratios, "R,...", "fractions of the labelled nodes the classifiers learn from [0.1,0.5,0.9]"},
        {"repeats", OPT_INT, &repeats, "N", "random splits per ratio [10]"},
        {"seed", OPT_I64, &seed, "N", "seed of the splits [1]"},
        {"link-train", OPT_STRING, &link_train, "FILE", "link prediction: 'u v label' pairs the classifier learns from (graph-split's PREFIX.train.pairs)"},
        {"link-test", OPT_STRING, &link_test, "FILE", "... and the pairs it is scored on (PREFIX.test.pairs)"},
        {"edge-features", OPT_STRING, &ops, "OP,...", "link prediction features of (u, v): hadamard, average, l1, l2 [hadamard]"},
    };
    cmd_spec spec = {"graph-eval", "MODEL [-labels FILE] [-link-train FILE -link-test FILE] [options]",
                     "Evaluates node vectors (.model, .vec or .bin). Node classification: one-vs-rest\n"
                     "logistic regression (liblinear, L2, C = 1) trained on a fraction of the labelled\n"
                     "nodes; each test node gets as many labels as it has, its top-scored ones;\n"
                     "Micro- and Macro-F1, mean (sd) over the repeats. Link prediction: logistic\n"
                     "regression on edge features, AUC on the test pairs.",
                     opts, (int)(sizeof opts / sizeof opts[0]), 1, 1, -1};
    char *pos[2];
    int npos, code = parse_opts(&spec, argc, argv, pos, &npos, NULL);
    if (code) return code > 0 ? 0 : EXIT_USAGE;
    if (!labels && !link_train && !link_test) {
        fprintf(stderr, "negsamp graph-eval: give -labels FILE, or -link-train FILE and -link-test FILE\n");
        return EXIT_USAGE;
    }
    if (!link_train != !link_test) {
        fprintf(stderr, "negsamp graph-eval: link prediction needs both -link-train and -link-test\n");
        return EXIT_USAGE;
    }
    double ratio[16];
    int nratio = parse_fractions(ratios, ratio, 16);
    if (nratio < 1) {
        fprintf(stderr, "negsamp graph-eval: -train-ratio wants up to 16 fractions in (0, 1) separated by commas, got '%s'\n",
                ratios);
        return EXIT_USAGE;
    }
    char buf[256];
    int op[4], nop = 0;
    snprintf(buf, sizeof buf, "%s", ops); /* longer is no list of the four names */
    for (char *p = strtok(buf, ","); p; p = strtok(NULL, ",")) {
        int k = 0;
        while (k < 4 && strcmp(p, ns_edge_op_name((ns_edge_op)k))) k++;
        if (k == 4 || nop == 4) {
            fprintf(stderr, "negsamp graph-eval: -edge-features wants hadamard, average, l1 or l2 (comma-separated), got '%s'\n",
                    ops);
            return EXIT_USAGE;
        }
        op[nop++] = k;
    }
    if (nop == 0) {
        fprintf(stderr, "negsamp graph-eval: -edge-features wants hadamard, average, l1 or l2 (comma-separated), got '%s'\n",
                ops);
        return EXIT_USAGE;
    }
    if (!ns_have_classifier()) {
        fprintf(stderr, "negsamp graph-eval: built without liblinear (apt-get install liblinear-dev, then rebuild)\n");
        return EXIT_USAGE;
    }
    ns_error err;
    ns_emb *e;
    ns_status s = ns_emb_load(&e, pos[0], &err);
    if (s != NS_OK) return report_error(s, &err);
    if (labels) {
        printf("node classification (%s, %d repeats)\n%-8s %8s %8s %8s %8s %8s\n", labels, repeats, "ratio",
               "micro-f1", "(sd)", "macro-f1", "(sd)", "train");
        for (int i = 0; i < nratio && !code; i++) {
            ns_nodeclass_report r;
            if ((s = ns_eval_nodeclass(e, labels, ratio[i], repeats, (uint64_t)seed, &r, &err)) != NS_OK) {
                code = report_error(s, &err);
                break;
            }
            if (i == 0 && r.unknown)
                fprintf(stderr, "%s: skipped %lld line%s naming a node without a vector\n", labels, (long long)r.unknown,
                        r.unknown == 1 ? "" : "s");
            printf("%-8g %8.4f %8.4f %8.4f %8.4f %8lld\n", r.ratio, r.micro_f1, r.micro_sd, r.macro_f1, r.macro_sd,
                   (long long)r.train_nodes);
        }
    }
    if (link_train && !code) {
        printf("link prediction (%s -> %s)\n%-10s %8s\n", link_train, link_test, "features", "auc");
        for (int i = 0; i < nop && !code; i++) {
            double auc;
            int64_t skipped;
            if ((s = ns_eval_links(e, link_train, link_test, (ns_edge_op)op[i], &auc, &skipped, &err)) != NS_OK) {
                code = report_error(s, &err);
                break;
            }
            if (i == 0 && skipped) fprintf(stderr, "skipped %lld pair%s naming a node without a vector\n", (long long)skipped,
                                    skipped == 1 ? "" : "s");
            printf("%-10s %8.4f\n", ns_edge_op_name((ns_edge_op)op[i]), auc);
        }
    }
    ns_emb_free(e);
    return code;
}

/* ---- graph-split ---------------------------------------------------------- */

int cmd_graph_split(int argc, char **argv) {
    const char *input = NULL, *output = NULL;
    double fraction = 0.5;
    int undirected = 0;
    int64_t seed = 1;
    const opt opts[] = {
        {"input", OPT_STRING, &input, "FILE", "edge list (as graph-train reads it) (required)"},
        {"output", OPT_STRING, &output, "PREFIX", "writes PREFIX.train, PREFIX.train.pairs, PREFIX.test.pairs (required)"},
        {"fraction", OPT_DOUBLE, &fraction, "F", "fraction of the edges to remove [0.5]"},
        {"undirected", OPT_FLAG, &undirected, "", "each line is an edge both ways"},
        {"seed", OPT_I64, &seed, "N", "random seed [1]"},
    };
    cmd_spec spec = {"graph-split", "-input EDGES -output PREFIX [-fraction F] [-undirected]",
                     "Splits a graph for link prediction (node2vec's protocol): removes a random\n"
                     "fraction of the edges, never one of a random spanning forest, so that the\n"
                     "residual graph PREFIX.train keeps the original's components; the removed\n"
                     "edges and as many non-edges are the test pairs (PREFIX.test.pairs), as many\n"
                     "residual edges and other non-edges the classifier's (PREFIX.train.pairs).\n"
                     "Train node vectors on PREFIX.train, then graph-eval -link-train/-link-test.",
                     opts, (int)(sizeof opts / sizeof opts[0]), 0, 0, -1};
    char *pos[1];
    int npos, code = parse_opts(&spec, argc, argv, pos, &npos, NULL);
    if (code) return code > 0 ? 0 : EXIT_USAGE;
    if (!input || !output) {
        fprintf(stderr, "negsamp graph-split: -input and -output are required\n");
        return EXIT_USAGE;
    }
    const char *exts[3] = {".train", ".train.pairs", ".test.pairs"};
    if ((code = check_outputs(output, exts, 3)) != 0) return code;
    ns_error err;
    ns_graph *g;
    ns_status s = ns_graph_load(&g, input, undirected, &err);
    if (s != NS_OK) return report_error(s, &err);
    print_graph(input, g);
    int64_t removed;
    s = ns_graph_split(g, fraction, (uint64_t)seed, output, &removed, &err);
    if (s == NS_OK)
        fprintf(stderr, "removed %lld of %lld edges (%.1f%%); wrote %s.train, %s.train.pairs, %s.test.pairs\n",
                (long long)removed, (long long)ns_graph_info(g)->edges,
                100.0 * (double)removed / (double)ns_graph_info(g)->edges, output, output, output);
    ns_graph_free(g);
    return s == NS_OK ? 0 : report_error(s, &err);
}
