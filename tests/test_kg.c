/*
 * Knowledge graphs: reading triples (CRLF, comments, bad lines named by
 * file and line, unknown ids), the Bernoulli probabilities of a toy graph,
 * every scorer's loss gradient against central differences on both sides
 * and under both losses, the self-adversarial weights, exclusion of true
 * triples, RotatE's rotations keeping moduli, dense Adam's skipped steps
 * (in one go against step by step, and through the trainer), filtered ranking and
 * prediction against values worked out by hand, planted relations learnt
 * to MRR ~1, validation keeping the best parameters, one-thread
 * determinism, the model file (round trip, corruption, resume), and the
 * learning rate -lr auto makes of the data's size.
 */
#include "check.h"
#include "core/core.h"
#include "tasks/kg/triples.h"
#include "tasks/kg/kg.h"
#include "tasks/kg/train.h"

static int32_t id_of(const ns_vocab *v, const char *w) { return ns_vocab_find(v, w, strlen(w)); }

static ns_triples *load_text(const char *name, const char *text, const ns_vocab *e, const ns_vocab *r, ns_status want,
                             const char *msg) {
    const char *path = tmp_path(name);
    write_file(path, text, strlen(text));
    ns_triples *t = NULL;
    ns_error err = {{0}};
    CHECK_EQ(ns_triples_load(&t, path, e, r, &err), want);
    if (msg) CHECK_CONTAINS(err.msg, msg);
    return t;
}

static void reading(void) {
    ns_triples *t = load_text("kg.read", "# a comment\na\tr\tb\r\n\nb\tr\tc\nc\ts\ta\n", NULL, NULL, NS_OK, NULL);
    CHECK_EQ(ns_triples_count(t), 3);
    const ns_vocab *e = ns_triples_entities(t), *r = ns_triples_relations(t);
    CHECK_EQ(ns_vocab_size(e), 3);
    CHECK_EQ(ns_vocab_size(r), 2);
    CHECK_EQ(id_of(e, "a"), 0); /* first appearance */
    CHECK_EQ(id_of(e, "c"), 2);
    CHECK_EQ(ns_vocab_count(e, id_of(e, "b")), 2);
    int32_t h, rel, tl;
    ns_triples_get(t, 0, &h, &rel, &tl);
    CHECK(h == 0 && rel == 0 && tl == 1); /* the \r is not part of "b" */
    ns_triples *u = load_text("kg.read2", "a\tr\tz\nc\ts\ta\n", e, r, NS_OK, NULL);
    CHECK_EQ(ns_triples_unknown(u), 1);
    ns_triples_get(u, 0, &h, &rel, &tl);
    CHECK_EQ(tl, -1);
    ns_triples_free(u);
    ns_triples_free(t);
    ns_triples_free(load_text("kg.bad1", "a\tr\tb\na r b\n", NULL, NULL, NS_EFORMAT, "kg.bad1:2: expected 'head<TAB>relation<TAB>tail'"));
    ns_triples_free(load_text("kg.bad2", "a\tr\tb\tc\n", NULL, NULL, NS_EFORMAT, "kg.bad2:1:"));
    ns_triples_free(load_text("kg.bad3", "a\t\tb\n", NULL, NULL, NS_EFORMAT, "kg.bad3:1:"));
    ns_triples_free(load_text("kg.bad4", "# c\n \t \n\na\tr\tb\na b c\n", NULL, NULL, NS_EFORMAT, "kg.bad4:5:"));
    ns_triples_free(load_text("kg.empty", "# nothing\n\n", NULL, NULL, NS_EEMPTY, "no 'head<TAB>relation<TAB>tail' line"));
    ns_error err = {{0}};
    CHECK_EQ(ns_triples_load(&t, tmp_path("kg.missing"), NULL, NULL, &err), NS_EIO);
    CHECK_CONTAINS(err.msg, "kg.missing");
}

static void bernoulli(void) {
    /* r0: one head, three tails (tph 3, hph 1); r1: three heads, one tail;
     * r2: one-to-one. */
    ns_triples *t = load_text("kg.bern",
                              "a\tr0\tb\na\tr0\tc\na\tr0\td\n"
                              "a\tr1\td\nb\tr1\td\nc\tr1\td\n"
                              "a\tr2\tb\nc\tr2\td\n", NULL, NULL, NS_OK, NULL);
    double p[4];
    CHECK_EQ(ns_triples_bernoulli(t, 4, p, NULL), NS_OK);
    CHECK_NEAR(p[0], 0.75, 1e-12);
    CHECK_NEAR(p[1], 0.25, 1e-12);
    CHECK_NEAR(p[2], 0.5, 1e-12);
    CHECK_NEAR(p[3], 0.5, 1e-12); /* no triples */
    ns_triples_free(t);
}

static const char *toy_graph = "a\tr\tb\nb\tr\tc\nc\ts\ta\nd\ts\te\ne\tr\ta\nb\ts\td\nf\tr\tf\n";

/* Central differences of the trainer's loss against its gradient for one
 * chunk on one side; returns the number of mismatches and counts checks. */
