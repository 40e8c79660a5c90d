/*
 * Sampling: alias-table frequencies against count^alpha (chi-square),
 * subsampling keep probabilities and the shrunk-window distribution against
 * their formulas, using the same helpers the trainer calls.
 */
#include "check.h"
#include "sample/sample.h"
#include "data/vocab.h"

/* Chi-square statistic of observed counts vs expected probabilities. */
static double chi2(const long *obs, const double *p, int n, long draws) {
    double x = 0;
    for (int i = 0; i < n; i++) {
        double e = p[i] * (double)draws;
        if (e > 0) x += (obs[i] - e) * (obs[i] - e) / e;
    }
    return x;
}

static void alias_matches(double alpha) {
    enum { N = 50 };
    int64_t counts[N];
    for (int i = 0; i < N; i++) counts[i] = 100000 / (i + 1) + (i % 7); /* Zipf-like */
    counts[N - 1] = 0;                                                  /* never drawn */
    double w[N], p[N], sum = 0;
    for (int i = 0; i < N; i++) w[i] = ns__noise_weight(counts[i], alpha);
    for (int i = 0; i < N; i++) sum += w[i];
    for (int i = 0; i < N; i++) p[i] = w[i] / sum;
    CHECK_NEAR(w[0], pow(100000.0, alpha), 1e-6 * w[0]);
    ns_alias a;
    CHECK_EQ(ns__alias_init(&a, w, N, NULL), NS_OK);
    ns_rng r;
    ns__rng_seed(&r, 3, (uint64_t)(alpha * 100));
    long obs[N] = {0}, draws = 2000000;
    for (long d = 0; d < draws; d++) obs[ns__alias_draw(&a, &r)]++;
    CHECK_EQ(obs[N - 1], 0);
    /* 48 degrees of freedom (49 drawable outcomes); 99.9th percentile 84.0. */
    double x = chi2(obs, p, N, draws);
    printf("alias alpha=%.2f: chi2 = %.1f (df 48, critical 84.0 at p=0.001)\n", alpha, x);
    CHECK(x < 84.0);
    ns__alias_destroy(&a);
}

static void alias_rejects_bad_weights(void) {
    ns_alias a;
    double zero[3] = {0, 0, 0}, neg[2] = {1, -1};
    CHECK_EQ(ns__alias_init(&a, zero, 3, NULL), NS_EINVAL);
    CHECK_EQ(ns__alias_init(&a, neg, 2, NULL), NS_EINVAL);
    CHECK_EQ(ns__alias_init(&a, zero, 0, NULL), NS_EINVAL);
}

static void keep_probability(void) {
    /* word2vec: p = (sqrt(f / (tN)) + 1) * tN / f, capped at 1. */
    int64_t total = 1000000;
    double t = 1e-4, tn = t * (double)total;
    int64_t cs[] = {1, 50, 100, 1000, 50000, 200000};
    for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++) {
        double f = (double)cs[i], want = (sqrt(f / tn) + 1) * tn / f;
        if (want > 1) want = 1;
        CHECK_NEAR(ns__keep_prob(cs[i], total, t), want, 1e-12);
    }
    CHECK_NEAR(ns__keep_prob(200000, total, 0), 1.0, 0);
    /* Empirical keep rate of the trainer's draw for the frequent word. */
    double p = ns__keep_prob(200000, total, t);
    uint32_t th = ns__keep_threshold(p);
    ns_rng r;
    ns__rng_seed(&r, 5, 0);
    long kept = 0, n = 1000000;
    for (long i = 0; i < n; i++) kept += ns__keep_draw(&r, th);
    double se = sqrt(p * (1 - p) / (double)n);
    CHECK_NEAR((double)kept / (double)n, p, 5 * se);
    CHECK(ns__keep_threshold(1.0) == UINT32_MAX);
    CHECK(ns__keep_threshold(0.0) == 0);
}

