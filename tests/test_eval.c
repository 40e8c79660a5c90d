/*
 * Evaluation: Spearman with ties against hand-computed values, nearest
 * neighbours, analogies (3CosAdd, 3CosMul) on planted vectors, and the
 * analogy and similarity file readers.
 */
#include "check.h"
#include "negsamp.h"
#include "eval/emb.h"

int main(void) {
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