static int grad_case(ns_kg_model model, ns_kg_loss loss, int side, int *checks) {
    ns_triples *t = load_text("kg.toy", toy_graph, NULL, NULL, NS_OK, NULL);
    ns_kg_opts o;
    ns_kg_opts_default(&o);
    o.model = model, o.loss = loss, o.dim = 5, o.gamma = 2, o.neg = 4, o.batch = 3, o.seed = 3 + (uint64_t)model;
    ns_kg *m;
    CHECK_EQ(ns_kg_create(&m, t, &o, NULL), NS_OK);
    int32_t pos[3] = {0, 2, 4}, neg[4] = {1, 3, 5, 0};
    size_t ne = (size_t)m->ne * m->n, nr = (size_t)m->nr * m->nrel;
    float *gE = calloc(ne, sizeof *gE), *gR = calloc(nr, sizeof *gR);
    float *sE = calloc(ne, sizeof *sE), *sR = calloc(nr, sizeof *sR);
    ns__kg_chunk_grad(m, t, &o, pos, 3, side, neg, 1.0f, gE, gR);
    int bad = 0;
    for (int tab = 0; tab < 2; tab++) {
        float *x = tab ? m->R : m->E, *g = tab ? gR : gE;
        size_t len = tab ? nr : ne;
        for (size_t i = 0; i < len; i++) {
            int col = (int)(i % (size_t)(tab ? m->nrel : m->n));
            int used = (m->half ? col % m->half : col) < o.dim;
            if (!used) { /* padding: its gradient is exactly zero */
                if (g[i] != 0.0f) bad++;
                continue;
            }
            float keep = x[i], h = 1e-3f;
            x[i] = keep + h;
            double up = ns__kg_chunk_grad(m, t, &o, pos, 3, side, neg, 1.0f, sE, sR);
            x[i] = keep - h;
            double down = ns__kg_chunk_grad(m, t, &o, pos, 3, side, neg, 1.0f, sE, sR);
            x[i] = keep;
            double fd = (up - down) / (2.0 * (double)h);
            (*checks)++;
            if (!(fabs(fd - g[i]) <= 2e-2 * (1 + fabs(fd)))) {
                if (bad < 3)
                    fprintf(stderr, "grad %s loss %d side %d table %d entry %zu: analytic %.6g, central %.6g\n",
                            ns_kg_model_name(model), (int)loss, side, tab, i, g[i], fd);
                bad++;
            }
        }
    }
    free(gE), free(gR), free(sE), free(sR);
    ns_kg_free(m);
    ns_triples_free(t);
    return bad;
}

static void gradients(void) {
    for (int model = 0; model <= NS_KG_ROTATE; model++)
        for (int loss = 0; loss < 2; loss++)
            for (int side = 0; side < 2; side++) {
                int checks = 0, bad = grad_case((ns_kg_model)model, (ns_kg_loss)loss, side, &checks);
                /* L1's kinks (a coordinate difference within h of 0) may
                 * spoil a rare central difference; none may elsewhere. */
                if (model == NS_KG_TRANSE_L1) CHECK(bad * 50 <= checks);
                else CHECK_EQ(bad, 0);
                CHECK(checks >= 40); /* 6 entities and 2 relations of 5 */
            }
}

static void weights(void) {
    float z[5] = {1.0f, 3.0f, -INFINITY, 2.0f, 0.5f}, w[5];
    ns__kg_neg_weights(z, 5, 0.0f, w);
    for (int j = 0; j < 5; j++) CHECK_NEAR(w[j], j == 2 ? 0.0 : 0.25, 1e-7);
    ns__kg_neg_weights(z, 5, 0.7f, w);
    double sum = 0;
    for (int j = 0; j < 5; j++) sum += w[j];
    CHECK_NEAR(sum, 1.0, 1e-6);
    CHECK_EQ(w[2], 0);
    CHECK(w[1] > w[3] && w[3] > w[0] && w[0] > w[4]); /* follow the scores */
    CHECK_NEAR(w[1] / w[0], exp(0.7 * 2.0), 1e-4);
    /* Large scores do not overflow. */
    float big[2] = {1000.0f, 999.0f};
    ns__kg_neg_weights(big, 2, 1.0f, w);
    CHECK_NEAR(w[0], 1.0 / (1.0 + exp(-1.0)), 1e-6);
}

/* A negative that forms a training triple weighs nothing: the loss is the
 * one without it. */
