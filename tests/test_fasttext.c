/*
 * test_fasttext.c - fastText's .bin files: ours read back as written (with
 * and without subwords), damaged or foreign files refused naming the
 * problem, and, when Debian's fasttext is installed, both directions
 * against it: fastText prints our model's vectors (out-of-vocabulary words
 * included) as we compute them, and we read fastText's model to the vectors
 * it prints.
 */
#include "check.h"
#include "model/model.h"

#include <stdint.h>

/* A word model over a few words (multi-byte ones and fastText's "</s>"
 * among them) with random tables. */
static ns_model *small_model(int maxn, ns_task task) {
    static const char *const words[] = {"the", "of", "caf\xc3\xa9", "</s>", "walking", "talked", "\xe6\x97\xa5\xe6\x9c\xac",
                                        "run"};
    ns_vocab *v;
    ns_error err;
    if (ns_vocab_create(&v, &err) != NS_OK) return NULL;
    for (int i = 0; i < 8; i++) ns_vocab_add(v, words[i], strlen(words[i]), 100 - i, NULL, &err);
    ns_train_opts o;
    ns_train_opts_default(&o, task);
    o.dim = 7, o.window = 3, o.neg = 4, o.epochs = 2, o.sample = 1e-3;
    o.minn = 2, o.maxn = maxn, o.bucket = 50;
    ns_model *m = NULL;
    CHECK_EQ(ns_model_create(&m, v, &o, &err), NS_OK);
    ns_vocab_free(v);
    if (!m) return NULL;
    ns_rng rng;
    ns__rng_seed(&rng, 3, 0);
    for (int32_t r = 0; r < ns__in_rows(m); r++)
        for (int k = 0; k < m->dim; k++) ns__in_row(m, r)[k] = ns__rng_float(&rng) - 0.5f;
    for (int32_t r = 0; r < m->rows; r++)
        for (int k = 0; k < m->dim; k++) ns__out_row(m, r)[k] = ns__rng_float(&rng) - 0.5f;
    return m;
}

static int same_rows(const ns_model *a, const ns_model *b) {
    if (ns__in_rows(a) != ns__in_rows(b) || a->rows != b->rows || a->dim != b->dim) return 0;
    for (int32_t r = 0; r < ns__in_rows(a); r++)
        if (memcmp(ns__in_row(a, r), ns__in_row(b, r), (size_t)a->dim * sizeof(float))) return 0;
    for (int32_t r = 0; r < a->rows; r++)
        if (memcmp(ns__out_row(a, r), ns__out_row(b, r), (size_t)a->dim * sizeof(float))) return 0;
    return 1;
}

static void round_trip(int maxn, ns_task task) {
    ns_model *m = small_model(maxn, task), *l = NULL;
    if (!m) return;
    const char *p = tmp_path("ft.round.bin");
    ns_error err;
    CHECK_EQ(ns_model_export_fasttext(m, p, &err), NS_OK);
    CHECK_EQ(ns_model_load(&l, p, &err), NS_OK);
    if (l) {
        const ns_train_opts *o = ns_model_opts(l);
        CHECK_EQ(o->task, task);
        CHECK_EQ(o->dim, 7);
        CHECK_EQ(o->window, 3);
        CHECK_EQ(o->neg, 4);
        CHECK_EQ(o->epochs, 2);
        CHECK_NEAR(o->sample, 1e-3, 0);
        CHECK_EQ(o->maxn, maxn);
        CHECK_EQ(l->buckets, maxn ? 50 : 0);
        if (maxn) CHECK_EQ(o->minn, 2);
        CHECK_EQ(ns_vocab_size(l->vocab), 8);
        for (int32_t i = 0; i < 8; i++) {
            CHECK(strcmp(ns_vocab_word(l->vocab, i), ns_vocab_word(m->vocab, i)) == 0);
            CHECK_EQ(ns_vocab_count(l->vocab, i), ns_vocab_count(m->vocab, i));
        }
        CHECK(same_rows(m, l));
        /* "</s>" has no n-grams in either tool; other words do */
        if (maxn) CHECK_EQ(l->bag_off[4] - l->bag_off[3], 1);
        if (maxn) CHECK(l->bag_off[1] - l->bag_off[0] > 1);
    }
    ns_model_free(l);
    ns_model_free(m);
}

static unsigned char *slurp(const char *path, long *n) {
    FILE *f = fopen(path, "rb");
    fseek(f, 0, SEEK_END);
    *n = ftell(f);
    rewind(f);
    unsigned char *b = malloc((size_t)*n + 16);
    CHECK_EQ(fread(b, 1, (size_t)*n, f), *n);
    fclose(f);
    return b;
}

static void spit(const char *path, const unsigned char *b, long n) {
    FILE *f = fopen(path, "wb");
    fwrite(b, 1, (size_t)n, f);
    fclose(f);
}

/* Loading `bytes` fails with NS_EFORMAT and a message naming the file and
 * holding `what`. */
