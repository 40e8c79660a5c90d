/*
 * Recommendation: reading interactions (threshold, repeats, time order,
 * header, k-core, sessions, bad lines named by file and line), leave-last-out, the
 * negatives (never a training positive of the user; uniform over the rest
 * with alpha 0; DNS takes the best-scored of its draws), the ranking
 * metrics against values worked out by hand, a planted data set recovered
 * by every loss and item2vec, and the model file.
 */
#include "check.h"
#include <unistd.h>
#include "core/core.h"
#include "tasks/rec/rec.h"

/* A recommender trained on x (which it copies; x is freed here). */
static ns_status make_rec(ns_rec **rec, ns_inter *x, const ns_train_opts *o, ns_error *err) {
    ns_status s = ns_rec_create(rec, x, NULL, o, err);
    ns_inter_free(x);
    if (s == NS_OK && (s = ns_rec_train(*rec, NULL, o, NULL, err)) != NS_OK) ns_rec_free(*rec), *rec = NULL;
    return s;
}

static int32_t id_of(const ns_vocab *v, const char *w) { return ns_vocab_find(v, w, strlen(w)); }

static ns_inter *load_text(const char *name, const char *text, const ns_inter_opts *o, const ns_inter *base,
                           ns_status want, const char *msg) {
    const char *path = tmp_path(name);
    write_file(path, text, strlen(text));
    ns_inter *x = NULL;
    ns_error err = {{0}};
    ns_status s = ns_inter_load(&x, path, o, base, &err);
    CHECK_EQ(s, want);
    if (msg) CHECK_CONTAINS(err.msg, msg);
    return x;
}