static void exclusion(void) {
    ns_triples *t = load_text("kg.toy", toy_graph, NULL, NULL, NS_OK, NULL);
    for (int loss = 0; loss < 2; loss++) {
        ns_kg_opts o;
        ns_kg_opts_default(&o);
        o.model = NS_KG_TRANSE_L2, o.loss = (ns_kg_loss)loss, o.dim = 8, o.neg = 4, o.exclude_true = 1;
        ns_kg *m;
        CHECK_EQ(ns_kg_create(&m, t, &o, NULL), NS_OK);
        const ns_vocab *e = ns_triples_entities(t);
        int32_t pos[1] = {0}; /* (a, r, b); (a, r, ?) has only b */
        int32_t with[4] = {id_of(e, "b"), id_of(e, "c"), id_of(e, "d"), id_of(e, "e")};
        size_t ne = (size_t)m->ne * m->n, nr = (size_t)m->nr * m->nrel;
        float *gE = calloc(ne, sizeof *gE), *gR = calloc(nr, sizeof *gR);
        double l4 = ns__kg_chunk_grad(m, t, &o, pos, 1, 0, with, 1.0f, gE, gR);
        o.neg = 3, o.exclude_true = 0;
        double l3 = ns__kg_chunk_grad(m, t, &o, pos, 1, 0, with + 1, 1.0f, gE, gR);
        CHECK_NEAR(l4, l3, 1e-5);
        o.neg = 4;
        double lall = ns__kg_chunk_grad(m, t, &o, pos, 1, 0, with, 1.0f, gE, gR);
        CHECK(fabs(lall - l3) > 1e-3); /* without exclusion it counts */
        free(gE), free(gR);
        ns_kg_free(m);
    }
    ns_triples_free(t);
}

static void rotate_modulus(void) {
    ns_triples *t = load_text("kg.toy", toy_graph, NULL, NULL, NS_OK, NULL);
    ns_kg_opts o;
    ns_kg_opts_default(&o);
    o.model = NS_KG_ROTATE, o.dim = 12;
    ns_kg *m;
    CHECK_EQ(ns_kg_create(&m, t, &o, NULL), NS_OK);
    float *q = ns__alloc_aligned((size_t)m->n * 2, sizeof(float)), *cs = q + m->n;
    for (int32_t r = 0; r < m->nr; r++)
        for (int side = 0; side < 2; side++) {
            const float *x = ns__kg_ent(m, 1), *rel = ns__kg_rel(m, r);
            ns__kg_phases(m, rel, cs);
            ns__kg_query(m, side, x, rel, cs, q);
            for (int k = 0; k < m->half; k++) {
                CHECK_NEAR(hypotf(cs[k], cs[m->half + k]), 1.0, 1e-6);
                CHECK_NEAR(hypotf(q[k], q[m->half + k]), hypotf(x[k], x[m->half + k]), 1e-6);
            }
        }
    /* Phases are pi x / range: a relation value of range is a half turn. */
    float *rel = ns__kg_rel(m, 0);
    rel[0] = m->range;
    ns__kg_phases(m, rel, cs);
    CHECK_NEAR(cs[0], -1.0, 1e-6);
    ns__free_aligned(q);
    ns_kg_free(m);
    ns_triples_free(t);
}

/* DistMult with one used coordinate: f(h, r, t) = h t, so every rank can be
 * worked out by hand. Entities a..e hold 1, 3, 2, 2, 0.5. */
