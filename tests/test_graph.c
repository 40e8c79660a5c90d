/*
 * Graphs: the edge-list reader (comments, separators, weights, self loops
 * and repeats counted, bad lines named by file and line), first-order
 * steps by weight and node2vec's second-order steps against its formula
 * (chi-square), LINE's arcs by weight, the walks file, the evaluation
 * metrics against hand-worked values, and planted communities recovered
 * by DeepWalk, node2vec and LINE (node classification, link prediction).
 */
#include "check.h"
#include "core/core.h"
#include "eval/emb.h"
#include "tasks/graph/graph.h"

#include <math.h>
#include <stdio.h>

static ns_graph *load_text(const char *name, const char *text, int undirected, ns_status want, const char *msg) {
    const char *path = tmp_path(name);
    write_file(path, text, strlen(text));
    ns_graph *g = NULL;
    ns_error err = {{0}};
    CHECK_EQ(ns_graph_load(&g, path, undirected, &err), want);
    if (msg) CHECK_CONTAINS(err.msg, msg);
    return g;
}

static int32_t id(const ns_graph *g, const char *name) { return ns_vocab_find(ns_graph_vocab(g), name, strlen(name)); }

static void reading(void) {
    const char *text = "# a comment\n"
                       "a b\n"
                       "b\tc 2.5\n"
                       "\n"
                       "c  a\n"
                       "a a\n"      /* self loop */
                       "b a 3\n"    /* repeats a b (undirected), the larger weight kept */
                       "d c\r\n";
    ns_graph *g = load_text("g.txt", text, 1, NS_OK, NULL);
    if (!g) return;
    const ns_graph_stats *st = ns_graph_info(g);
    CHECK_EQ(st->lines, 6);
    CHECK_EQ(st->nodes, 4);
    CHECK_EQ(st->edges, 4);
    CHECK_EQ(st->arcs, 8);
    CHECK_EQ(st->self_loops, 1);
    CHECK_EQ(st->duplicates, 1);
    CHECK_EQ(st->weighted, 1);
    CHECK_EQ(st->sinks, 0);
    /* ids by degree: c (3), then a and b (2), then d (1) */
    CHECK_EQ(id(g, "c"), 0);
    CHECK_EQ(id(g, "d"), 3);
    CHECK_EQ(ns_vocab_count(ns_graph_vocab(g), id(g, "c")), 3);
    int64_t n;
    const float *w;
    const int32_t *nb = ns_graph_neighbors(g, id(g, "a"), &n, &w);
    CHECK_EQ(n, 2);
    for (int64_t i = 1; i < n; i++) CHECK(nb[i - 1] < nb[i]);
    for (int64_t i = 0; i < n; i++)
        if (nb[i] == id(g, "b")) CHECK_NEAR(w[i], 3.0, 0);
    CHECK(ns_graph_has_arc(g, id(g, "d"), id(g, "c")));
    CHECK(!ns_graph_has_arc(g, id(g, "d"), id(g, "a")));
    ns_graph_free(g);

    /* directed: d is a sink, counts are in + out degrees */
    g = load_text("g.txt", "a b\nb c\nc a\nc d\n", 0, NS_OK, NULL);
    if (g) {
        CHECK_EQ(ns_graph_info(g)->sinks, 1);
        CHECK_EQ(ns_graph_info(g)->weighted, 0);
        CHECK(ns_graph_has_arc(g, id(g, "c"), id(g, "d")) && !ns_graph_has_arc(g, id(g, "d"), id(g, "c")));
        CHECK_EQ(ns_vocab_count(ns_graph_vocab(g), id(g, "c")), 3);
        /* a walk follows the arcs and stops at the sink */
        ns_graph_opts go;
        ns_graph_opts_default(&go);
        go.walk_length = 50;
        ns_rng rng;
        ns__rng_seed(&rng, 1, 0);
        int32_t walk[50];
        CHECK_EQ(ns__graph_walk(g, &go, id(g, "d"), &rng, walk), 1);
        for (int r = 0; r < 100; r++) {
            int64_t len = ns__graph_walk(g, &go, id(g, "a"), &rng, walk);
            for (int64_t i = 1; i < len; i++) CHECK(ns_graph_has_arc(g, walk[i - 1], walk[i]));
            CHECK(len == 50 || walk[len - 1] == id(g, "d"));
        }
        ns_graph_free(g);
    }
    load_text("bad.txt", "a b\nlonely\n", 1, NS_EFORMAT, "bad.txt:2: expected 'u v [weight]'");
    load_text("bad.txt", "a b\na b c d\n", 1, NS_EFORMAT, "bad.txt:2: expected 'u v [weight]'");
    load_text("bad.txt", "a b 1\nb c -2\n", 1, NS_EFORMAT, "bad.txt:2: weight '-2' is not a positive number");
    load_text("bad.txt", "a b 1\nb c nan\n", 1, NS_EFORMAT, "bad.txt:2: weight 'nan'");
    load_text("bad.txt", "# nothing\n\n", 1, NS_EEMPTY, "no 'u v [weight]' line");
    load_text("bad.txt", "a a\nb b\n", 1, NS_EEMPTY, "no edge between two different nodes");
    ns_graph *none = NULL;
    ns_error err;
    CHECK_EQ(ns_graph_load(&none, tmp_path("missing.txt"), 1, &err), NS_EIO);
    CHECK_CONTAINS(err.msg, "missing.txt");
}