static void window_shrink(void) {
    for (int W = 1; W <= 10; W += 3) {
        long obs[11] = {0}, n = 500000;
        ns_rng r;
        ns__rng_seed(&r, 11, (uint64_t)W);
        for (long i = 0; i < n; i++) {
            int b = ns__window_draw(&r, W);
            CHECK(b >= 1 && b <= W);
            if (b >= 1 && b <= W) obs[b - 1]++;
        }
        double p[11];
        for (int i = 0; i < W; i++) p[i] = 1.0 / W;
        double x = chi2(obs, p, W, n);
        /* critical values at p=0.001 for df = W-1: 0 -> any, 3 -> 16.3, 6 -> 22.5, 9 -> 27.9 */
        double crit = W == 1 ? 1e-9 : W == 4 ? 16.27 : W == 7 ? 22.46 : 27.88;
        CHECK(x <= crit);
        /* The weight eval-ll and pmi give a pair at distance d is the share
         * of draws whose window reaches it (within 5 standard errors). */
        long reach = 0;
        for (int d = 1; d <= W; d++) {
            reach = 0;
            for (int b = d; b <= W; b++) reach += obs[b - 1];
            double w = ns__window_weight(W, d);
            CHECK_NEAR((double)reach / n, w, 5 * sqrt(w * (1 - w) / n) + 1e-12);
        }
    }
}

/* The training noise: user weights, exclusions, the NCE shift. */
static void noise_module(void) {
    ns_vocab *v;
    ns_vocab_create(&v, NULL);
    const char *words[] = {"a", "b", "c", "d"};
    for (int i = 0; i < 4; i++) ns_vocab_add(v, words[i], 1, 100 - i, NULL, NULL);
    const char *path = tmp_path("noise_weights.txt");
    const char *text = "# weights\na 1\r\nc 3\nzz 5\nd 0\n";
    write_file(path, text, strlen(text));
    double *w;
    int64_t unknown;
    ns_error err;
    CHECK_EQ(ns_noise_weights_load(v, path, &w, &unknown, &err), NS_OK);
    CHECK_EQ(unknown, 1);
    CHECK_NEAR(w[0], 1, 0);
    CHECK_NEAR(w[1], 0, 0);
    CHECK_NEAR(w[2], 3, 0);
    ns_train_opts o;
    ns_train_opts_default(&o, NS_TASK_SKIPGRAM);
    o.noise_weights = w;
    o.loss = NS_LOSS_NCE;
    o.neg = 4;
    ns_noise nz;
    CHECK_EQ(ns__noise_build(&nz, v, &o, &err), NS_OK);
    CHECK_NEAR(nz.shift[2], log(4 * 0.75), 1e-6); /* log(k Pn(c)) */
    ns_rng r;
    ns__rng_seed(&r, 8, 0);
    long obs[4] = {0}, n = 400000;
    int32_t out[4];
    for (long d = 0; d < n; d += 4) {
        int got = ns__noise_draw(&nz, &r, 4, NULL, 0, out);
        CHECK_EQ(got, 4);
        for (int j = 0; j < got; j++) obs[out[j]]++;
    }
    CHECK_EQ(obs[1] + obs[3], 0); /* weight 0: never drawn */
    double p[4] = {0.25, 0, 0.75, 0};
    CHECK(chi2(obs, p, 4, n) < 10.83); /* df 1, p = 0.001 */
    /* Excluded ids never come out; with everything excluded nothing does. */
    int32_t ex[1] = {2};
    for (int d = 0; d < 1000; d++) {
        int got = ns__noise_draw(&nz, &r, 4, ex, 1, out);
        for (int j = 0; j < got; j++) CHECK(out[j] == 0);
    }
    int32_t all[2] = {0, 2};
    CHECK_EQ(ns__noise_draw(&nz, &r, 4, all, 2, out), 0);
    ns__noise_destroy(&nz);
    free(w);
    /* Bad files. */
    write_file(path, "a 1\nb -2\n", strlen("a 1\nb -2\n"));
    CHECK_EQ(ns_noise_weights_load(v, path, &w, &unknown, &err), NS_EFORMAT);
    CHECK_CONTAINS(err.msg, "noise_weights.txt:2: expected 'token weight'");
    /* Line numbers count the comment, blank and whitespace-only lines skipped. */
    write_file(path, "a 1\n# c\n\n \t\nb -2\n", strlen("a 1\n# c\n\n \t\nb -2\n"));
    CHECK_EQ(ns_noise_weights_load(v, path, &w, &unknown, &err), NS_EFORMAT);
    CHECK_CONTAINS(err.msg, "noise_weights.txt:5: expected 'token weight'");
    write_file(path, "zz 1\nb 0\n", strlen("zz 1\nb 0\n"));
    CHECK_EQ(ns_noise_weights_load(v, path, &w, &unknown, &err), NS_EINVAL);
    CHECK_CONTAINS(err.msg, "no word of the vocabulary has a positive weight");
    ns_vocab_free(v);
}