static void ranking(void) {
    ns_triples *t = load_text("kg.rank", "a\tr\tb\nb\tr\tc\nc\tr\td\nd\tr\te\n", NULL, NULL, NS_OK, NULL);
    ns_kg_opts o;
    ns_kg_opts_default(&o);
    o.model = NS_KG_DISTMULT, o.dim = 1;
    ns_kg *m;
    CHECK_EQ(ns_kg_create(&m, t, &o, NULL), NS_OK);
    const ns_vocab *e = ns_kg_entities(m), *rv = ns_kg_relations(m);
    const char *names[5] = {"a", "b", "c", "d", "e"};
    float val[5] = {1, 3, 2, 2, 0.5f};
    for (int i = 0; i < 5; i++) ns_kg_entity(m, id_of(e, names[i]))[0] = val[i];
    ns_kg_relation(m, 0)[0] = 1;
    float score;
    CHECK_EQ(ns_kg_score(m, id_of(e, "b"), 0, id_of(e, "c"), &score, NULL), NS_OK);
    CHECK_NEAR(score, 6.0, 1e-6);
    /* Test (a, r, c): tail scores 1 3 2 2 0.5 for a..e: b higher, d equal ->
     * raw rank 2.5; head scores 2 6 4 4 1: b, c, d higher -> rank 4. */
    ns_triples *test = load_text("kg.rank.test", "a\tr\tc\nzz\tr\ta\n", e, rv, NS_OK, NULL);
    ns_kg_report rep;
    CHECK_EQ(ns_kg_eval(m, test, NULL, 2, 1, 1, &rep, NULL), NS_OK);
    CHECK_EQ(rep.triples, 1);
    CHECK_NEAR(rep.tail.mr, 2.5, 1e-12);
    CHECK_NEAR(rep.head.mr, 4.0, 1e-12);
    CHECK_NEAR(rep.all.mrr, (1 / 2.5 + 1 / 4.0) / 2, 1e-12);
    CHECK_NEAR(rep.all.hits3, 0.5, 1e-12);
    CHECK_NEAR(rep.per_relation[0].mr, 3.25, 1e-12);
    ns_kg_report_free(&rep);
    /* Filtered by (a, r, b) and (d, r, c): tail rank 1.5, head rank 3. */
    ns_triples *known = load_text("kg.rank.known", "a\tr\tb\nd\tr\tc\n", e, rv, NS_OK, NULL);
    const ns_triples *sets[2] = {known, test};
    ns_kg_filter *f;
    CHECK_EQ(ns_kg_filter_create(&f, sets, 2, NULL), NS_OK);
    CHECK(ns_kg_filter_has(f, id_of(e, "d"), 0, id_of(e, "c")));
    CHECK(!ns_kg_filter_has(f, id_of(e, "c"), 0, id_of(e, "d")));
    CHECK_EQ(ns_kg_eval(m, test, f, 1, 0, 0, &rep, NULL), NS_OK);
    CHECK_EQ(rep.triples, 2);
    CHECK_EQ(rep.unknown, 1); /* zz: the worst rank (5 entities), both sides */
    CHECK_NEAR(rep.tail.mr, (1.5 + 5) / 2, 1e-12);
    CHECK_NEAR(rep.head.mr, (3 + 5) / 2, 1e-12);
    CHECK_NEAR(rep.all.mrr, (1 / 1.5 + 1 / 3.0 + 2 / 5.0) / 4, 1e-12);
    CHECK_NEAR(rep.all.hits1, 0, 1e-12);
    CHECK_NEAR(rep.all.hits3, 0.5, 1e-12);
    CHECK_NEAR(rep.all.hits10, 1, 1e-12);
    ns_kg_report_free(&rep);
    /* A constant scorer ranks everything in the middle: (5 + 1) / 2. */
    for (int i = 0; i < 5; i++) ns_kg_entity(m, i)[0] = 1;
    CHECK_EQ(ns_kg_eval(m, test, NULL, 1, 0, 1, &rep, NULL), NS_OK);
    CHECK_NEAR(rep.all.mr, 3.0, 1e-12);
    for (int i = 0; i < 5; i++) ns_kg_entity(m, id_of(e, names[i]))[0] = val[i];
    /* Prediction: (a, r, ?) = b 3, c 2, d 2 (ties to the lower id), a 1. */
    ns_hit hits[5];
    int32_t nh;
    ns_error perr;
    CHECK_EQ(ns_kg_predict(m, id_of(e, "a"), 0, -1, NULL, 3, hits, &nh, &perr), NS_OK);
    CHECK_EQ(nh, 3);
    CHECK(hits[0].id == id_of(e, "b") && hits[1].id == id_of(e, "c") && hits[2].id == id_of(e, "d"));
    CHECK_NEAR(hits[0].score, 3, 1e-6);
    CHECK_EQ(ns_kg_predict(m, id_of(e, "a"), 0, -1, f, 5, hits, &nh, &perr), NS_OK);
    CHECK_EQ(nh, 3); /* b and c filtered */
    CHECK(hits[0].id == id_of(e, "d") && hits[1].id == id_of(e, "a") && hits[2].id == id_of(e, "e"));
    CHECK_EQ(ns_kg_predict(m, -1, 0, id_of(e, "c"), f, 2, hits, &nh, &perr), NS_OK);
    CHECK_EQ(nh, 2); /* (?, r, c): b 6, c 4 (d filtered) */
    CHECK(hits[0].id == id_of(e, "b") && hits[1].id == id_of(e, "c"));
    CHECK_EQ(ns_kg_predict(m, -1, 0, -1, NULL, 2, hits, &nh, &perr), NS_EINVAL);
    CHECK_CONTAINS(perr.msg, "exactly one of head and tail");
    CHECK_EQ(ns_kg_predict(m, 0, 5, -1, NULL, 2, hits, &nh, &perr), NS_EINVAL);
    CHECK_CONTAINS(perr.msg, "out of range");
    CHECK_EQ(ns_kg_predict(m, 0, 0, -1, NULL, 0, hits, &nh, &perr), NS_EINVAL);
    CHECK_CONTAINS(perr.msg, "k must be >= 1");
    CHECK_EQ(ns_kg_score(m, 0, 0, 99, &score, &perr), NS_EINVAL);
    ns_kg_filter_free(f);
    ns_triples_free(known), ns_triples_free(test), ns_triples_free(t);
    ns_kg_free(m);
}

/* Writes a planted graph over n entities: "next" (i -> i+1) and "skip"
 * (i -> i+2), modulo n when cyclic; or "sib" (2i <-> 2i+1) both ways. */
static const char *planted(const char *name, int n, int kind) {
    static char text[1 << 16];
    size_t at = 0;
    for (int i = 0; i < n; i++) {
        if (kind == 2) {
            at += (size_t)snprintf(text + at, sizeof text - at, "e%d\tsib\te%d\n", i, i ^ 1);
            continue;
        }
        if (kind == 1 && i + 1 >= n) break; /* a chain */
        at += (size_t)snprintf(text + at, sizeof text - at, "e%d\tnext\te%d\n", i, (i + 1) % n);
        if (kind == 0) at += (size_t)snprintf(text + at, sizeof text - at, "e%d\tskip\te%d\n", i, (i + 2) % n);
    }
    const char *path = tmp_path(name);
    write_file(path, text, at);
    return path;
}