/* Chi-square of counts against expected probabilities; df = n - 1. A bound
 * no exact sampler exceeds but at ~1e-6 odds: df + 7 sqrt(2 df) + 10. */
static void chi_square(const int64_t *count, const double *p, int n, int64_t total, const char *what) {
    double chi = 0;
    for (int i = 0; i < n; i++) {
        double e = p[i] * (double)total;
        chi += (count[i] - e) * (count[i] - e) / e;
    }
    double df = n - 1, bound = df + 7 * sqrt(2 * df) + 10;
    if (!(chi < bound)) fprintf(stderr, "%s: chi-square %.1f over %.1f (df %d)\n", what, chi, bound, n - 1);
    CHECK(chi < bound);
}

/* node2vec: from v, reached from t, x has weight w(v,x) / p (x = t),
 * w(v,x) (x a neighbour of t) or w(v,x) / q. */
static void walk_frequencies(void) {
    const char *text = "t v 1\nv a 2\nv b 3\nv c 0.5\nt a 1\nc d 1\n";
    ns_graph *g = load_text("walk.txt", text, 1, NS_OK, NULL);
    if (!g) return;
    int32_t t = id(g, "t"), v = id(g, "v"), x[4] = {id(g, "t"), id(g, "a"), id(g, "b"), id(g, "c")};
    double w[4] = {1, 2, 3, 0.5};
    ns_graph_opts go;
    ns_graph_opts_default(&go);
    go.walk_length = 3;
    const double pq[3][2] = {{1, 1}, {0.5, 2}, {4, 0.25}};
    for (int c = 0; c < 3; c++) {
        go.method = c ? NS_GRAPH_NODE2VEC : NS_GRAPH_DEEPWALK, go.p = pq[c][0], go.q = pq[c][1];
        double p[4], sum = 0;
        for (int i = 0; i < 4; i++) {
            double bias = i == 0 ? 1 / go.p : i == 1 ? 1 : 1 / go.q; /* a is t's neighbour */
            sum += p[i] = w[i] * bias;
        }
        for (int i = 0; i < 4; i++) p[i] /= sum;
        int64_t count[4] = {0}, total = 0;
        ns_rng rng;
        ns__rng_seed(&rng, 7, (uint64_t)c);
        int32_t walk[3];
        for (int r = 0; r < 400000; r++) {
            int64_t len = ns__graph_walk(g, &go, t, &rng, walk);
            CHECK_EQ(len, 3);
            if (walk[1] != v) continue;
            for (int i = 0; i < 4; i++) count[i] += walk[2] == x[i];
            total++;
        }
        CHECK(total > 100000);
        chi_square(count, p, 4, total, c ? "node2vec step" : "first-order step");
    }
    /* LINE: arcs by weight */
    ns__arc_sampler a;
    ns_error err;
    CHECK_EQ(ns__arc_sampler_init(&a, g, &err), NS_OK);
    int64_t arcs = ns_graph_info(g)->arcs, *count = calloc((size_t)arcs, sizeof *count);
    double *p = calloc((size_t)arcs, sizeof *p), sum = 0;
    for (int64_t i = 0; i < arcs; i++) sum += p[i] = g->w[i];
    for (int64_t i = 0; i < arcs; i++) p[i] /= sum;
    ns_rng rng;
    ns__rng_seed(&rng, 3, 0);
    for (int r = 0; r < 300000; r++) {
        int32_t u, v2;
        int64_t i = ns__arc_draw(&a, &rng, &u, &v2);
        CHECK(u >= 0 && ns_graph_has_arc(g, u, v2));
        count[i]++;
    }
    chi_square(count, p, (int)arcs, 300000, "LINE arcs");
    ns__arc_sampler_destroy(&a);
    free(count), free(p);
    ns_graph_free(g);
}