static void refused(const unsigned char *bytes, long n, const char *what) {
    const char *p = tmp_path("ft.bad.bin");
    spit(p, bytes, n);
    ns_model *l = NULL;
    ns_error err;
    CHECK_EQ(ns_model_load(&l, p, &err), NS_EFORMAT);
    CHECK(l == NULL);
    CHECK_CONTAINS(err.msg, p);
    CHECK_CONTAINS(err.msg, what);
    ns_model_free(l);
}

static void damaged(void) {
    ns_model *m = small_model(3, NS_TASK_SKIPGRAM);
    if (!m) return;
    const char *p = tmp_path("ft.good.bin");
    ns_error err;
    CHECK_EQ(ns_model_export_fasttext(m, p, &err), NS_OK);
    long n;
    unsigned char *b = slurp(p, &n), *c = malloc((size_t)n + 16);
    /* cut anywhere: truncated */
    refused(b, 0, "not a negsamp model file (bad magic)");
    for (long cut = 4; cut < n; cut += n / 23 + 1) refused(b, cut, "truncated");
    refused(b, n - 1, "truncated fastText model: the output matrix needs 8 rows of 7 floats, 223 bytes are left");
    /* a byte more */
    memcpy(c, b, (size_t)n);
    c[n] = 0;
    refused(c, n + 1, "1 bytes after the output matrix");
    /* the header: version, model kind, labels */
    int32_t v;
    memcpy(c, b, (size_t)n), v = 11, memcpy(c + 4, &v, 4);
    refused(c, n, "version 11, this build reads version 12");
    memcpy(c, b, (size_t)n), v = 3, memcpy(c + 8 + 7 * 4, &v, 4);
    refused(c, n, "a supervised fastText model");
    int32_t dict_at = 8 + 12 * 4 + 8;
    memcpy(c, b, (size_t)n), v = 1, memcpy(c + dict_at + 8, &v, 4), v = 7, memcpy(c + dict_at + 4, &v, 4);
    refused(c, n, "labels (a classifier)");
    /* the input matrix: quantized, or one row more than the words and buckets */
    long at = dict_at + 12 + 16;
    for (int w = 0; w < 8; w++) at += (long)strlen(ns_vocab_word(m->vocab, w)) + 1 + 9;
    memcpy(c, b, (size_t)n), c[at] = 1;
    refused(c, n, "quantized fastText model (.ftz)");
    int64_t rows;
    memcpy(c, b, (size_t)n), memcpy(&rows, c + at + 1, 8), rows++, memcpy(c + at + 1, &rows, 8);
    refused(c, n, "corrupt fastText model: input matrix of 59 rows for 8 words and 50 buckets");
    memcpy(c, b, (size_t)n), rows = 1000000000, memcpy(c + at + 1, &rows, 8);
    refused(c, n, "truncated fastText model: the input matrix needs 1000000000 rows");
    /* a dictionary that could not fit in the file */
    memcpy(c, b, (size_t)n), v = 100000000, memcpy(c + dict_at, &v, 4), memcpy(c + dict_at + 4, &v, 4);
    refused(c, n, "cannot fit in the");
    free(b), free(c);
    ns_model_free(m);
    /* only word models have a fastText form: a pair model is refused */
    ns_vocab *left;
    CHECK_EQ(ns_vocab_create(&left, &err), NS_OK);
    ns_vocab_add(left, "u1", 2, 1, NULL, &err);
    ns_train_opts o;
    ns_train_opts_default(&o, NS_TASK_PAIRS);
    o.dim = 4;
    ns_model *pm = NULL;
    CHECK_EQ(ns_model_create_pairs(&pm, left, left, &o, &err), NS_OK);
    if (pm) CHECK_EQ(ns_model_export_fasttext(pm, tmp_path("ft.pairs.bin"), &err), NS_EINVAL);
    if (pm) CHECK_CONTAINS(err.msg, "only word models (skip-gram, CBOW) have a fastText form");
    ns_model_free(pm);
    ns_vocab_free(left);
}

/* Runs `fasttext print-word-vectors MODEL` on the words; returns how many
 * lines matched `m`'s vectors to the 5 significant digits fastText prints. */
static int fasttext_agrees(const ns_model *m, const char *model, const char *const *words, int n) {
    const char *wpath = tmp_path("ft.words.txt");
    FILE *f = fopen(wpath, "w");
    for (int i = 0; i < n; i++) fprintf(f, "%s\n", words[i]);
    fclose(f);
    char cmd[9000];
    snprintf(cmd, sizeof cmd, "fasttext print-word-vectors '%s' < '%s'", model, wpath);
    FILE *p = popen(cmd, "r");
    CHECK(p != NULL);
    if (!p) return 0;
    int good = 0, line = 0;
    char buf[4096];
    float v[64];
    while (fgets(buf, sizeof buf, p) && line < n) {
        char *s = strrchr(buf, '\n');
        if (s) *s = 0;
        size_t wl = strlen(words[line]);
        CHECK(strncmp(buf, words[line], wl) == 0 && buf[wl] == ' ');
        ns_model_word_vector(m, words[line], wl, v);
        char *q = buf + wl;
        int ok = 1, k = 0;
        for (; k < m->dim; k++) {
            char *end;
            double x = strtod(q, &end);
            if (end == q) break;
            q = end;
            if (fabs(x - v[k]) > 1e-4 * fmax(1.0, fabs(v[k]))) ok = 0;
        }
        if (!ok || k != m->dim) fprintf(stderr, "fasttext: '%s': %s\n", words[line], buf);
        good += ok && k == m->dim;
        line++;
    }
    pclose(p);
    return good;
}

