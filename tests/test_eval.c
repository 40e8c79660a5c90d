/*
 * Evaluation: Spearman with ties against hand-computed values, nearest
 * neighbours, analogies (3CosAdd, 3CosMul) on planted vectors, and the
 * analogy and similarity file readers; the one ranking rule (eval/rank.h)
 * against its definition counted by brute force, on scores full of ties
 * and left-out (NaN) candidates, and the list metrics by hand.
 */
#include "check.h"
#include "negsamp.h"
#include "eval/emb.h"
#include "eval/rank.h"

/* The definition: 1 + #above + #(other level) / 2 over non-NaN scores. */
static double brute_rank(const float *s, int32_t n, int32_t t) {
    if (isnan(s[t])) return n;
    double r = 1;
    for (int32_t j = 0; j < n; j++)
        if (j != t) r += s[j] > s[t] ? 1.0 : s[j] == s[t] ? 0.5 : 0.0;
    return r;
}

static void ranking(void) {
    uint64_t x = 12345;
    int worst = 0;
    for (int trial = 0; trial < 200; trial++) {
        float s[40];
        int32_t n = 1 + trial % 40, t[40], nt = 0;
        for (int32_t j = 0; j < n; j++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            int v = (int)(x >> 60); /* 0..15: many ties */
            s[j] = v == 0 ? NAN : v == 1 ? -INFINITY : (float)(v % 5);
        }
        for (int32_t j = n - 1; j >= 0; j--) /* every third non-NaN item a target, in falling id order */
            if (!isnan(s[j]) && j % 3 == trial % 3) t[nt++] = j;
        for (int32_t j = 0; j < n; j++)
            if (fabs(ns__rank_one(s, n, j) - brute_rank(s, n, j)) > 0) worst = 1;
        double ranks[40];
        int64_t scratch[2 * 41];
        ns__rank_many(s, n, t, nt, scratch, ranks);
        for (int32_t a = 0; a < nt; a++) {
            if (ranks[a] != brute_rank(s, n, t[a])) worst = 1;
            if (a > 0 && (ranks[a] < ranks[a - 1] || s[t[a]] > s[t[a - 1]])) worst = 1;
        }
    }
    CHECK_EQ(worst, 0);
    /* All alike: the middle; a NaN target: the worst. */
    float same[5] = {2, 2, 2, 2, 2}, with_nan[3] = {NAN, 1, 0};
    CHECK_NEAR(ns__rank_one(same, 5, 3), 3.0, 0);
    CHECK_NEAR(ns__rank_one(with_nan, 3, 0), 3.0, 0);
    CHECK_NEAR(ns__rank_one(with_nan, 3, 2), 2.0, 0); /* the NaN is left out */
    /* Sums and list metrics. */
    int32_t ks[2] = {1, 3};
    ns__rank_sums sums;
    ns__rank_sums_init(&sums, ks, 2);
    ns__rank_sums_add(&sums, 1), ns__rank_sums_add(&sums, 2.5), ns__rank_sums_add(&sums, 4);
    CHECK_EQ(sums.n, 3);
    CHECK_NEAR(sums.rank, 7.5, 1e-12);
    CHECK_NEAR(sums.rr, 1 + 0.4 + 0.25, 1e-12);
    CHECK(sums.hits[0] == 1 && sums.hits[1] == 2);
    double lr[3] = {1.5, 2, 7}, recall, ndcg;
    int hit;
    ns__rank_list(lr, 3, 3, &recall, &ndcg, &hit);
    CHECK_NEAR(recall, 2 / 3.0, 1e-12);
    CHECK_NEAR(ndcg, (1 / log2(2.5) + 1 / log2(3.0)) / (1 + 1 / log2(3.0) + 0.5), 1e-12);
    CHECK_EQ(hit, 1);
    ns__rank_list(lr, 3, 1, &recall, &ndcg, &hit);
    CHECK(recall == 0 && ndcg == 0 && hit == 0);
}