/* MCMC negatives: for fixed scores the chain's states follow its target
 * Pn(y) exp(alpha s(y)), for a mixture of noise and neighbour proposals
 * and for noise proposals alone (every 20th state, nearly independent). */
static double fixed_score(const void *ctx, int32_t y) { return ((const double *)ctx)[y]; }
static int is_node_0(const void *ctx, int32_t y) { (void)ctx; return y == 0; }

static void mcmc_target(void) {
    ns_graph *g = load_text("mcmc.txt", "a b\nb c\nc d\nd a\na c\ne a\nf e\n", 1, NS_OK, NULL);
    if (!g) return;
    int32_t n = g->n;
    double pn[6], w[6], sum = 0, score[6] = {1.5, -0.5, 0.2, 2.0, -1.0, 0.7};
    for (int32_t i = 0; i < n; i++) sum += w[i] = pow((double)ns_vocab_count(g->vocab, i), 0.75);
    for (int32_t i = 0; i < n; i++) pn[i] = w[i] / sum;
    ns_noise noise = {{0}, NULL, pn};
    ns_error err;
    CHECK_EQ(ns__alias_init(&noise.alias, pn, n, &err), NS_OK);
    ns__mcmc_target tg = {fixed_score, NULL, score};
    const double mixes[3] = {0.3, 0.8, 1.0};
    for (int c = 0; c < 3; c++) {
        ns__mcmc mc = {&noise, c < 2 ? g->off : NULL, c < 2 ? g->adj : NULL, 0.7, mixes[c]};
        double target[6], z = 0;
        for (int32_t i = 0; i < n; i++) z += target[i] = pn[i] * exp(0.7 * score[i]);
        for (int32_t i = 0; i < n; i++) target[i] /= z;
        ns_rng rng;
        ns__rng_seed(&rng, 5, (uint64_t)c);
        int32_t x = 0;
        double sx = score[0];
        int64_t count[6] = {0}, total = 0;
        for (int64_t t = 0; t < 2000000; t++) {
            x = ns__mcmc_step(&mc, &rng, x, &sx, &tg);
            CHECK_NEAR(sx, score[x], 0);
            if (t >= 1000 && t % 20 == 0) count[x]++, total++;
        }
        chi_square(count, target, n, total, c < 2 ? "mcmc chain (noise + neighbours)" : "mcmc chain (noise)");
    }
    /* ns__mcmc_draw: k states, never an excluded one (node 0, the most
     * likely here), the chain's state carried */
    ns__mcmc mc = {&noise, g->off, g->adj, 0.7, 0.5};
    ns__mcmc_target no_0 = {fixed_score, is_node_0, score};
    ns_rng rng;
    ns__rng_seed(&rng, 9, 0);
    int32_t state = -1, out[5];
    int64_t drawn = 0;
    for (int r = 0; r < 1000; r++) {
        int got = ns__mcmc_draw(&mc, &rng, &state, &no_0, 5, 8, out);
        CHECK(got >= 0 && got <= 5 && state >= 0 && state < n);
        for (int j = 0; j < got; j++) CHECK(out[j] != 0 && out[j] < n);
        drawn += got;
    }
    CHECK(drawn > 4900); /* 4975: a negative is dropped after 8 steps stuck at node 0 */
    ns__alias_destroy(&noise.alias);
    ns_graph_free(g);
}

