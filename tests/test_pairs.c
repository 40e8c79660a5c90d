/*
 * Pair data and pair models: parsing (ids, explicit negatives, min-count,
 * shared vocabulary, bad lines named by file and line), models with a
 * separate right vocabulary through a save/load round trip, loading
 * held-out pairs against a model, the ranking metrics on a model whose
 * scores are set by hand, InfoNCE's merging of repeated right items, and
 * the passes -epochs auto makes of a data set's size.
 */
#include "check.h"
#include "tasks/pairs/pairs.h"
#include "model/model.h"

static const char *word(const ns_vocab *v, int32_t id) { return id >= 0 ? ns_vocab_word(v, id) : "?"; }

/* Pair i as "left>right/neg/neg". */
static const char *show(const ns_pairs *p, int64_t i) {
    static char buf[256];
    int32_t l, r;
    const int32_t *negs;
    int32_t nn = ns_pairs_get(p, i, &l, &r, &negs);
    int n = snprintf(buf, sizeof buf, "%s>%s", word(ns_pairs_left_vocab(p), l), word(ns_pairs_right_vocab(p), r));
    for (int32_t j = 0; j < nn; j++) n += snprintf(buf + n, sizeof buf - (size_t)n, "/%s", word(ns_pairs_right_vocab(p), negs[j]));
    return buf;
}

static int64_t count_of(const ns_vocab *v, const char *w) {
    int32_t id = ns_vocab_find(v, w, strlen(w));
    return id < 0 ? -1 : ns_vocab_count(v, id);
}

static const char data[] = "# users and items\n"
                           "a\tx\ty\n"
                           "b\tx\r\n"
                           "\n"
                           "a\tz\tq\tx\n"
                           "c\tw";

static void parsing(void) {
    const char *path = tmp_path("pairs.tsv");
    write_file(path, data, sizeof data - 1);
    ns_pairs_opts o;
    ns_pairs_opts_default(&o);
    ns_pairs *p;
    ns_error err;
    CHECK_EQ(ns_pairs_load(&p, path, &o, NULL, &err), NS_OK);
    CHECK_EQ(ns_pairs_count(p), 4);
    CHECK(!strcmp(show(p, 0), "a>x/y"));
    CHECK(!strcmp(show(p, 1), "b>x"));
    CHECK(!strcmp(show(p, 2), "a>z/q/x"));
    CHECK(!strcmp(show(p, 3), "c>w"));
    const ns_vocab *l = ns_pairs_left_vocab(p), *r = ns_pairs_right_vocab(p);
    CHECK(l != r);
    CHECK_EQ(ns_vocab_size(l), 3);
    CHECK_EQ(ns_vocab_size(r), 5);
    CHECK(!strcmp(ns_vocab_word(l, 0), "a") && !strcmp(ns_vocab_word(r, 0), "x")); /* by count */
    CHECK_EQ(count_of(l, "a"), 2);
    CHECK_EQ(count_of(r, "x"), 2);
    CHECK_EQ(count_of(r, "q"), 0); /* only an explicit negative: a row, never noise */
    CHECK_EQ(count_of(r, "a"), -1);
    ns_pairs_free(p);

    /* min-count 2: b, c, z, w go, and the pairs that need them. */
    o.min_count = 2;
    CHECK_EQ(ns_pairs_load(&p, path, &o, NULL, &err), NS_OK);
    CHECK_EQ(ns_pairs_count(p), 1);
    CHECK_EQ(ns_pairs_skipped(p), 3);
    CHECK(!strcmp(show(p, 0), "a>x/y"));
    CHECK_EQ(count_of(ns_pairs_right_vocab(p), "z"), -1);
    CHECK_EQ(count_of(ns_pairs_right_vocab(p), "q"), 0);
    ns_pairs_free(p);
    o.min_count = 100;
    CHECK_EQ(ns_pairs_load(&p, path, &o, NULL, &err), NS_EEMPTY);
    CHECK(strstr(err.msg, "no pair left after min-count 100") != NULL);

    /* One vocabulary: both sides count. */
    o.min_count = 1, o.shared_vocab = 1;
    CHECK_EQ(ns_pairs_load(&p, path, &o, NULL, &err), NS_OK);
    CHECK(ns_pairs_left_vocab(p) == ns_pairs_right_vocab(p));
    CHECK_EQ(ns_vocab_size(ns_pairs_left_vocab(p)), 8);
    CHECK_EQ(count_of(ns_pairs_left_vocab(p), "x"), 2);
    CHECK_EQ(count_of(ns_pairs_left_vocab(p), "a"), 2);
    CHECK(!strcmp(show(p, 2), "a>z/q/x"));
    ns_pairs_free(p);
}