int main(void) {
    ranking();
    /* Spearman: x ranks 1 2 3 4, y ranks 1.5 1.5 3 4 -> rho = 0.9486833 */
    double x[] = {1, 2, 3, 4}, y[] = {5, 5, 7, 9}, rho;
    CHECK_EQ(ns_spearman(x, y, 4, &rho, NULL), NS_OK);
    CHECK_NEAR(rho, 0.9486833, 1e-6);
    double z[] = {4, 3, 2, 1};
    CHECK_EQ(ns_spearman(x, z, 4, &rho, NULL), NS_OK);
    CHECK_NEAR(rho, -1.0, 1e-12);
    double c[] = {1, 1, 1, 1};
    CHECK_EQ(ns_spearman(x, c, 4, &rho, NULL), NS_OK);
    CHECK(isnan(rho));
    CHECK_EQ(ns_pearson(x, y, 4, &rho, NULL), NS_OK);
    CHECK_NEAR(rho, 0.9438798, 1e-6);

    /* Vectors where king - man + woman = queen by construction
     * (dims: royal, male, female, fruit, young). */
    const char *vec =
        "7 5\n"
        "king 1 1 0 0 0\nqueen 1 0 1 0 0\nman 0 1 0 0.1 0\nwoman 0 0 1 0.1 0\n"
        "apple 0 0 0 1 0\nprince 1 1 0 0 1\nprincess 1 0 1 0 1\n";
    const char *p = tmp_path("eval.vec");
    write_file(p, vec, strlen(vec));
    ns_emb *e;
    ns_error err;
    CHECK_EQ(ns_emb_load(&e, p, &err), NS_OK);
    int32_t king = ns_emb_find(e, "king"), man = ns_emb_find(e, "man"), woman = ns_emb_find(e, "woman");
    ns_hit h[3];
    int32_t nh;
    CHECK_EQ(ns_emb_nearest(e, ns_emb_row(e, king), 2, &king, 1, h, &nh, &err), NS_OK);
    CHECK_EQ(nh, 2);
    CHECK(strcmp(ns_emb_word(e, h[0].id), "prince") == 0);
    CHECK(h[0].score >= h[1].score);
    CHECK_EQ(ns_emb_analogy(e, man, king, woman, NS_ANALOGY_ADD, 0, 1, h, &nh, &err), NS_OK);
    CHECK_EQ(nh, 1);
    CHECK(strcmp(ns_emb_word(e, h[0].id), "queen") == 0);
    CHECK_EQ(ns_emb_analogy(e, man, king, woman, NS_ANALOGY_MUL, 0, 1, h, &nh, &err), NS_OK);
    CHECK_EQ(nh, 1);
    CHECK(strcmp(ns_emb_word(e, h[0].id), "queen") == 0);
    /* Bad arguments are errors with a message, not a count of 0 or -1. */
    CHECK_EQ(ns_emb_nearest(e, ns_emb_row(e, king), 0, NULL, 0, h, &nh, &err), NS_EINVAL);
    CHECK_CONTAINS(err.msg, "k must be >= 1");
    CHECK_EQ(ns_emb_analogy(e, man, 99, woman, NS_ANALOGY_ADD, 0, 1, h, &nh, &err), NS_EINVAL);
    CHECK_CONTAINS(err.msg, "word ids");

    /* Analogy file: 3 questions, one with an unknown word, one outside restrict. */
    const char *q =
        ": royalty\nMan King Woman Queen\nman king woman unicorn\n"
        ": gram-fake\nman prince woman princess\n";
    const char *qp = tmp_path("eval_questions.txt");
    write_file(qp, q, strlen(q));
    ns_analogy_report r;
    CHECK_EQ(ns_eval_analogy(e, qp, 0, 0, &r, &err), NS_OK);
    CHECK_EQ(r.n_sections, 2);
    CHECK_EQ(r.total.questions, 3);
    CHECK_EQ(r.total.covered, 2);
    CHECK_EQ(r.total.correct_add, 2);
    CHECK_EQ(r.semantic.covered, 1);
    CHECK_EQ(r.syntactic.covered, 1);
    ns_analogy_report_free(&r);
    /* Without the similarity cache (rows computed per question): same result. */
    CHECK_EQ(ns__eval_analogy(e, qp, 0, 0, 0.0, &r, &err), NS_OK);
    CHECK_EQ(r.total.covered, 2);
    CHECK_EQ(r.total.correct_add, 2);
    CHECK_EQ(r.total.correct_mul, 2);
    ns_analogy_report_free(&r);
    CHECK_EQ(ns_eval_analogy(e, qp, 4, 1, &r, &err), NS_OK); /* case-sensitive, first 4 words */
    CHECK_EQ(r.total.covered, 0);
    ns_analogy_report_free(&r);
    write_file(qp, "a b c\n", 6);
    CHECK_EQ(ns_eval_analogy(e, qp, 0, 0, &r, &err), NS_EFORMAT);
    CHECK_CONTAINS(err.msg, "eval_questions.txt:1: expected 4 words, found 3");

    /* Similarity file: header, CRLF, comma separated, one unknown word. */
    const char *s =
        "Word 1,Word 2,Human (mean)\r\nking,queen,8\r\nking,prince,9\r\nking,apple,1\r\n"
        "man,unicorn,3\r\nwoman,princess,7\r\n";
    const char *sp = tmp_path("eval_sim.csv");
    write_file(sp, s, strlen(s));
    ns_similarity_report sr;
    CHECK_EQ(ns_eval_similarity(e, sp, 0, &sr, &err), NS_OK);
    CHECK_EQ(sr.pairs, 5);
    CHECK_EQ(sr.covered, 4);
    CHECK(sr.spearman > 0.7);
    write_file(sp, "king queen 8\nking queen x\n", 26);
    CHECK_EQ(ns_eval_similarity(e, sp, 0, &sr, &err), NS_EFORMAT);
    CHECK_CONTAINS(err.msg, "eval_sim.csv:2:");
    ns_emb_free(e);
    return check_exit("test_eval");
}