static void metrics(void) {
    /* 3 labels; node 1 has {0}, scores favour 0: tp(0); node 2 has {1, 2},
     * top two are 0 and 2: tp(2), fp(0), fn(1); node 3 has {1}, top is 1:
     * tp(1). Label 0: tp 1 fp 1 fn 0 -> F1 2/3; label 1: tp 1 fn 1 -> 2/3;
     * label 2: tp 1 -> 1. Micro: tp 3, fp 1, fn 1 -> 6/8. */
    int64_t counts[9] = {0};
    int32_t order[3];
    ns__topk_count((double[]){0.9, 0.1, 0.2}, 3, (int32_t[]){0}, 1, order, counts);
    ns__topk_count((double[]){0.8, 0.1, 0.5}, 3, (int32_t[]){1, 2}, 2, order, counts);
    ns__topk_count((double[]){0.1, 0.7, 0.7}, 3, (int32_t[]){1}, 1, order, counts); /* a tie: the lower label */
    double micro, macro;
    ns__f1(counts, 3, &micro, &macro);
    CHECK_NEAR(micro, 0.75, 1e-12);
    CHECK_NEAR(macro, (2.0 / 3 + 2.0 / 3 + 1) / 3, 1e-12);
    /* AUC: positives 0.4, 0.8 over negatives 0.1, 0.35, 0.6 -> (2 + 3 + ... )
     * pairs won: 0.4 beats 0.1, 0.35 (2); 0.8 beats all three (3): 5/6 */
    ns_error err;
    ns_status st = NS_OK;
    CHECK_NEAR(ns__auc((double[]){0.1, 0.4, 0.35, 0.8, 0.6}, (signed char[]){0, 1, 0, 1, 0}, 5, &err, &st), 5.0 / 6,
               1e-12);
    CHECK_NEAR(ns__auc((double[]){0.5, 0.5, 0.2}, (signed char[]){1, 0, 0}, 3, &err, &st), 0.75, 1e-12); /* tie: half */
    CHECK_EQ(st, NS_OK);
    ns__auc((double[]){0.5, 0.2}, (signed char[]){1, 1}, 2, &err, &st);
    CHECK_EQ(st, NS_EINVAL);
}

/* A stochastic block model: blocks of `size` nodes, edges within a block
 * with probability pin, across with pout. Writes edges and labels. */
static void planted(const char *edges, const char *labels, int blocks, int size, double pin, double pout) {
    FILE *f = fopen(edges, "w"), *l = fopen(labels, "w");
    ns_rng rng;
    ns__rng_seed(&rng, 11, 0);
    int n = blocks * size;
    for (int u = 0; u < n; u++) {
        fprintf(l, "n%d\tb%d\n", u, u / size);
        for (int v = u + 1; v < n; v++)
            if (ns__rng_float(&rng) < (u / size == v / size ? pin : pout)) fprintf(f, "n%d n%d\n", u, v);
    }
    fclose(f), fclose(l);
}