static void bad_lines(void) {
    ns_pairs_opts o;
    ns_pairs_opts_default(&o);
    const char *cases[][2] = {
        {"a\tb\nc d\te\n", "pairs_bad.tsv:2: expected 'left<TAB>right"},
        {"a\tb\nc\n", "pairs_bad.tsv:2: expected"},
        {"a\t\tb\n", "pairs_bad.tsv:1: expected"},
        {"a\tb\t\n", "pairs_bad.tsv:1: expected"},
        {"# nothing\n\n", "pairs_bad.tsv: no 'left<TAB>right' line"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *path = tmp_path("pairs_bad.tsv");
        write_file(path, cases[i][0], strlen(cases[i][0]));
        ns_pairs *p = NULL;
        ns_error err = {{0}};
        CHECK(ns_pairs_load(&p, path, &o, NULL, &err) != NS_OK);
        CHECK(p == NULL);
        if (!strstr(err.msg, cases[i][1])) fprintf(stderr, "case %zu: '%s'\n", i, err.msg);
        CHECK(strstr(err.msg, cases[i][1]) != NULL);
    }
    ns_pairs *p;
    ns_error err;
    CHECK_EQ(ns_pairs_load(&p, tmp_path("pairs_missing.tsv"), &o, NULL, &err), NS_EIO);
}

/* A separate right vocabulary survives save and load with its rows. */
static void model_round_trip(void) {
    const char *path = tmp_path("pairs.tsv");
    ns_pairs_opts po;
    ns_pairs_opts_default(&po);
    ns_pairs *p;
    ns_error err;
    CHECK_EQ(ns_pairs_load(&p, path, &po, NULL, &err), NS_OK);
    ns_train_opts o;
    ns_train_opts_default(&o, NS_TASK_PAIRS);
    o.dim = 5, o.epochs = 2, o.threads = 1, o.bias = 1, o.loss = NS_LOSS_INFONCE, o.batch = 3;
    ns_model *m, *l;
    CHECK_EQ(ns_model_create_pairs(&m, ns_pairs_left_vocab(p), ns_pairs_right_vocab(p), &o, &err), NS_OK);
    CHECK_EQ(ns_train_pairs(m, p, NULL, &o, NULL, &err), NS_OK);
    CHECK(m->out[0] != 0.0f); /* trained */
    const char *mp = tmp_path("pairs.model");
    CHECK_EQ(ns_model_save(m, mp, &err), NS_OK);
    CHECK_EQ(ns_model_load(&l, mp, &err), NS_OK);
    CHECK_EQ(l->rows, 3);
    CHECK_EQ(l->rows_out, 5);
    CHECK_EQ(l->opts.task, NS_TASK_PAIRS);
    CHECK_EQ(l->opts.loss, NS_LOSS_INFONCE);
    CHECK_EQ(l->opts.batch, 3);
    CHECK(!strcmp(ns_vocab_word(ns_model_vocab_out(l), 4), ns_vocab_word(ns_model_vocab_out(m), 4)));
    CHECK(!memcmp(l->in, m->in, (size_t)l->rows * (size_t)l->stride * sizeof(float)));
    CHECK(!memcmp(l->out, m->out, (size_t)l->rows_out * (size_t)l->stride * sizeof(float)));
    CHECK(!memcmp(l->bias, m->bias, 5 * sizeof(float)));
    /* Every cut of the file, through both vocabularies and the tables, is
     * refused as truncated; so is a flipped byte in the right vocabulary. */
    FILE *f = fopen(mp, "rb");
    char buf[4096];
    size_t size = f ? fread(buf, 1, sizeof buf, f) : 0;
    if (f) fclose(f);
    CHECK(size > 100 && size < sizeof buf);
    const char *cut = tmp_path("pairs_cut.model");
    for (size_t n = 0; n < size; n += 7) {
        ns_model *c = NULL;
        write_file(cut, buf, n);
        CHECK(ns_model_load(&c, cut, &err) == NS_EFORMAT);
        CHECK(c == NULL);
    }
    size_t at = 0; /* the right item "z": length 1, then the byte */
    for (size_t i = 0; i + 5 <= size && !at; i++)
        if (!memcmp(buf + i, "\1\0\0\0z", 5)) at = i + 4;
    CHECK(at > 0);
    buf[at] = 'Z';
    write_file(cut, buf, size);
    ns_model *z = NULL;
    CHECK_EQ(ns_model_load(&z, cut, &err), NS_EFORMAT);
    CHECK(z == NULL);
    CHECK(strstr(err.msg, "checksum mismatch") != NULL);
    /* Words training refuses a pair model. */
    CHECK_EQ(ns_model_extend(l, ns_model_vocab(l), &err), NS_EINVAL);

    /* Held-out pairs against the model: unknown items are -1, unknown
     * negatives left out. */
    const char *hp = tmp_path("pairs_heldout.tsv");
    const char held[] = "a\tw\tnew\tq\nnew\tx\nb\tnew\n";
    write_file(hp, held, sizeof held - 1);
    ns_pairs *h;
    CHECK_EQ(ns_pairs_load(&h, hp, &po, l, &err), NS_OK);
    CHECK_EQ(ns_pairs_count(h), 3);
    CHECK(!strcmp(show(h, 0), "a>w/q"));
    CHECK(!strcmp(show(h, 1), "?>x"));
    CHECK(!strcmp(show(h, 2), "b>?"));
    ns_pairs_free(h);
    ns_model_free(l);
    ns_model_free(m);
    ns_pairs_free(p);
}

/* Scores set by hand: left a scores right items 3, 2, 2, 1 (ids 0..3). */
static void ranking(void) {
    const char *tp = tmp_path("pairs_rank.tsv");
    const char train[] = "a\tr0\na\tr0\na\tr0\na\tr1\na\tr1\na\tr2\na\tr3\nb\tr0\n";
    write_file(tp, train, sizeof train - 1);
    ns_pairs_opts po;
    ns_pairs_opts_default(&po);
    ns_pairs *p;
    ns_error err;
    CHECK_EQ(ns_pairs_load(&p, tp, &po, NULL, &err), NS_OK);
    ns_train_opts o;
    ns_train_opts_default(&o, NS_TASK_PAIRS);
    o.dim = 2;
    ns_model *m;
    CHECK_EQ(ns_model_create_pairs(&m, ns_pairs_left_vocab(p), ns_pairs_right_vocab(p), &o, &err), NS_OK);
    const float score[4] = {3, 2, 2, 1};
    ns_model_row(m, 0, 0)[0] = 1, ns_model_row(m, 0, 0)[1] = 0; /* a */
    for (int j = 0; j < 4; j++) ns_model_row(m, 1, j)[0] = score[j];
    CHECK(!strcmp(ns_vocab_word(ns_model_vocab_out(m), 2), "r2"));
    const char *hp = tmp_path("pairs_rank_test.tsv");
    const char held[] = "a\tr2\nzz\tr0\n";
    write_file(hp, held, sizeof held - 1);
    ns_pairs *h, *f;
    CHECK_EQ(ns_pairs_load(&h, hp, &po, m, &err), NS_OK);
    int32_t ks[2] = {2, 3};
    ns_rank_report rep;
    CHECK_EQ(ns_eval_pairs(m, h, NULL, 0, ks, 2, &rep, &err), NS_OK);
    CHECK_EQ(rep.queries, 2);
    CHECK_EQ(rep.covered, 1);
    CHECK_NEAR(rep.mean_rank, 2.5, 1e-12); /* one higher, one tie */
    CHECK_NEAR(rep.mrr, 0.4, 1e-12);
    CHECK_NEAR(rep.recall[0], 0.0, 0);
    CHECK_NEAR(rep.recall[1], 1.0, 0);
    /* Filtered by a set holding (a, r0): r0 leaves the ranking. */
    const char *fp = tmp_path("pairs_rank_filter.tsv");
    write_file(fp, "a\tr0\n", 5);
    CHECK_EQ(ns_pairs_load(&f, fp, &po, m, &err), NS_OK);
    const ns_pairs *filters[1] = {f};
    CHECK_EQ(ns_eval_pairs(m, h, filters, 1, ks, 2, &rep, &err), NS_OK);
    CHECK_NEAR(rep.mean_rank, 1.5, 1e-12);
    CHECK_NEAR(rep.recall[0], 1.0, 0);
    /* A diverged model ranks last, not first. */
    ns_model_row(m, 0, 0)[0] = NAN;
    CHECK_EQ(ns_eval_pairs(m, h, NULL, 0, ks, 2, &rep, &err), NS_OK);
    CHECK_NEAR(rep.mean_rank, 4, 0);
    /* Pairs whose vocabularies are not the model's are refused (ones read
     * from the same file without it have the same and are fine). */
    CHECK_EQ(ns_eval_pairs(m, p, NULL, 0, ks, 2, &rep, &err), NS_OK);
    ns_pairs *other;
    const char *op = tmp_path("pairs_rank_other.tsv");
    write_file(op, "z\tq\n", 4);
    CHECK_EQ(ns_pairs_load(&other, op, &po, NULL, &err), NS_OK);
    CHECK_EQ(ns_eval_pairs(m, other, NULL, 0, ks, 2, &rep, &err), NS_EINVAL);
    CHECK_CONTAINS(err.msg, "not loaded with this model");
    ns_pairs_free(other);
    ns_pairs_free(f), ns_pairs_free(h), ns_pairs_free(p);
    ns_model_free(m);
}

static int last_epoch_loss(const ns_progress *p, void *user) {
    if (p->epoch_done) *(double *)user = p->epoch_loss;
    return 0;
}

/* InfoNCE: a right item repeated in a batch is one column, never a negative
 * of the rows whose positive it is. A batch of four copies of one pair has
 * a single column, so its loss is exactly 0 (four columns would give ln 4). */
static void infonce_merges_repeated_items(void) {
    const char *path = tmp_path("pairs_same.tsv");
    const char same[] = "a\tx\na\tx\na\tx\na\tx\n";
    write_file(path, same, sizeof same - 1);
    ns_pairs_opts po;
    ns_pairs_opts_default(&po);
    ns_pairs *p;
    ns_error err;
    CHECK_EQ(ns_pairs_load(&p, path, &po, NULL, &err), NS_OK);
    ns_train_opts o;
    ns_train_opts_default(&o, NS_TASK_PAIRS);
    o.dim = 4, o.epochs = 1, o.threads = 1, o.loss = NS_LOSS_INFONCE, o.batch = 4;
    ns_model *m;
    double loss = -1;
    CHECK_EQ(ns_model_create_pairs(&m, ns_pairs_left_vocab(p), ns_pairs_right_vocab(p), &o, &err), NS_OK);
    ns_train_hooks h = {last_epoch_loss, &loss, 1, NULL, 0, 0};
    CHECK_EQ(ns_train_pairs(m, p, NULL, &o, &h, &err), NS_OK);
    CHECK_NEAR(loss, 0.0, 1e-6);
    ns_model_free(m);
    ns_pairs_free(p);
}

/* -epochs auto: 100,000 updates in all, at least 5 passes; a given count
 * stands; the model keeps what the run used. */
static void auto_epochs(void) {
    CHECK_EQ(ns__pairs_epochs((int32_t)NS_AUTO, 11000), 10);
    CHECK_EQ(ns__pairs_epochs((int32_t)NS_AUTO, 1000000), 5);
    CHECK_EQ(ns__pairs_epochs((int32_t)NS_AUTO, 3), 33334);
    CHECK_EQ(ns__pairs_epochs(3, 11000), 3);
    const char *tp = tmp_path("pairs_auto.tsv");
    write_file(tp, "a\tx\nb\ty\n", 8);
    ns_pairs_opts po;
    ns_pairs_opts_default(&po);
    ns_pairs *p = NULL;
    ns_train_opts o;
    ns_train_opts_default(&o, NS_TASK_PAIRS);
    CHECK_EQ(o.epochs, (int32_t)NS_AUTO);
    o.dim = 2, o.threads = 1;
    ns_model *m = NULL;
    ns_error err;
    CHECK_EQ(ns_pairs_load(&p, tp, &po, NULL, &err), NS_OK);
    if (p) CHECK_EQ(ns_model_create_pairs(&m, ns_pairs_left_vocab(p), ns_pairs_right_vocab(p), &o, &err), NS_OK);
    if (m) CHECK_EQ(ns_train_pairs(m, p, NULL, &o, NULL, &err), NS_OK);
    if (m) CHECK_EQ(ns_model_opts(m)->epochs, 50000);
    ns_model_free(m), ns_pairs_free(p);
}

int main(void) {
    auto_epochs();
    infonce_merges_repeated_items();
    parsing();
    bad_lines();
    model_round_trip();
    ranking();
    return check_exit("test_pairs");
}