static void against_fasttext(void) {
    if (system("command -v fasttext >/dev/null 2>&1") != 0) {
        printf("fasttext: not installed, the .bin files not compared with it (apt-get install fasttext)\n");
        return;
    }
    /* words of the vocabulary and not: ASCII, multi-byte, one that has no
     * n-gram row in common with any other */
    static const char *const words[] = {"the", "caf\xc3\xa9", "walking", "</s>", "walked", "talking",
                                        "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "zqxj", "runs"};
    int n = (int)(sizeof words / sizeof words[0]);
    /* ours -> fastText */
    for (int maxn = 0; maxn <= 4; maxn += 4) {
        ns_model *m = small_model(maxn, NS_TASK_CBOW);
        if (!m) continue;
        const char *p = tmp_path("ft.ours.bin");
        ns_error err;
        CHECK_EQ(ns_model_export_fasttext(m, p, &err), NS_OK);
        int good = fasttext_agrees(m, p, words, n);
        printf("fasttext: reads our %s model: %d of %d words' vectors as ours\n", maxn ? "subword" : "word-only", good, n);
        CHECK_EQ(good, n);
        ns_model_free(m);
    }
    /* fastText -> ours */
    const char *text = tmp_path("ft.text.txt");
    FILE *f = fopen(text, "w");
    for (int i = 0; i < 50; i++) fprintf(f, "the cat walked and the dog was walking to the caf\xc3\xa9 %d\n", i % 7);
    fclose(f);
    char cmd[9000], prefix[4200];
    snprintf(prefix, sizeof prefix, "%s", tmp_path("ft.theirs"));
    snprintf(cmd, sizeof cmd,
             "fasttext skipgram -input '%s' -output '%s' -dim 5 -epoch 1 -minCount 1 -minn 2 -maxn 5 -bucket 300 "
             "-thread 1 -verbose 0 >/dev/null 2>&1",
             text, prefix);
    CHECK_EQ(system(cmd), 0);
    char bin[4300];
    snprintf(bin, sizeof bin, "%s.bin", prefix);
    ns_model *m = NULL;
    ns_error err;
    CHECK_EQ(ns_model_load(&m, bin, &err), NS_OK);
    if (!m) {
        fprintf(stderr, "%s\n", err.msg);
        return;
    }
    CHECK_EQ(ns_model_opts(m)->task, NS_TASK_SKIPGRAM);
    CHECK_EQ(ns_model_opts(m)->minn, 2);
    CHECK_EQ(ns_model_opts(m)->maxn, 5);
    CHECK_EQ(m->buckets, 300);
    CHECK(ns_vocab_find(m->vocab, "</s>", 4) >= 0);
    int good = fasttext_agrees(m, bin, words, n);
    printf("fasttext: we read its model: %d of %d words' vectors as it prints them\n", good, n);
    CHECK_EQ(good, n);
    /* and the queries read it too */
    ns_emb *e = NULL;
    CHECK_EQ(ns_emb_load(&e, bin, &err), NS_OK);
    if (e) {
        CHECK(ns_emb_subwords(e));
        float v[5];
        CHECK_EQ(ns_emb_vector(e, "zqxj", v), 2);
        CHECK_EQ(ns_emb_vector(e, "walking", v), 1);
    }
    ns_emb_free(e);
    ns_model_free(m);
    /* a classifier where word vectors are expected */
    f = fopen(text, "w");
    for (int i = 0; i < 20; i++) fprintf(f, "__label__%d some words here %d\n", i % 2, i);
    fclose(f);
    snprintf(cmd, sizeof cmd, "fasttext supervised -input '%s' -output '%s' -dim 3 -epoch 1 -verbose 0 >/dev/null 2>&1",
             text, prefix);
    CHECK_EQ(system(cmd), 0);
    CHECK_EQ(ns_model_load(&m, bin, &err), NS_EFORMAT);
    CHECK_CONTAINS(err.msg, "a supervised fastText model (a classifier): word vectors are expected");
}

int main(void) {
    round_trip(4, NS_TASK_SKIPGRAM);
    round_trip(0, NS_TASK_CBOW);
    damaged();
    against_fasttext();
    return check_exit("test_fasttext");
}