/* False negatives: the simulated fraction of negatives in the positive's
 * class agrees with the formula, for balanced classes under uniform noise
 * (1/C less the never-the-positive correction), Zipf-weighted items whose
 * frequent ones share a class under count^0.75 noise, and in-batch. */
static void false_negatives(void) {
    const char *bal = tmp_path("fn_balanced.txt"), *zipf = tmp_path("fn_zipf.txt");
    FILE *fb = fopen(bal, "w"), *fz = fopen(zipf, "w");
    if (!fb || !fz) exit(1);
    fprintf(fb, "# item class\n");
    for (int i = 0; i < 1000; i++) {
        fprintf(fb, "item%d c%d\n", i, i % 10);
        if (i < 50) fprintf(fz, "item%d\thead\t%g\n", i, 1.0 / (i + 1)); /* the frequent items: one class */
        else fprintf(fz, "item%d\tc%d\t%g\n", i, i % 7, 1.0 / (i + 1));
    }
    fclose(fb), fclose(fz);
    ns_fn_opts o;
    ns_fn_opts_default(&o);
    ns_fn_report rep;
    ns_error err;
    CHECK_EQ(ns_false_negatives(bal, &o, &rep, &err), NS_OK);
    CHECK_EQ(rep.items, 1000);
    CHECK_EQ(rep.classes, 10);
    CHECK_NEAR(rep.expected, (0.1 - 0.001) / (1 - 0.001), 1e-12);
    CHECK_NEAR(rep.simulated, rep.expected, 4 * rep.std_error);
    CHECK(rep.std_error < 0.001);
    o.alpha = 0.75;
    CHECK_EQ(ns_false_negatives(zipf, &o, &rep, &err), NS_OK);
    CHECK_EQ(rep.classes, 8);
    CHECK(rep.expected > 2.0 / 8); /* the head class dominates: far from 1/C */
    CHECK_NEAR(rep.simulated, rep.expected, 4 * rep.std_error);
    o.sampler = NS_FN_INBATCH, o.batch = 64;
    CHECK_EQ(ns_false_negatives(zipf, &o, &rep, &err), NS_OK);
    CHECK_NEAR(rep.simulated, rep.expected, 4 * rep.std_error);
    printf("false negatives, in-batch over Zipf items, 8 classes: expected %.5f, simulated %.5f +- %.5f\n",
           rep.expected, rep.simulated, rep.std_error);
    const char *bad = tmp_path("fn_bad.txt");
    write_file(bad, "a x\nb y 0\n", 10);
    CHECK_EQ(ns_false_negatives(bad, &o, &rep, &err), NS_EFORMAT);
    CHECK(strstr(err.msg, "fn_bad.txt:2: expected 'item class [weight]'") != NULL);
    write_file(bad, "a x\na y\n", 8);
    CHECK_EQ(ns_false_negatives(bad, &o, &rep, &err), NS_EFORMAT);
    CHECK(strstr(err.msg, "fn_bad.txt:2: item 'a' listed twice") != NULL);
    o.trials = 5;
    CHECK_EQ(ns_false_negatives(zipf, &o, &rep, &err), NS_EINVAL);
    /* Noise that can only draw the positive ends with a message (it used to
     * loop for ever), and weights^alpha that overflow are refused. */
    write_file(bad, "a x 1\nb y 1e-40\n", 16);
    o.trials = 1000, o.sampler = NS_FN_NOISE, o.alpha = 10;
    CHECK_EQ(ns_false_negatives(bad, &o, &rep, &err), NS_EEMPTY);
    CHECK(strstr(err.msg, "no negative drawn") != NULL);
    o.alpha = -10;
    CHECK_EQ(ns_false_negatives(bad, &o, &rep, &err), NS_EINVAL);
    CHECK(strstr(err.msg, "overflow") != NULL);
}

int main(void) {
    false_negatives();
    noise_module();
    alias_matches(0.0);
    alias_matches(0.75);
    alias_matches(1.0);
    alias_rejects_bad_weights();
    keep_probability();
    window_shrink();
    return check_exit("test_sampler");
}