static ns_emb *train_emb(const char *edges, ns_graph_method method, int order, int mcmc) {
    ns_graph *g;
    ns_error err;
    CHECK_EQ(ns_graph_load(&g, edges, 1, &err), NS_OK);
    ns_graph_opts go;
    ns_graph_opts_default(&go);
    go.method = method, go.order = order, go.p = method == NS_GRAPH_NODE2VEC ? 0.5 : 1, go.q = go.p;
    go.walks_per_node = 5, go.walk_length = 40;
    ns_train_opts o;
    ns_train_opts_default(&o, NS_TASK_SKIPGRAM);
    o.dim = 32, o.window = 5, o.threads = 1, o.sample = 0, o.epochs = method == NS_GRAPH_LINE ? 200 : 2;
    o.negatives = mcmc ? NS_NEG_MCMC : NS_NEG_NOISE;
    ns_model *m = NULL;
    ns_emb *e = NULL;
    ns_status s = ns_graph_train(&m, g, &go, &o, NULL, &err);
    CHECK_EQ(s, NS_OK);
    if (s != NS_OK) fprintf(stderr, "%s\n", err.msg);
    if (s == NS_OK) CHECK_EQ(ns_emb_from_model(&e, m, &err), NS_OK);
    if (s == NS_OK) { /* the model file round-trips */
        ns_model *back = NULL;
        CHECK_EQ(ns_model_save(m, tmp_path("graph.model"), &err), NS_OK);
        CHECK_EQ(ns_model_load(&back, tmp_path("graph.model"), &err), NS_OK);
        if (back) CHECK(!memcmp(ns_model_row(back, 0, 5), ns_model_row(m, 0, 5), 32 * sizeof(float)));
        const ns_graph_opts *bo = back ? ns_model_graph_opts(back) : NULL; /* and the graph options */
        CHECK(bo && bo->method == method && bo->order == order && bo->p == go.p && bo->undirected == 1 &&
              bo->walk_length == 40);
        ns_opts oo;
        if (back) ns_opts_from_model(&oo, back);
        CHECK(back && oo.task == NS_TASK_GRAPH && ns_opts_check(&oo, &err) == NS_OK);
        ns_model_free(back);
    }
    if (m) CHECK_EQ(ns_model_dim(m), 32);
    ns_model_free(m);
    ns_graph_free(g);
    return e;
}

static void communities(void) {
    char edges[4200], labels[4200]; /* tmp_path's buffers are reused */
    snprintf(edges, sizeof edges, "%s", tmp_path("sbm.txt"));
    snprintf(labels, sizeof labels, "%s", tmp_path("sbm.labels"));
    planted(edges, labels, 4, 40, 0.25, 0.03);
    const struct {
        ns_graph_method m;
        int order, mcmc;
        const char *name;
    } runs[] = {{NS_GRAPH_DEEPWALK, 2, 0, "deepwalk"}, {NS_GRAPH_NODE2VEC, 2, 0, "node2vec"},
                {NS_GRAPH_DEEPWALK, 2, 1, "deepwalk, mcmc negatives"}, {NS_GRAPH_LINE, 2, 0, "line-2"},
                {NS_GRAPH_LINE, 1, 0, "line-1"}, {NS_GRAPH_LINE, 3, 0, "line-both"},
                {NS_GRAPH_LINE, 2, 1, "line-2, mcmc negatives"}};
    for (size_t r = 0; r < sizeof runs / sizeof runs[0]; r++) {
        ns_emb *e = train_emb(edges, runs[r].m, runs[r].order, runs[r].mcmc);
        if (!e) continue;
        if (!ns_have_classifier()) {
            fprintf(stderr, "test_graph: built without liblinear, node classification not checked\n");
            ns_emb_free(e);
            return;
        }
        ns_nodeclass_report rep;
        ns_error err;
        CHECK_EQ(ns_eval_nodeclass(e, labels, 0.5, 3, 1, &rep, &err), NS_OK);
        if (rep.macro_f1 < 0.9 || getenv("NS_TEST_VERBOSE")) fprintf(stderr, "%s: macro-F1 %.3f\n", runs[r].name, rep.macro_f1);
        CHECK(rep.macro_f1 >= 0.9);
        CHECK_EQ(rep.labels, 4);
        CHECK_EQ(rep.train_nodes, 80);
        ns_emb_free(e);
    }
}

