/* Model creation (word2vec initialisation) and growth for continued training. */
#include "check.h"
#include "data/vocab.h"
#include "model/model.h"

int main(void) {
    ns_vocab *v;
    ns_vocab_create(&v, NULL);
    ns_vocab_add(v, "a", 1, 5, NULL, NULL);
    ns_vocab_add(v, "b", 1, 3, NULL, NULL);
    ns_train_opts o;
    ns_train_opts_default(&o, NS_TASK_SKIPGRAM);
    o.dim = 20;
    ns_model *m;
    ns_error err;
    CHECK_EQ(ns_model_create(&m, v, &o, &err), NS_OK);
    CHECK_EQ(m->klen, 24);
    CHECK_EQ(m->stride, 32);
    for (int r = 0; r < 2; r++) {
        float *in = ns_model_row(m, 0, r), *out = ns_model_row(m, 1, r);
        double s = 0;
        for (int k = 0; k < 20; k++) {
            CHECK(fabsf(in[k]) <= 0.5f / 20);
            CHECK(out[k] == 0.0f);
            s += fabsf(in[k]);
        }
        CHECK(s > 0);
        for (int k = 20; k < 32; k++) CHECK(in[k] == 0.0f);
    }
    CHECK(ns_model_row(m, 0, 2) == NULL);
    float keep[20];
    memcpy(keep, ns_model_row(m, 0, 1), sizeof keep);
    ns_model_row(m, 1, 1)[3] = 7.0f;
    /* Grow by one word; old rows unchanged, the new one initialised. */
    ns_vocab_add(v, "c", 1, 1, NULL, NULL);
    CHECK_EQ(ns_model_extend(m, v, &err), NS_OK);
    CHECK_EQ(ns_vocab_size(ns_model_vocab(m)), 3);
    CHECK(memcmp(keep, ns_model_row(m, 0, 1), sizeof keep) == 0);
    CHECK(ns_model_row(m, 1, 1)[3] == 7.0f);
    CHECK(ns_model_row(m, 0, 2)[0] != 0.0f);
    /* A vocabulary that reorders the model's words is refused. */
    ns_vocab *w;
    ns_vocab_create(&w, NULL);
    ns_vocab_add(w, "b", 1, 1, NULL, NULL);
    ns_vocab_add(w, "a", 1, 1, NULL, NULL);
    ns_vocab_add(w, "c", 1, 1, NULL, NULL);
    CHECK_EQ(ns_model_extend(m, w, &err), NS_EINVAL);
    CHECK_CONTAINS(err.msg, "differs");
    /* A text over the same number of words in another order is refused by
     * everything that pairs a corpus with a word model. */
    const char *path = tmp_path("model_reordered.txt");
    write_file(path, "c c c b b a\n", 12);
    ns_corpus_opts co;
    ns_corpus_opts_default(&co);
    co.min_count = 1;
    ns_corpus *c;
    CHECK_EQ(ns_corpus_load(&c, path, &co, NULL, &err), NS_OK);
    CHECK_EQ(ns_vocab_size(ns_corpus_vocab(c)), 3);
    ns_loglik_report lr;
    ns_pmi_report pr;
    CHECK_EQ(ns_train_words(m, c, NULL, &o, NULL, &err), NS_EINVAL);
    CHECK_CONTAINS(err.msg, "corpus vocabulary differs from the model's at id 0");
    CHECK_EQ(ns_eval_loglik(m, c, 2, &lr, &err), NS_EINVAL);
    CHECK_CONTAINS(err.msg, "differs from the model's at id 0");
    CHECK_EQ(ns_pmi_compare(m, c, 10, 2, 1, &pr, &err), NS_EINVAL);
    CHECK_CONTAINS(err.msg, "differs from the model's at id 0");
    ns_corpus_free(c);
    /* Biases start at -ln k, for new words too. */
    ns_model *mb;
    o.bias = 1;
    o.neg = 7;
    CHECK_EQ(ns_model_create(&mb, v, &o, &err), NS_OK);
    CHECK(mb->bias != NULL);
    CHECK_NEAR(mb->bias[2], -log(7.0), 1e-6);
    mb->bias[0] = 3.0f;
    ns_vocab_add(v, "d", 1, 1, NULL, NULL);
    CHECK_EQ(ns_model_extend(mb, v, &err), NS_OK);
    CHECK_NEAR(mb->bias[0], 3.0, 0);
    CHECK_NEAR(mb->bias[3], -log(7.0), 1e-6);
    ns_model_free(mb);
    o.bias = 0;
    /* Options out of range are named. */
    o.dim = 0;
    CHECK_EQ(ns_model_create(&m, v, &o, &err), NS_EINVAL);
    CHECK_CONTAINS(err.msg, "dim");
    ns_vocab_free(w);
    ns_vocab_free(v);
    ns_model_free(m);
    ns_model_free(NULL);
    return check_exit("test_model");
}