static void reading(void) {
    ns_inter_opts o;
    ns_inter_opts_default(&o);
    o.header = 1, o.min_weight = 4;
    const char *text = "# comment\n"
                       "user item rating time\n"
                       "a x 5 30\n"
                       "a\ty  2 10\n"
                       "a z 4 20\r\n"
                       "a z 5 40\n"
                       "b x 4 5\n"
                       "b x 5 1\n"
                       "\n"
                       "c y 1 3\n"
                       "d w 4\n";
    ns_inter *x = load_text("inter.txt", text, &o, NULL, NS_OK, NULL);
    if (!x) return;
    ns_inter_stats st;
    ns_inter_stats_get(x, &st);
    CHECK_EQ(st.lines, 8);
    CHECK_EQ(st.positives, 4);
    CHECK_EQ(st.below, 2);
    CHECK_EQ(st.repeats, 2);
    CHECK_EQ(st.users, 3);
    CHECK_EQ(st.users_dropped, 1); /* c: no positive */
    CHECK_EQ(st.items, 3);
    CHECK_EQ(st.items_dropped, 1); /* y: only under the threshold */
    const ns_vocab *U = ns_inter_user_vocab(x), *I = ns_inter_item_vocab(x);
    CHECK_EQ(id_of(U, "a"), 0); /* most positives first */
    CHECK_EQ(id_of(I, "x"), 0);
    CHECK_EQ(id_of(U, "c"), -1);
    int64_t n;
    const int32_t *a = ns_inter_user(x, id_of(U, "a"), &n);
    CHECK_EQ(n, 2);
    if (n == 2) CHECK(a[0] == id_of(I, "z") && a[1] == id_of(I, "x")); /* time order; z's first time */
    CHECK(ns_inter_has(x, id_of(U, "a"), id_of(I, "x")));
    CHECK(!ns_inter_has(x, id_of(U, "b"), id_of(I, "z")));

    /* Leave-last-out: a's last (x at 30) is held out; b and d keep their one. */
    ns_inter *train, *test;
    ns_error err;
    CHECK_EQ(ns_inter_split_last(x, &train, &test, &err), NS_OK);
    CHECK_EQ(ns_inter_count(train), 3);
    CHECK_EQ(ns_inter_count(test), 1);
    CHECK(ns_inter_has(test, id_of(U, "a"), id_of(I, "x")));
    CHECK(!ns_inter_has(train, id_of(U, "a"), id_of(I, "x")));
    CHECK_EQ(ns_vocab_count(ns_inter_item_vocab(train), id_of(I, "x")), 1); /* training counts */
    ns_inter_free(train), ns_inter_free(test);

    /* Held-out lines against x: unknown users and items counted. */
    ns_inter *h = load_text("held.txt", "h\n1 2 3 4\na w 4 1\nq x 4 1\na v 5 1\n", &o, x, NS_OK, NULL);
    if (h) {
        ns_inter_stats_get(h, &st);
        CHECK_EQ(st.positives, 1);
        CHECK_EQ(st.unknown, 2);
        CHECK_EQ(ns_vocab_size(ns_inter_user_vocab(h)), 3);
    }
    ns_inter_free(h);
    load_text("held2.txt", "h\nq x 4 1\n", &o, x, NS_EEMPTY, "no positive left");

    /* k-core: users need 2 positives; b and d go, and with them w. */
    o.min_user = 2;
    ns_inter *k = load_text("inter.txt", text, &o, NULL, NS_OK, NULL);
    if (k) {
        ns_inter_stats_get(k, &st);
        CHECK_EQ(st.positives, 2);
        CHECK_EQ(st.cored, 2);
        CHECK_EQ(st.users, 1);
        CHECK_EQ(st.items, 2);
    }
    ns_inter_free(k);
    /* A cascade: z is rare, so u3 loses it and then has too few positives. */
    o.header = 0, o.min_weight = -INFINITY, o.min_user = 2, o.min_item = 2;
    k = load_text("cascade.txt", "u1 x\nu2 x\nu1 y\nu2 y\nu3 x\nu3 z\n", &o, NULL, NS_OK, NULL);
    if (k) {
        ns_inter_stats_get(k, &st);
        CHECK_EQ(st.positives, 4);
        CHECK_EQ(st.cored, 2);
        CHECK_EQ(st.users, 2);
        CHECK_EQ(st.users_dropped, 1);
    }
    ns_inter_free(k);
    ns_inter_free(x);

    /* Other columns and separators. */
    ns_inter_opts_default(&o);
    o.sep = ',', o.user_col = 2, o.item_col = 1, o.weight_col = 0, o.time_col = 3;
    x = load_text("cols.csv", "i1,u1,7\ni2,u1,3\ni1,u2,1\n", &o, NULL, NS_OK, NULL);
    if (x) {
        a = ns_inter_user(x, id_of(ns_inter_user_vocab(x), "u1"), &n);
        CHECK_EQ(n, 2);
        if (n == 2) CHECK_EQ(a[0], id_of(ns_inter_item_vocab(x), "i2"));
    }
    ns_inter_free(x);

    /* Sessions: one a line, items in order, comma separated here. */
    ns_inter_opts_default(&o);
    o.sessions = 1, o.sep = ',';
    x = load_text("sessions.txt", "a,b,c,d\n\nb,c,,d,e\n# x\nc\n", &o, NULL, NS_OK, NULL);
    if (x) {
        CHECK_EQ(ns_inter_count(x), 9);
        CHECK_EQ(ns_vocab_size(ns_inter_user_vocab(x)), 3);
        a = ns_inter_user(x, id_of(ns_inter_user_vocab(x), "s3"), &n);
        CHECK_EQ(n, 4);
        if (n == 4) CHECK(a[0] == id_of(ns_inter_item_vocab(x), "b") && a[3] == id_of(ns_inter_item_vocab(x), "e"));
    }
    ns_inter_free(x);

    ns_inter_opts_default(&o);
    load_text("bad1.txt", "a x\nb\n", &o, NULL, NS_EFORMAT, "bad1.txt:2: 1 field, expected a user in column 1");
    load_text("bad2.txt", "a x 4\nb x four\n", &o, NULL, NS_EFORMAT, "bad2.txt:2: weight 'four' (column 3) is not a number");
    load_text("bad3.txt", "a x 4 yesterday\n", &o, NULL, NS_EFORMAT, "bad3.txt:1: timestamp 'yesterday'");
    load_text("empty.txt", "# nothing\n\n", &o, NULL, NS_EEMPTY, "no 'user item' line");
    o.min_weight = 4;
    load_text("low.txt", "a x 1\nb y 3\n", &o, NULL, NS_EEMPTY, "2 under the weight threshold");
    o.min_weight = -INFINITY;
    x = load_text("single.txt", "a x\nb y\n", &o, NULL, NS_OK, NULL);
    if (x) {
        ns_inter *t1, *t2;
        ns_error e2 = {{0}};
        CHECK_EQ(ns_inter_split_last(x, &t1, &t2, &e2), NS_EEMPTY);
        CHECK_CONTAINS(e2.msg, "no user has two positives");
    }
    ns_inter_free(x);
}

