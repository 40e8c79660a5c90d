/*
 * What SGNS learns (Levy & Goldberg 2014): trained on a generated corpus
 * with known co-occurrence structure (sentences from a mixture of topics),
 * the learned u.v sits at PMI - ln k for noise alpha = 1, for k in
 * {1, 5, 15}, and follows PMI closely; with alpha = 0.75 the offset is the
 * smoothed shift log(P(y)/Pn(y)) - ln k the report predicts.
 */
#include "check.h"
#include "core/core.h"

#define V 40
#define TOPICS 4

static void generate(const char *path) {
    FILE *f = fopen(path, "w");
    if (!f) exit(1);
    double cum[TOPICS][V];
    for (int t = 0; t < TOPICS; t++) {
        double sum = 0;
        for (int w = 0; w < V; w++) cum[t][w] = sum += (w % TOPICS == t ? 6.0 : 1.0) / (w + 5);
        for (int w = 0; w < V; w++) cum[t][w] /= sum;
    }
    ns_rng r;
    ns__rng_seed(&r, 42, 0);
    for (int s = 0; s < 15000; s++) {
        int t = (int)ns__rng_below(&r, TOPICS);
        for (int i = 0; i < 20; i++) {
            double u = ns__rng_float(&r);
            int w = 0;
            while (w < V - 1 && cum[t][w] < u) w++;
            fprintf(f, "w%d%c", w, i == 19 ? '\n' : ' ');
        }
    }
    fclose(f);
}

static ns_pmi_report train_and_compare(const ns_corpus *c, int k, double alpha) {
    ns_train_opts o;
    ns_train_opts_default(&o, NS_TASK_SKIPGRAM);
    o.dim = V, o.window = 2, o.sample = 0, o.neg = k, o.ns_exponent = alpha, o.threads = 1, o.epochs = 10;
    ns_model *m;
    ns_error err;
    ns_pmi_report rep = {0};
    CHECK_EQ(ns_model_create(&m, ns_corpus_vocab(c), &o, &err), NS_OK);
    CHECK_EQ(ns_train_words(m, c, NULL, &o, NULL, &err), NS_OK);
    CHECK_EQ(ns_pmi_compare(m, c, 1000, 2, 50, &rep, &err), NS_OK);
    printf("k %2d alpha %.2f: %lld pairs, pearson %.3f, spearman %.3f, mean u.v - PMI %+.3f (median %+.3f), "
           "predicted %+.3f, residual mean %+.3f median %+.3f\n",
           k, alpha, (long long)rep.n_pairs, rep.pearson, rep.spearman, rep.mean_offset, rep.median_offset,
           rep.mean_shift, rep.mean_residual, rep.median_residual);
    ns_model_free(m);
    return rep;
}

int main(void) {
    const char *path = tmp_path("pmi.txt");
    generate(path);
    ns_corpus_opts co;
    ns_corpus_opts_default(&co);
    co.min_count = 1;
    ns_corpus *c;
    ns_error err;
    CHECK_EQ(ns_corpus_load(&c, path, &co, NULL, &err), NS_OK);
    CHECK_EQ(ns_vocab_size(ns_corpus_vocab(c)), V);
    const int ks[3] = {1, 5, 15};
    for (int i = 0; i < 3; i++) {
        ns_pmi_report rep = train_and_compare(c, ks[i], 1.0);
        CHECK(rep.n_pairs > 1500); /* of 1600: nearly every pair counted 50 times */
        CHECK_NEAR(rep.mean_shift, -log(ks[i]), 0.01); /* alpha = 1: Pn = P */
        /* Measured within 0.013 of -ln k (and the median likewise). */
        CHECK_NEAR(rep.mean_offset, -log(ks[i]), 0.05);
        CHECK_NEAR(rep.median_offset, -log(ks[i]), 0.05);
        CHECK(rep.pearson > 0.95);
        ns_pmi_report_free(&rep);
    }
    /* alpha = 0.75: not -ln k (measured -1.702 against -1.609) but the
     * smoothed shift (-1.695). */
    ns_pmi_report rep = train_and_compare(c, 5, 0.75);
    CHECK(fabs(rep.mean_offset + log(5)) > 0.05);
    CHECK_NEAR(rep.mean_residual, 0, 0.03);
    ns_pmi_report_free(&rep);
    ns_corpus_free(c);
    return check_exit("test_pmi");
}