static void links(void) {
    if (!ns_have_classifier()) return;
    char edges[4200], labels[4200], prefix[4200];
    snprintf(edges, sizeof edges, "%s", tmp_path("sbm-links.txt"));
    snprintf(labels, sizeof labels, "%s", tmp_path("sbm-links.labels"));
    snprintf(prefix, sizeof prefix, "%s", tmp_path("sbm-split"));
    planted(edges, labels, 4, 40, 0.3, 0.02);
    ns_graph *g;
    ns_error err;
    CHECK_EQ(ns_graph_load(&g, edges, 1, &err), NS_OK);
    int64_t removed;
    CHECK_EQ(ns_graph_split(g, 0.3, 1, prefix, &removed, &err), NS_OK);
    CHECK_NEAR((double)removed, 0.3 * (double)ns_graph_info(g)->edges, 1);
    /* the residual graph keeps every node (the graph is connected) */
    char path[4300];
    snprintf(path, sizeof path, "%s.train", prefix);
    ns_graph *res;
    CHECK_EQ(ns_graph_load(&res, path, 1, &err), NS_OK);
    CHECK_EQ(ns_graph_info(res)->nodes, ns_graph_info(g)->nodes);
    CHECK_EQ(ns_graph_info(res)->edges + removed, ns_graph_info(g)->edges);
    ns_graph_free(res);
    ns_emb *e = train_emb(path, NS_GRAPH_DEEPWALK, 2, 0);
    char tr[4300], te[4300];
    snprintf(tr, sizeof tr, "%s.train.pairs", prefix), snprintf(te, sizeof te, "%s.test.pairs", prefix);
    double auc;
    int64_t skipped;
    CHECK_EQ(ns_eval_links(e, tr, te, NS_EDGE_HADAMARD, &auc, &skipped, &err), NS_OK);
    if (auc < 0.8) fprintf(stderr, "link prediction AUC %.3f\n", auc);
    CHECK(auc >= 0.8);
    CHECK_EQ(skipped, 0);
    ns_emb_free(e);
    ns_graph_free(g);
}

static void walks_file(void) {
    ns_graph *g = load_text("ring.txt", "a b\nb c\nc d\nd a\na c\n", 1, NS_OK, NULL);
    if (!g) return;
    ns_graph_opts go;
    ns_graph_opts_default(&go);
    go.walks_per_node = 3, go.walk_length = 6;
    ns_error err;
    const char *path = tmp_path("walks.txt");
    CHECK_EQ(ns_graph_save_walks(g, &go, 1, path, &err), NS_OK);
    FILE *f = fopen(path, "r");
    char line[256];
    int lines = 0;
    while (f && fgets(line, sizeof line, f)) {
        char *save, *prev = NULL, *tok;
        int n = 0;
        for (tok = strtok_r(line, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save), n++) {
            if (prev) CHECK(ns_graph_has_arc(g, id(g, prev), id(g, tok)));
            prev = tok;
        }
        CHECK_EQ(n, 6);
        lines++;
    }
    if (f) fclose(f);
    CHECK_EQ(lines, 12);
    go.method = NS_GRAPH_LINE;
    CHECK_EQ(ns_graph_save_walks(g, &go, 1, path, &err), NS_EINVAL);
    go.method = NS_GRAPH_NODE2VEC, go.p = 0;
    CHECK_EQ(ns_graph_save_walks(g, &go, 1, path, &err), NS_EINVAL);
    CHECK_CONTAINS(err.msg, "p and q must be in");
    ns_graph_free(g);
}

int main(void) {
    reading();
    walk_frequencies();
    mcmc_target();
    metrics();
    walks_file();
    communities();
    links();
    return check_exit("test_graph");
}