/* Users in 5 groups of 20, items in 5 groups of 20: a user's training
 * positives are 15 random items of its group, its test positives the other
 * 5, so a model that learned the groups puts the test items first. */
static void planted(const char *train_path, const char *test_path) {
    FILE *tr = fopen(train_path, "w"), *te = fopen(test_path, "w");
    ns_rng r;
    ns__rng_seed(&r, 5, 0);
    for (int u = 0; u < 100; u++) {
        int g = u / 20, perm[20];
        for (int i = 0; i < 20; i++) perm[i] = i;
        for (int i = 19; i > 0; i--) {
            int j = (int)ns__rng_below(&r, (uint32_t)(i + 1)), t = perm[i];
            perm[i] = perm[j], perm[j] = t;
        }
        for (int i = 0; i < 20; i++) fprintf(i < 15 ? tr : te, "u%d\ti%d\t1\t%d\n", u, g * 20 + perm[i], i);
    }
    fclose(tr), fclose(te);
}

static ns_rec *train_rec(const char *train_path, ns_task task, ns_loss loss, int dns) {
    ns_inter_opts io;
    ns_inter_opts_default(&io);
    ns_inter *x;
    ns_error err = {{0}};
    if (ns_inter_load(&x, train_path, &io, NULL, &err) != NS_OK) {
        fprintf(stderr, "%s\n", err.msg);
        CHECK(0);
        return NULL;
    }
    ns_train_opts o;
    ns_train_opts_default(&o, task);
    o.loss = loss, o.dns = dns, o.dim = 16, o.epochs = task == NS_TASK_REC ? 40 : 30, o.threads = 1;
    o.ns_exponent = 0, o.l2 = task == NS_TASK_REC ? 0.02 : 0, o.lr = task == NS_TASK_REC ? 0.05 : 0.025;
    o.sample = 0, o.window = 15, o.max_trials = 50;
    ns_rec *rec = NULL;
    ns_status s = make_rec(&rec, x, &o, &err);
    if (s != NS_OK) fprintf(stderr, "training %s: %s\n", ns_loss_name(loss), err.msg);
    CHECK_EQ(s, NS_OK);
    return rec;
}

static ns_rec_report evaluate(const ns_rec *rec, const char *test_path) {
    ns_inter_opts io;
    ns_inter_opts_default(&io);
    ns_inter *t = NULL;
    ns_rec_report rep = {0};
    ns_error err = {{0}};
    int32_t ks[2] = {10, 20};
    CHECK_EQ(ns_inter_load(&t, test_path, &io, ns_rec_train_data(rec), &err), NS_OK);
    if (t) CHECK_EQ(ns_rec_eval(rec, t, ks, 2, &rep, &err), NS_OK);
    ns_inter_free(t);
    return rep;
}