static double learn(ns_kg_model model, int kind, double adv, int threads, ns_kg **keep) {
    const char *path = planted("kg.planted", 16, kind);
    ns_triples *t;
    CHECK_EQ(ns_triples_load(&t, path, NULL, NULL, NULL), NS_OK);
    ns_kg_opts o;
    ns_kg_opts_default(&o);
    o.model = model, o.dim = 16, o.gamma = 4, o.lr = 0.05, o.batch = 16, o.neg = 8, o.steps = 600;
    o.threads = threads, o.adv_temperature = adv;
    ns_kg *m;
    CHECK_EQ(ns_kg_create(&m, t, &o, NULL), NS_OK);
    CHECK_EQ(ns_kg_train(m, t, NULL, NULL, &o, NULL, NULL), NS_OK);
    CHECK_EQ(ns_kg_steps_done(m), 600);
    ns_kg_filter *f;
    const ns_triples *sets[1] = {t};
    CHECK_EQ(ns_kg_filter_create(&f, sets, 1, NULL), NS_OK);
    ns_kg_report rep;
    CHECK_EQ(ns_kg_eval(m, t, f, 2, 0, 0, &rep, NULL), NS_OK);
    printf("planted %s (%s): filtered MRR %.3f, H@1 %.3f\n", ns_kg_model_name(model),
           kind == 0 ? "cycle" : kind == 1 ? "chain" : "siblings", rep.all.mrr, rep.all.hits1);
    ns_kg_filter_free(f);
    ns_triples_free(t);
    if (keep) *keep = m;
    else ns_kg_free(m);
    return rep.all.mrr;
}

static void learning(void) {
    CHECK(learn(NS_KG_ROTATE, 0, 0, 2, NULL) >= 0.95);
    CHECK(learn(NS_KG_ROTATE, 0, 1.0, 2, NULL) >= 0.95);
    CHECK(learn(NS_KG_COMPLEX, 0, 0, 2, NULL) >= 0.95);
    CHECK(learn(NS_KG_TRANSE_L1, 1, 0, 2, NULL) >= 0.9);
    /* One thread: two Hogwild threads on this 15-triple chain depend on
     * their interleaving (0.899 once under TSan on a loaded machine, 1.000
     * in 60 runs otherwise); one thread and the seed make it reproducible. */
    CHECK(learn(NS_KG_TRANSE_L2, 1, 0, 1, NULL) >= 0.9);
    CHECK(learn(NS_KG_DISTMULT, 2, 0, 2, NULL) >= 0.9);
    /* DistMult scores (h, r, t) and (t, r, h) alike: it cannot learn the
     * one-way cycle. */
    CHECK(learn(NS_KG_DISTMULT, 0, 0, 2, NULL) < 0.8);
    /* One thread and one seed: the same model twice. */
    ns_kg *a, *b;
    learn(NS_KG_ROTATE, 0, 0, 1, &a);
    learn(NS_KG_ROTATE, 0, 0, 1, &b);
    CHECK(memcmp(a->E, b->E, (size_t)a->ne * a->n * sizeof(float)) == 0);
    CHECK(memcmp(a->R, b->R, (size_t)a->nr * a->nrel * sizeof(float)) == 0);
    ns_kg_free(a), ns_kg_free(b);
}

typedef struct seen {
    ns_kg *m;
    int validations;
    double best, last;
} seen;

/* Records the validations; after the second one scrambles the entity
 * and relation vectors (the workers are paused), so that later ones score worse. */
static int on_progress(const ns_progress *p, void *user) {
    seen *s = user;
    if (p->metric) s->validations++, s->best = p->best, s->last = p->valid;
    if (p->paused && s->validations == 2) {
        ns_rng r;
        ns__rng_seed(&r, 5, 5);
        for (size_t i = 0; i < (size_t)s->m->ne * s->m->n; i++)
            if (s->m->E[i] != 0.0f) s->m->E[i] = ns__rng_float(&r) - 0.5f;
        for (size_t i = 0; i < (size_t)s->m->nr * s->m->nrel; i++)
            if (s->m->R[i] != 0.0f) s->m->R[i] = ns__rng_float(&r) - 0.5f;
    }
    return 0;
}

/* Validation every 10 steps with patience 2: training stops two
 * validations after the scrambling, and the model ends with the best
 * validated parameters, not the last. */
static void validation(void) {
    const char *path = planted("kg.planted", 16, 0);
    ns_triples *t;
    CHECK_EQ(ns_triples_load(&t, path, NULL, NULL, NULL), NS_OK);
    ns_kg_opts o;
    ns_kg_opts_default(&o);
    o.model = NS_KG_ROTATE, o.dim = 16, o.gamma = 4, o.lr = 0.01, o.batch = 16, o.neg = 8, o.steps = 3000;
    o.valid_every = 10, o.patience = 2;
    ns_kg *m;
    CHECK_EQ(ns_kg_create(&m, t, &o, NULL), NS_OK);
    ns_kg_filter *f;
    const ns_triples *sets[1] = {t};
    CHECK_EQ(ns_kg_filter_create(&f, sets, 1, NULL), NS_OK);
    seen s = {m, 0, 0, 0};
    ns_train_hooks h = {on_progress, &s, 100, NULL, 0, 0};
    CHECK_EQ(ns_kg_train(m, t, t, f, &o, &h, NULL), NS_OK);
    CHECK(s.validations >= 4);
    CHECK(s.last < s.best);
    CHECK(ns_kg_steps_done(m) < 3000); /* stopped early */
    ns_kg_report rep;
    CHECK_EQ(ns_kg_eval(m, t, f, 1, 0, 0, &rep, NULL), NS_OK);
    CHECK_NEAR(rep.all.mrr, s.best, 1e-12);
    printf("validation: %d validations, the model is the best one (step %lld), MRR %.3f, last %.3f\n", s.validations,
           (long long)ns_kg_steps_done(m), s.best, s.last);
    ns_kg_filter_free(f);
    ns_triples_free(t);
    ns_kg_free(m);
}

static void model_file(void) {
    ns_kg *m;
    learn(NS_KG_COMPLEX, 0, 0, 1, &m);
    const char *path = tmp_path("kg.model");
    ns_error err = {{0}};
    CHECK_EQ(ns_kg_save(m, path, &err), NS_OK);
    ns_kg *b = NULL;
    CHECK_EQ(ns_kg_load(&b, path, &err), NS_OK);
    size_t ne = (size_t)m->ne * m->n * sizeof(float), nr = (size_t)m->nr * m->nrel * sizeof(float);
    CHECK(b && memcmp(m->E, b->E, ne) == 0 && memcmp(m->R, b->R, nr) == 0);
    CHECK(b && memcmp(m->E1, b->E1, ne) == 0 && memcmp(m->E2, b->E2, ne) == 0 && memcmp(m->R2, b->R2, nr) == 0);
    CHECK_EQ(ns_kg_steps_done(b), 600);
    float s1 = 0, s2 = 1;
    CHECK_EQ(ns_kg_score(m, 1, 0, 2, &s1, NULL), NS_OK);
    CHECK(b && ns_kg_score(b, 1, 0, 2, &s2, NULL) == NS_OK);
    CHECK_EQ(s1, s2);
    /* Resume: 600 more steps, on top of the loaded state. */
    const char *tp = planted("kg.planted", 16, 0);
    ns_triples *t;
    CHECK_EQ(ns_triples_load(&t, tp, ns_kg_entities(b), ns_kg_relations(b), NULL), NS_OK);
    ns_kg_opts o = *ns_kg_options(b);
    o.steps = 1200;
    CHECK_EQ(ns_kg_train(b, t, NULL, NULL, &o, NULL, NULL), NS_OK);
    CHECK_EQ(ns_kg_steps_done(b), 1200);
    o.dim = 8;
    CHECK_EQ(ns_kg_train(b, t, NULL, NULL, &o, NULL, &err), NS_EINVAL);
    CHECK_CONTAINS(err.msg, "must stay as they were");
    ns_triples_free(t);
    ns_kg_free(b);
    /* A flipped byte, a cut file, another kind of file. */
    FILE *f = fopen(path, "rb");
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    char *bytes = malloc((size_t)size);
    fseek(f, 0, SEEK_SET);
    CHECK_EQ(fread(bytes, 1, (size_t)size, f), size);
    fclose(f);
    bytes[size / 2] ^= 0x10;
    const char *bad = tmp_path("kg.bad.model");
    write_file(bad, bytes, (size_t)size);
    CHECK_EQ(ns_kg_load(&b, bad, &err), NS_EFORMAT);
    CHECK_CONTAINS(err.msg, "checksum mismatch");
    bytes[size / 2] ^= 0x10;
    /* A header announcing dim 65536: refused before the tables are
     * allocated (they would need gigabytes the file cannot hold). */
    int32_t dim, big = 65536;
    memcpy(&dim, bytes + 20, 4);
    CHECK_EQ(dim, ns_kg_options(m)->dim);
    memcpy(bytes + 20, &big, 4);
    write_file(bad, bytes, (size_t)size);
    CHECK_EQ(ns_kg_load(&b, bad, &err), NS_EFORMAT);
    CHECK_CONTAINS(err.msg, "at dim 65536 need");
    memcpy(bytes + 20, &dim, 4);
    write_file(bad, bytes, (size_t)size - 100);
    CHECK_EQ(ns_kg_load(&b, bad, &err), NS_EFORMAT);
    CHECK_CONTAINS(err.msg, "truncated");
    ns_model *wm;
    CHECK_EQ(ns_model_load(&wm, path, &err), NS_EFORMAT);
    CHECK_CONTAINS(err.msg, "knowledge-graph model");
    write_file(bad, "NSMODEL1 and more bytes", 23);
    CHECK_EQ(ns_kg_load(&b, bad, &err), NS_EFORMAT);
    CHECK_CONTAINS(err.msg, "not a knowledge-graph model");
    free(bytes);
    ns_kg_free(m);
}

/* The gradient-free updates of skipped steps in one go against Adam
 * stepped through them one by one (in double), from an early step (bias
 * corrections still moving) and across a drop of the learning rate. */