static void recovery(void) {
    const char *train_path = tmp_path("planted.train"), *test_path = tmp_path("planted.test");
    planted(train_path, test_path);
    const struct {
        ns_task task;
        ns_loss loss;
        int dns;
        double min_ndcg;
    } runs[] = {{NS_TASK_REC, NS_LOSS_BPR, 1, 0.9},       {NS_TASK_REC, NS_LOSS_SGNS, 1, 0.9},
                {NS_TASK_REC, NS_LOSS_BPR, 4, 0.9},       {NS_TASK_REC, NS_LOSS_WARP, 1, 0.9},
                {NS_TASK_REC, NS_LOSS_SOFTMAX_SAMPLED, 1, 0.9}, {NS_TASK_REC, NS_LOSS_SOFTMAX, 1, 0.9},
                {NS_TASK_SKIPGRAM, NS_LOSS_SGNS, 1, 0.9}};
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        ns_rec *rec = train_rec(train_path, runs[i].task, runs[i].loss, runs[i].dns);
        if (!rec) continue;
        ns_rec_report rep = evaluate(rec, test_path);
        printf("planted, %s%s dns %d: NDCG@10 %.3f (popularity %.3f)\n", runs[i].task == NS_TASK_REC ? "mf " : "item2vec ",
               ns_loss_name(runs[i].loss), runs[i].dns, rep.model.ndcg[0], rep.popularity.ndcg[0]);
        CHECK_EQ(rep.users, 100);
        CHECK_EQ(rep.positives, 500);
        CHECK(rep.model.ndcg[0] > runs[i].min_ndcg);
        CHECK(rep.popularity.ndcg[0] < 0.3); /* popularity knows no groups */
        if (i == 0) {
            /* The model file: same scores, data and evaluation; refused by
             * ns_model_load; corruption detected. */
            const char *path = tmp_path("planted.model");
            ns_error err = {{0}};
            CHECK_EQ(ns_rec_save(rec, path, &err), NS_OK);
            ns_rec *back = NULL;
            CHECK_EQ(ns_rec_load(&back, path, &err), NS_OK);
            if (back) {
                float a[100], b[100];
                int same = 1;
                for (int32_t u = 0; u < 100; u += 7) {
                    ns_rec_scores(rec, u, a, NULL), ns_rec_scores(back, u, b, NULL);
                    same &= !memcmp(a, b, sizeof a);
                }
                CHECK(same);
                CHECK_EQ(ns_inter_count(ns_rec_train_data(back)), 1500);
                CHECK(ns_rec_test_data(back) == NULL);
                ns_rec_report r2 = evaluate(back, test_path);
                CHECK_NEAR(r2.model.ndcg[1], rep.model.ndcg[1], 0);
            }
            ns_rec_free(back);
            ns_model *m = NULL;
            CHECK_EQ(ns_model_load(&m, path, &err), NS_EFORMAT);
            CHECK_CONTAINS(err.msg, "recommender model");
            FILE *f = fopen(path, "r+b");
            fseek(f, -40, SEEK_END);
            fputc('#', f);
            fclose(f);
            CHECK_EQ(ns_rec_load(&back, path, &err), NS_EFORMAT);
            CHECK_CONTAINS(err.msg, "checksum");
            if (truncate(path, 3000) == 0) CHECK_EQ(ns_rec_load(&back, path, &err), NS_EFORMAT);
        }
        ns_rec_free(rec);
    }
}

/* Negatives: never a training positive; with alpha 0 uniform over the
 * others; DNS returns the best-scored of the draws it made. */
static void negatives(void) {
    const char *train_path = tmp_path("planted.train"), *test_path = tmp_path("planted.test");
    planted(train_path, test_path);
    ns_rec *rec = train_rec(train_path, NS_TASK_REC, NS_LOSS_BPR, 1);
    if (!rec) return;
    const ns_inter *x = ns_rec_train_data(rec);
    const ns_model *m = ns_rec_model(rec);
    const ns_kernels *k = ns__kernels_pick(NULL);
    ns_train_opts o = m->opts;
    o.ns_exponent = 0;
    ns_noise nz;
    ns_error err;
    CHECK_EQ(ns__noise_build(&nz, x->items, &o, &err), NS_OK);
    /* The bitset of training positives says what the binary search says
     * (odd users draw through it, even ones through the search; the DNS
     * replay below draws through the search). */
    ns__rec_known known = ns__rec_known_build(x);
    CHECK(known.bits != NULL);
    int64_t disagree = 0;
    for (int32_t u = 0; known.bits && u < ns_vocab_size(x->users); u++)
        for (int32_t i = 0; i < known.items; i++) {
            int64_t bit = (int64_t)u * known.items + i;
            disagree += (int)((known.bits[bit >> 6] >> (bit & 63)) & 1) != ns_inter_has(x, u, i);
        }
    CHECK_EQ(disagree, 0);
    ns_rng rng;
    ns__rng_seed(&rng, 3, 0);
    int64_t bad = 0, mismatch = 0, missing = 0;
    double worst_z = 0;
    for (int32_t u = 0; u < 100; u += 9) {
        const float *urow = ns__in_row(m, u);
        int64_t counts[100] = {0}, draws = 40000;
        for (int64_t t = 0; t < draws; t++) {
            int32_t j = -1;
            if (ns__rec_negatives(&nz, &rng, x, u % 2 ? &known : NULL, m, k, u, urow, 1, 1, &j) == 0) {
                missing++;
                continue;
            }
            bad += ns_inter_has(x, u, j);
            counts[j]++;
        }
        /* Uniform over the 85 items that are not u's positives. */
        double p = 1.0 / 85, sd = sqrt(draws * p * (1 - p));
        for (int32_t j = 0; j < 100; j++)
            if (!ns_inter_has(x, u, j)) {
                double z = fabs((double)counts[j] - draws * p) / sd;
                worst_z = z > worst_z ? z : worst_z;
            }
        /* DNS: replay the draws with a copy of the generator; three
         * negatives of four draws each, all scored in one call. */
        for (int t = 0; t < 2000; t++) {
            ns_rng copy = rng;
            int32_t got[3] = {-1, -1, -1};
            int n = ns__rec_negatives(&nz, &rng, x, &known, m, k, u, urow, 3, 4, got);
            mismatch += n != 3;
            for (int c = 0; c < 3; c++) {
                double best = -INFINITY, got_score = -INFINITY;
                for (int d = 0; d < 4; d++) {
                    int32_t j = ns__rec_draw(&nz, &copy, x, NULL, u);
                    if (j < 0) continue;
                    double s = 0;
                    for (int32_t e = 0; e < m->dim; e++) s += (double)urow[e] * ns__out_row(m, j)[e];
                    best = s > best ? s : best;
                    if (j == got[c]) got_score = s;
                }
                /* The best of its four draws (the kernel's rounding may
                 * order scores within 1e-5 of each other either way). */
                mismatch += got_score < best - 1e-5;
                bad += got[c] >= 0 && ns_inter_has(x, u, got[c]);
            }
        }
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(mismatch, 0);
    CHECK_EQ(missing, 0);
    CHECK(worst_z < 5);
    ns__noise_destroy(&nz);
    free(known.bits);
    ns_rec_free(rec);
}

/* Five users, items A..F scored 1..6 for everyone: the metrics worked out
 * by hand (see the comments), for the model and for popularity. */
static void metrics(void) {
    ns_inter_opts io;
    ns_inter_opts_default(&io);
    ns_inter *x = load_text("hand.train", "u1 A\nu2 B\nu2 C\nu3 A\nu3 B\nu3 C\nu4 F\nu5 D\nu5 E\n", &io, NULL, NS_OK, NULL);
    if (!x) return;
    ns_inter *t = load_text("hand.test", "u1 C\nu1 F\nu2 A\nu3 D\nu4 F\nu4 E\nu9 A\n", &io, x, NS_OK, NULL);
    ns_train_opts o;
    ns_train_opts_default(&o, NS_TASK_REC);
    o.dim = 1, o.epochs = 1, o.threads = 1;
    ns_rec *rec = NULL;
    ns_error err = {{0}};
    CHECK_EQ(make_rec(&rec, x, &o, &err), NS_OK);
    if (!rec || !t) {
        ns_inter_free(t), ns_rec_free(rec);
        return;
    }
    ns_model *m = (ns_model *)ns_rec_model(rec);
    const ns_vocab *U = ns_inter_user_vocab(ns_rec_train_data(rec)), *I = ns_inter_item_vocab(ns_rec_train_data(rec));
    for (int32_t u = 0; u < 5; u++) ns_model_row(m, 0, u)[0] = 1.0f;
    const char *names = "ABCDEF";
    for (int c = 0; c < 6; c++) ns_model_row(m, 1, id_of(I, (char[]){names[c], 0}))[0] = (float)(c + 1);
    int32_t ks[2] = {1, 3};
    ns_rec_report rep;
    CHECK_EQ(ns_rec_eval(rec, t, ks, 2, &rep, &err), NS_OK);
    CHECK_EQ(rep.users, 4);     /* u5 has no test positive */
    CHECK_EQ(rep.positives, 5);
    CHECK_EQ(rep.seen, 1);      /* u4's F */
    /* Model, order F E D C B A. u1 (train A): F=1, C=4; u2 (B, C): A=4;
     * u3 (A, B, C): D=3; u4 (F): E=1. */
    double l2_3 = 1 / log2(3.0), l2_4 = 0.5;
    CHECK_NEAR(rep.model.recall[0], (0.5 + 0 + 0 + 1) / 4, 1e-12);
    CHECK_NEAR(rep.model.recall[1], (0.5 + 0 + 1 + 1) / 4, 1e-12);
    CHECK_NEAR(rep.model.ndcg[0], (1 + 0 + 0 + 1) / 4.0, 1e-12);
    CHECK_NEAR(rep.model.ndcg[1], (1 / (1 + l2_3) + 0 + l2_4 + 1) / 4, 1e-12);
    CHECK_NEAR(rep.model.hr[0], 0.5, 1e-12);
    CHECK_NEAR(rep.model.hr[1], 0.75, 1e-12);
    CHECK_NEAR(rep.model.mrr, (1 + 0.25 + 1 / 3.0 + 1) / 4, 1e-12);
    /* Popularity, counts A B C 2, D E F 1; ties count half (rank = 1 +
     * above + level / 2). u1 (train A; B C D E F left): C = 1.5, F = 4;
     * u2 (A D E F left): A = 1; u3 (D E F left): D = 2; u4 (A..E left):
     * E = 4.5. */
    CHECK_NEAR(rep.popularity.recall[0], (0 + 1 + 0 + 0) / 4.0, 1e-12);
    CHECK_NEAR(rep.popularity.recall[1], (0.5 + 1 + 1 + 0) / 4, 1e-12);
    CHECK_NEAR(rep.popularity.ndcg[1], (1 / log2(2.5) / (1 + l2_3) + 1 + l2_3 + 0) / 4, 1e-12);
    CHECK_NEAR(rep.popularity.hr[1], 0.75, 1e-12);
    CHECK_NEAR(rep.popularity.mrr, (1 / 1.5 + 1 + 0.5 + 1 / 4.5) / 4, 1e-12);
    /* Recommendations leave out the user's training positives. */
    ns_hit hits[3];
    int32_t nh;
    ns_error rerr;
    CHECK_EQ(ns_rec_recommend(rec, id_of(U, "u1"), 3, hits, &nh, &rerr), NS_OK);
    CHECK_EQ(nh, 3);
    CHECK(hits[0].id == id_of(I, "F") && hits[1].id == id_of(I, "E") && hits[2].id == id_of(I, "D"));
    CHECK_EQ(ns_rec_recommend(rec, id_of(U, "u4"), 3, hits, &nh, &rerr), NS_OK);
    CHECK_EQ(nh, 3);
    CHECK(hits[0].id == id_of(I, "E"));
    float sc[6];
    CHECK_EQ(ns_rec_scores(rec, 5, sc, &rerr), NS_EINVAL); /* users 0..4 */
    CHECK_CONTAINS(rerr.msg, "user id 5 is not in 0..4");
    CHECK_EQ(ns_rec_recommend(rec, 5, 3, hits, &nh, &rerr), NS_EINVAL);
    CHECK_EQ(ns_rec_recommend(rec, 0, 0, hits, &nh, &rerr), NS_EINVAL);
    CHECK_CONTAINS(rerr.msg, "k must be >= 1");
    CHECK_EQ(ns_rec_recommend(rec, -1, 2, hits, &nh, &rerr), NS_OK);
    CHECK_EQ(nh, 2);
    CHECK(hits[0].id == id_of(I, "A") && hits[1].id == id_of(I, "B"));
    ns_inter_free(t);
    ns_rec_free(rec);
}

int main(void) {
    reading();
    metrics();
    negatives();
    recovery();
    return check_exit("test_rec");
}