static void adam_skip(void) {
    enum { STEPS = 400, N = 4 };
    static ns__kg_rule rules[STEPS + 1];
    for (int j = 0; j < STEPS; j++) {
        double t = j + 1, c2 = sqrt(1 - pow(NS_KG_ADAM_B2, t));
        double lr = j < 200 ? 0.01 : 0.001;
        rules[j] = (ns__kg_rule){(float)(lr * c2 / (1 - pow(NS_KG_ADAM_B1, t))), (float)(1e-8 * c2), 0};
    }
    ns__kg_rules_ahead(rules, 0, STEPS);
    const float m0[N] = {0.3f, -2e-3f, 1e-6f, 0}, v0[N] = {0.5f, 4e-6f, 1e-11f, 0};
    const int64_t gaps[][2] = {{0, 1}, {2, 9}, {150, 260}, {20, 400}, {390, 400}};
    for (size_t c = 0; c < sizeof gaps / sizeof gaps[0]; c++) {
        int64_t a = gaps[c][0], s = gaps[c][1];
        float x[N] = {1, 1, 1, 1}, m1[N], m2[N];
        memcpy(m1, m0, sizeof m1), memcpy(m2, v0, sizeof m2);
        ns__kg_adam_skip(rules, a, s, x, m1, m2, N);
        for (int d = 0; d < N; d++) {
            double xr = 1, m = m0[d], v = v0[d];
            for (int64_t j = a; j < s; j++) {
                m *= NS_KG_ADAM_B1, v *= NS_KG_ADAM_B2;
                xr -= rules[j].lr * m / (sqrt(v) + rules[j].eps);
            }
            CHECK_NEAR(x[d], xr, 1e-6 + 2e-3 * fabs(xr - 1));
            CHECK_NEAR(m1[d], m, 1e-6 * fabs(m));
            CHECK_NEAR(m2[d], v, 1e-6 * fabs(v));
        }
        CHECK(x[3] == 1 && m1[3] == 0 && m2[3] == 0);
    }
    /* A torn read (another thread's new m1 with the old m2 = 0): the step
     * is clamped at NS_KG_ADAM_MAX_RATIO, not m1 / eps (1e5 here). And the
     * bound is never reached by Adam's own moments: after any gradients,
     * m1 / sqrt(m2) stays below 7.28. */
    float x = 0, m1 = 1e-3f, m2 = 0;
    ns__kg_adam_skip(rules, 0, 1, &x, &m1, &m2, 1);
    CHECK(fabs(x) <= rules[0].ahead * NS_KG_ADAM_MAX_RATIO * 1.0001 && fabs(x) > 0);
    double worst = 0;
    for (int run = 0; run < 50; run++) {
        double a = 0, b = 0;
        ns_rng r;
        ns__rng_seed(&r, 9, (uint64_t)run);
        for (int t = 0; t < 2000; t++) {
            double g = run % 2 ? 1.0 : ns__rng_float(&r) - 0.25; /* constant, or drifting with noise */
            a = NS_KG_ADAM_B1 * a + (1 - NS_KG_ADAM_B1) * g, b = NS_KG_ADAM_B2 * b + (1 - NS_KG_ADAM_B2) * g * g;
            if (b > 0 && fabs(a) / sqrt(b) > worst) worst = fabs(a) / sqrt(b);
        }
    }
    CHECK(worst < 7.28 && worst < NS_KG_ADAM_MAX_RATIO);
}

enum { SPARSE_STEPS = 20 };

/* Trains RotatE on a 200-entity cycle, 4 positives and 2 negatives a step,
 * so that most rows skip most steps; keeps the initial entity table. */
static ns_kg *sparse_run(ns_kg_optim optim, int64_t valid_every, float **init) {
    const char *path = planted("kg.sparse", 200, 0);
    ns_triples *t;
    CHECK_EQ(ns_triples_load(&t, path, NULL, NULL, NULL), NS_OK);
    ns_kg_opts o;
    ns_kg_opts_default(&o);
    o.model = NS_KG_ROTATE, o.dim = 16, o.gamma = 4, o.lr = 0.01, o.batch = 4, o.neg = 2, o.steps = SPARSE_STEPS;
    o.threads = 1, o.optim = optim, o.valid_every = valid_every;
    ns_kg *m;
    CHECK_EQ(ns_kg_create(&m, t, &o, NULL), NS_OK);
    size_t ne = (size_t)m->ne * m->n;
    if (init) *init = malloc(ne * sizeof(float)), memcpy(*init, m->E, ne * sizeof(float));
    CHECK_EQ(ns_kg_train(m, t, NULL, NULL, &o, NULL, NULL), NS_OK);
    ns_triples_free(t);
    return m;
}

static double max_diff(const float *a, const float *b, size_t n) {
    double d = 0;
    for (size_t i = 0; i < n; i++) d = fmax(d, fabs((double)a[i] - b[i]));
    return d;
}

/* Adam on dense tables, taken lazily: (1) bringing every row up to date
 * after each step (a segment a step) gives the model that one segment
 * gives; (2) a row touched once, at step j, ends with the moments and the
 * value of Adam stepped through its remaining steps with one gradient, worked out here
 * from its initial value and final first moment; (3) lazy Adam differs. */
static void dense_adam(void) {
    float *x0;
    ns_kg *one = sparse_run(NS_KG_ADAM, 0, &x0), *each = sparse_run(NS_KG_ADAM, 1, NULL);
    ns_kg *lazy = sparse_run(NS_KG_LAZY_ADAM, 0, NULL);
    size_t ne = (size_t)one->ne * one->n;
    double moved = max_diff(one->E, x0, ne);
    CHECK(max_diff(one->E, each->E, ne) <= 1e-3 * moved);
    CHECK(max_diff(one->E, lazy->E, ne) > 0.05 * moved);
    const double b1 = NS_KG_ADAM_B1, b2 = NS_KG_ADAM_B2, q = b1 * b1 / b2;
    int once = 0, skipped = 0;
    for (int32_t e = 0; e < one->ne; e++) {
        const float *x = one->E + (size_t)e * one->n, *m1 = one->E1 + (size_t)e * one->n;
        const float *m2 = one->E2 + (size_t)e * one->n, *start = x0 + (size_t)e * one->n;
        /* Touched once, gap g: m1^2 / m2 = (1-b1)^2 / (1-b2) q^g in every element. */
        int gap = -1, uniform = 1;
        for (int d = 0; d < one->n && uniform; d++) {
            if (m2[d] == 0) { uniform = 0; break; }
            double ratio = (double)m1[d] * m1[d] / m2[d] / ((1 - b1) * (1 - b1) / (1 - b2));
            int g = (int)lround(log(ratio) / log(q));
            uniform = fabs(ratio / pow(q, g) - 1) < 1e-3 && (gap < 0 || g == gap) && g >= 0 && g < SPARSE_STEPS;
            gap = g;
        }
        if (!uniform) continue;
        once++, skipped += gap > 0;
        int64_t j = SPARSE_STEPS - 1 - gap;
        for (int d = 0; d < one->n; d++) {
            double g = m1[d] / ((1 - b1) * pow(b1, gap)), m = 0, v = 0, xr = start[d];
            for (int64_t k = j; k < SPARSE_STEPS; k++) {
                double t = (double)k + 1, c2 = sqrt(1 - pow(b2, t)), lr = 2 * k < SPARSE_STEPS ? 0.01 : 0.001;
                m = b1 * m + (k == j ? (1 - b1) * g : 0), v = b2 * v + (k == j ? (1 - b2) * g * g : 0);
                xr -= lr * c2 / (1 - pow(b1, t)) * m / (sqrt(v) + 1e-8 * c2);
            }
            CHECK_NEAR(x[d], xr, 1e-6 + 1e-3 * fabs(xr - start[d]));
        }
    }
    printf("dense adam: %d rows touched once, %d of them before the last step; lazy differs by %.3g of %.3g\n", once,
           skipped, max_diff(one->E, lazy->E, ne), moved);
    CHECK(skipped >= 20);
    free(x0);
    ns_kg_free(one), ns_kg_free(each), ns_kg_free(lazy);
}

/* -lr auto: the RotatE paper's 5e-5 at its WN18RR schedule, 4% of the
 * init range a step on a short run, Adagrad's 0.1, a given lr as given;
 * the model keeps the lr its run used. */
static void auto_lr(void) {
    ns_kg_opts o;
    ns_kg_opts_default(&o);
    CHECK_NEAR(o.lr, NS_AUTO, 0);
    o.steps = 80000; /* dim 500, gamma 6 */
    CHECK_NEAR(ns__kg_lr(&o, 86835), 5e-5, 1e-18);
    o.steps = 0, o.dim = 32; /* 100 epochs of 110 triples in batches of 512: 100 steps */
    CHECK_EQ(ns__kg_steps(&o, 110), 100);
    CHECK_NEAR(ns__kg_lr(&o, 110), 0.04 * 8 / 32, 1e-15);
    o.optim = NS_KG_ADAGRAD;
    CHECK_NEAR(ns__kg_lr(&o, 110), 0.1, 0);
    o.lr = 0.3;
    CHECK_NEAR(ns__kg_lr(&o, 110), 0.3, 0);
    const char *path = planted("kg.auto", 16, 0);
    ns_triples *t = NULL;
    CHECK_EQ(ns_triples_load(&t, path, NULL, NULL, NULL), NS_OK);
    ns_kg_opts_default(&o);
    o.dim = 8, o.batch = 16, o.neg = 4, o.steps = 10, o.threads = 1;
    ns_kg *m = NULL;
    if (t) CHECK_EQ(ns_kg_create(&m, t, &o, NULL), NS_OK);
    if (m) CHECK_EQ(ns_kg_train(m, t, NULL, NULL, &o, NULL, NULL), NS_OK);
    if (m) CHECK_NEAR(ns_kg_options(m)->lr, 0.04 * 8 / 8, 1e-15);
    ns_kg_free(m), ns_triples_free(t);
}

int main(void) {
    auto_lr();
    reading();
    bernoulli();
    gradients();
    weights();
    exclusion();
    rotate_modulus();
    adam_skip();
    dense_adam();
    ranking();
    learning();
    validation();
    model_file();
    return check_exit("test_kg");
}
