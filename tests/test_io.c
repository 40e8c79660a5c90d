/*
 * Files: .model, .vec and .bin round trips, and every corrupt file rejected
 * with a message that names the file and the problem.
 */
#include "check.h"
#include "core/core.h"
#include "data/vocab.h"
#include "model/model.h"

#include <dirent.h>
#include <sys/stat.h>

static ns_model *small_model(void) {
    ns_vocab *v;
    ns_vocab_create(&v, NULL);
    const char *w[] = {"alpha", "beta", "gamma", "delta"};
    for (int i = 0; i < 4; i++) ns_vocab_add(v, w[i], strlen(w[i]), 10 - i, NULL, NULL);
    ns_train_opts o;
    ns_train_opts_default(&o, NS_TASK_CBOW);
    o.dim = 10;
    o.window = 3;
    o.seed = 77;
    ns_model *m;
    ns_error err;
    ns_model_create(&m, v, &o, &err);
    ns_vocab_free(v);
    for (int r = 0; r < 4; r++)
        for (int k = 0; k < 10; k++) ns_model_row(m, 1, r)[k] = (float)(r * 10 + k) / 7.0f;
    return m;
}

static long file_size(const char *p) {
    FILE *f = fopen(p, "rb");
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fclose(f);
    return n;
}

static void copy_prefix(const char *from, const char *to, long n, long flip) {
    FILE *f = fopen(from, "rb"), *g = fopen(to, "wb");
    for (long i = 0; i < n; i++) {
        int c = fgetc(f);
        fputc(i == flip ? c ^ 0x40 : c, g);
    }
    fclose(f);
    fclose(g);
}

static void model_round_trip(ns_model *m) {
    ns_error err;
    const char *p = tmp_path("io.model");
    CHECK_EQ(ns_model_save(m, p, &err), NS_OK);
    ns_model *l;
    CHECK_EQ(ns_model_load(&l, p, &err), NS_OK);
    CHECK_EQ(l->rows, 4);
    CHECK_EQ(l->dim, 10);
    CHECK_EQ(l->opts.task, NS_TASK_CBOW);
    CHECK_EQ(l->opts.window, 3);
    CHECK_EQ(l->opts.seed, 77);
    CHECK_EQ(ns_vocab_count(l->vocab, 2), 8);
    CHECK(strcmp(ns_vocab_word(l->vocab, 3), "delta") == 0);
    for (int r = 0; r < 4; r++) {
        CHECK(memcmp(ns_model_row(m, 0, r), ns_model_row(l, 0, r), 10 * sizeof(float)) == 0);
        CHECK(memcmp(ns_model_row(m, 1, r), ns_model_row(l, 1, r), 10 * sizeof(float)) == 0);
    }
    ns_model_free(l);
    /* No temporary file left behind. */
    DIR *d = opendir(getenv("NS_TEST_TMP") ? getenv("NS_TEST_TMP") : "/tmp");
    struct dirent *e;
    while (d && (e = readdir(d))) CHECK(strstr(e->d_name, "io.model.tmp.") == NULL);
    if (d) closedir(d);
    /* A new file gets the mode of any new file: 0666 less the umask. */
    mode_t mask = umask(022);
    remove(p);
    CHECK_EQ(ns_model_save(m, p, &err), NS_OK);
    struct stat st;
    CHECK(stat(p, &st) == 0 && (st.st_mode & 0777) == 0644);
    umask(mask);

    /* Truncated at every region, and one flipped byte in the tables (the
     * run state, 40 bytes, and the checksum, 8, follow them). */
    long n = file_size(p);
    const char *bad = tmp_path("io_bad.model");
    long cuts[] = {4, 20, 60, 90, n / 2, n - 9, n - 1};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        copy_prefix(p, bad, cuts[i], -1);
        CHECK_EQ(ns_model_load(&l, bad, &err), NS_EFORMAT);
        CHECK_CONTAINS(err.msg, "io_bad.model");
    }
    copy_prefix(p, bad, 60, -1);
    ns_model_load(&l, bad, &err);
    CHECK_CONTAINS(err.msg, "truncated");
    copy_prefix(p, bad, n, n - 70);
    CHECK_EQ(ns_model_load(&l, bad, &err), NS_EFORMAT);
    CHECK_CONTAINS(err.msg, "checksum");
    copy_prefix(p, bad, n, n - 30); /* in the run state: caught by its checks or the checksum */
    CHECK_EQ(ns_model_load(&l, bad, &err), NS_EFORMAT);
    copy_prefix(p, bad, n, 0);
    CHECK_EQ(ns_model_load(&l, bad, &err), NS_EFORMAT);
    CHECK_CONTAINS(err.msg, "not a negsamp model");
    copy_prefix(p, bad, n, 44); /* magic 8 + version and byte order 8 + 7 ints 28: the flags */
    CHECK_EQ(ns_model_load(&l, bad, &err), NS_EFORMAT);
    CHECK_CONTAINS(err.msg, "unknown flags");
    CHECK_EQ(ns_model_load(&l, tmp_path("missing.model"), &err), NS_EIO);
    /* Saving into a missing directory fails cleanly. */
    CHECK_EQ(ns_model_save(m, tmp_path("no/such/dir/x.model"), &err), NS_EIO);
    CHECK_CONTAINS(err.msg, "cannot create");
}

/* A whole file into memory (*n bytes). */
static unsigned char *slurp(const char *p, long *n) {
    *n = file_size(p);
    unsigned char *b = malloc((size_t)*n);
    FILE *f = fopen(p, "rb");
    CHECK_EQ((long)fread(b, 1, (size_t)*n, f), *n);
    fclose(f);
    return b;
}

/* Writes b with its last 8 bytes set to the FNV-1a of the others. */
static void write_rehashed(const char *p, unsigned char *b, long n) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (long i = 0; i < n - 8; i++) h = (h ^ b[i]) * 0x100000001b3ULL;
    memcpy(b + n - 8, &h, 8);
    FILE *f = fopen(p, "wb");
    fwrite(b, 1, (size_t)n, f);
    fclose(f);
}

/* A version-7 file as version v (4 to 6): without the negatives' and
 * graph blocks (60 bytes at 164) and before 6 the subword options (12
 * bytes at 152). */
static long downgrade(unsigned char *b, long n, uint32_t v) {
    long at = v >= 6 ? 164 : 152;
    memcpy(b + 8, &v, 4);
    memmove(b + at, b + 224, (size_t)(n - 224));
    return n - (224 - at);
}

/* Version 5's best validated state (flags bit 3) round-trips; a file
 * without it written as version 4 still loads, and a version-4 file with
 * that flag, or one cut in the best state, is refused. */
static void best_state_file(void) {
    ns_model *m = small_model();
    ns_error err;
    ns__run_state best = {0};
    best.done = 7, best.best = 0.5, best.best_at = 7;
    CHECK_EQ(ns__model_snapshot(m, 0, &err), NS_OK);
    CHECK_EQ(ns__model_best_run(m, &best, &err), NS_OK);
    for (int k = 0; k < 10; k++) ns_model_row(m, 0, 2)[k] += 1.0f; /* the model moves on */
    const char *p = tmp_path("io.best.model"), *bad = tmp_path("io.best.bad.model");
    CHECK_EQ(ns_model_save(m, p, &err), NS_OK);
    ns_model *l = NULL;
    CHECK_EQ(ns_model_load(&l, p, &err), NS_OK);
    CHECK(l && l->best && l->best_run.done == 7 && l->best_run.best == 0.5);
    if (l && l->best) {
        CHECK(memcmp(l->best, m->best, ns__model_state_floats(m) * sizeof(float)) == 0);
        CHECK(memcmp(ns_model_row(l, 0, 2), ns_model_row(m, 0, 2), 10 * sizeof(float)) == 0);
        CHECK_EQ(ns__model_snapshot(l, 1, &err), NS_OK); /* the best state differs from the model's */
        CHECK(ns_model_row(l, 0, 2)[0] != ns_model_row(m, 0, 2)[0]);
    }
    ns_model_free(l);
    long n;
    unsigned char *b = slurp(p, &n);
    write_rehashed(bad, b, downgrade(b, n, 4));
    CHECK_EQ(ns_model_load(&l, bad, &err), NS_EFORMAT);
    CHECK_CONTAINS(err.msg, "unknown flags");
    free(b);
    copy_prefix(p, bad, n - 100, -1);
    CHECK_EQ(ns_model_load(&l, bad, &err), NS_EFORMAT);
    CHECK_CONTAINS(err.msg, "truncated model file (while reading the best state)");
    ns__model_best_drop(m);
    m->opts.task = NS_TASK_SKIPGRAM, m->opts.negatives = NS_NEG_MCMC, m->opts.mcmc_alpha = 0.3, m->opts.mcmc_mix = 0.25;
    CHECK_EQ(ns_model_save(m, p, &err), NS_OK);
    b = slurp(p, &n);
    unsigned char *b5 = malloc((size_t)n);
    memcpy(b5, b, (size_t)n);
    long n5 = downgrade(b5, n, 5);
    write_rehashed(bad, b5, n5);
    CHECK_EQ(ns_model_load(&l, bad, &err), NS_OK);
    CHECK(l && !l->best && memcmp(ns_model_row(l, 0, 2), ns_model_row(m, 0, 2), 10 * sizeof(float)) == 0);
    ns_model_free(l);
    memcpy(b5 + 8, &(uint32_t){4}, 4);
    write_rehashed(bad, b5, n5);
    CHECK_EQ(ns_model_load(&l, bad, &err), NS_OK);
    CHECK(l && !l->best && memcmp(ns_model_row(l, 0, 2), ns_model_row(m, 0, 2), 10 * sizeof(float)) == 0);
    ns_model_free(l);
    memcpy(b5, b, (size_t)n); /* version 6: noise negatives */
    n5 = downgrade(b5, n, 6);
    write_rehashed(bad, b5, n5);
    CHECK_EQ(ns_model_load(&l, bad, &err), NS_OK);
    CHECK(l && l->opts.negatives == NS_NEG_NOISE && memcmp(ns_model_row(l, 0, 2), ns_model_row(m, 0, 2), 10 * sizeof(float)) == 0);
    ns_model_free(l);
    free(b5);
    CHECK_EQ(ns_model_load(&l, p, &err), NS_OK); /* version 7 keeps them */
    CHECK(l && l->opts.negatives == NS_NEG_MCMC && l->opts.mcmc_alpha == 0.3 && l->opts.mcmc_mix == 0.25);
    ns_model_free(l);
    uint32_t v8 = 8;
    memcpy(b + 8, &v8, 4);
    write_rehashed(bad, b, n);
    CHECK_EQ(ns_model_load(&l, bad, &err), NS_EFORMAT);
    CHECK_CONTAINS(err.msg, "version 8, this build reads 3 to 7");
    free(b);
    ns_model_free(m);
}

static void vectors_round_trip(ns_model *m, int binary) {
    ns_error err;
    const char *p = tmp_path(binary ? "io.bin" : "io.vec");
    CHECK_EQ(binary ? ns_model_export_bin(m, p, &err) : ns_model_export_vec(m, p, &err), NS_OK);
    ns_emb *e, *ref;
    CHECK_EQ(ns_emb_load(&e, p, &err), NS_OK);
    CHECK_EQ(ns_emb_from_model(&ref, m, NULL), NS_OK);
    CHECK_EQ(ns_emb_size(e), 4);
    CHECK_EQ(ns_emb_dim(e), 10);
    for (int r = 0; r < 4; r++) {
        CHECK(strcmp(ns_emb_word(e, r), ns_emb_word(ref, r)) == 0);
        for (int k = 0; k < 10; k++) CHECK_NEAR(ns_emb_row(e, r)[k], ns_emb_row(ref, r)[k], binary ? 0 : 1e-6);
    }
    CHECK_EQ(ns_emb_find(e, "gamma"), 2);
    ns_emb_free(e);
    ns_emb_free(ref);
    if (binary) {
        const char *bad = tmp_path("io_bad.bin");
        copy_prefix(p, bad, file_size(p) - 20, -1);
        CHECK_EQ(ns_emb_load(&e, bad, &err), NS_EFORMAT);
        CHECK_CONTAINS(err.msg, "io_bad.bin: truncated");
        CHECK_CONTAINS(err.msg, "row 4");
    }
}

static void bad_text_vectors(void) {
    ns_emb *e;
    ns_error err;
    const char *p = tmp_path("io_bad.vec");
    const char *t1 = "2 3\nx 1 2 3\ny 1 2\n";
    write_file(p, t1, strlen(t1));
    CHECK_EQ(ns_emb_load(&e, p, &err), NS_EFORMAT);
    CHECK_CONTAINS(err.msg, "io_bad.vec:3: 'y' has 2 values, expected 3");
    const char *t2 = "2 3\nx 1 2 3\ny 1 two 3\n";
    write_file(p, t2, strlen(t2));
    CHECK_EQ(ns_emb_load(&e, p, &err), NS_EFORMAT);
    CHECK_CONTAINS(err.msg, "io_bad.vec:3: value 2 of 'y' is not a finite number");
    /* A file that could hold the header's rows but ends early. */
    const char *t3 = "3 3\nx 1.0000 2.0000 3.0000\ny 1.0000 2.0000 3.0000\n";
    write_file(p, t3, strlen(t3));
    CHECK_EQ(ns_emb_load(&e, p, &err), NS_EFORMAT);
    CHECK_CONTAINS(err.msg, "header says 3 rows, file ends after 2");
    /* A header that no file of this size can satisfy is refused before
     * anything is allocated for it (3 million rows of 300 values). */
    const char *t6 = "3000000 300\nx 1 2\n";
    write_file(p, t6, strlen(t6));
    CHECK_EQ(ns_emb_load(&e, p, &err), NS_EFORMAT);
    CHECK_CONTAINS(err.msg, "io_bad.vec:1: the header announces 3000000 rows of 300 values, more than the file's 18 bytes");
    const char *t4 = "2 3\nx 1 2 3\nx 1 2 3\n";
    write_file(p, t4, strlen(t4));
    CHECK_EQ(ns_emb_load(&e, p, &err), NS_EFORMAT);
    CHECK_CONTAINS(err.msg, "duplicate word 'x'");
    write_file(p, "", 0);
    CHECK_EQ(ns_emb_load(&e, p, &err), NS_EFORMAT);
    CHECK_CONTAINS(err.msg, "empty");
    /* CRLF, trailing spaces (fastText) and no header (GloVe) are fine. */
    const char *t5 = "x 1 0 0 \r\ny 0 1 0\r\n";
    write_file(p, t5, strlen(t5));
    CHECK_EQ(ns_emb_load(&e, p, &err), NS_OK);
    if (e) {
        CHECK_EQ(ns_emb_size(e), 2);
        CHECK_EQ(ns_emb_dim(e), 3);
        ns_emb_free(e);
    }
}

/* The .vec writer's own float formatting agrees with printf's %.7g. */
static void vec_text_matches_printf(void) {
    ns_vocab *v;
    ns_vocab_create(&v, NULL);
    char w[16];
    for (int i = 0; i < 500; i++) {
        snprintf(w, sizeof w, "w%d", i);
        ns_vocab_add(v, w, strlen(w), 1, NULL, NULL);
    }
    ns_train_opts o;
    ns_train_opts_default(&o, NS_TASK_SKIPGRAM);
    o.dim = 200;
    ns_model *m;
    ns_error err;
    ns_model_create(&m, v, &o, &err);
    ns_vocab_free(v);
    ns_rng r;
    ns__rng_seed(&r, 1, 2);
    for (int i = 0; i < 500; i++)
        for (int k = 0; k < 200; k++) {
            float mant = ns__rng_float(&r) * 2 - 1, e = (float)((int)ns__rng_below(&r, 41) - 20);
            float x = k % 50 == 0 ? (float)(k / 50) * 0.5f : mant * powf(10.0f, e);
            if (k == 199) x = 0.0f;
            if (k == 198) x = -1e-30f;
            if (k == 197) x = 9.9999995f * powf(10.0f, e); /* rounds up to a power of ten */
            ns_model_row(m, 0, i)[k] = x;
        }
    const char *p = tmp_path("io_fmt.vec");
    CHECK_EQ(ns_model_export_vec(m, p, &err), NS_OK);
    FILE *f = fopen(p, "r");
    char tok[64], want[64];
    int bad = 0;
    CHECK(fscanf(f, "%*d %*d") == 0);
    for (int i = 0; i < 500; i++) {
        CHECK(fscanf(f, "%63s", tok) == 1);
        for (int k = 0; k < 200; k++) {
            CHECK(fscanf(f, "%63s", tok) == 1);
            snprintf(want, sizeof want, "%.7g", ns_model_row(m, 0, i)[k]);
            if (strcmp(tok, want) != 0 && bad++ < 5) fprintf(stderr, "format: %s, printf: %s\n", tok, want);
        }
    }
    fclose(f);
    CHECK_EQ(bad, 0);
    ns_model_free(m);
}

/* Biases and l2 survive the checkpoint; a cut inside the biases is caught. */
static void bias_round_trip(void) {
    ns_vocab *v;
    ns_vocab_create(&v, NULL);
    ns_vocab_add(v, "x", 1, 3, NULL, NULL);
    ns_vocab_add(v, "y", 1, 2, NULL, NULL);
    ns_train_opts o;
    ns_train_opts_default(&o, NS_TASK_SKIPGRAM);
    o.dim = 4, o.bias = 1, o.l2 = 0.125, o.loss = NS_LOSS_NCE;
    ns_model *m, *l;
    ns_error err;
    CHECK_EQ(ns_model_create(&m, v, &o, &err), NS_OK);
    m->bias[1] = 0.5f;
    const char *p = tmp_path("io_bias.model");
    CHECK_EQ(ns_model_save(m, p, &err), NS_OK);
    CHECK_EQ(ns_model_load(&l, p, &err), NS_OK);
    CHECK(l->bias != NULL);
    CHECK_NEAR(l->bias[1], 0.5, 0);
    CHECK_NEAR(l->bias[0], -log(5.0), 1e-6);
    CHECK_NEAR(l->opts.l2, 0.125, 0);
    CHECK_EQ(l->opts.loss, NS_LOSS_NCE);
    ns_model_free(l);
    const char *bad = tmp_path("io_bias_cut.model");
    copy_prefix(p, bad, file_size(p) - 12, -1);
    CHECK_EQ(ns_model_load(&l, bad, &err), NS_EFORMAT);
    CHECK_CONTAINS(err.msg, "truncated");
    ns_model_free(m);
    ns_vocab_free(v);
}

int main(void) {
    bias_round_trip();
    vec_text_matches_printf();
    ns_model *m = small_model();
    model_round_trip(m);
    vectors_round_trip(m, 0);
    vectors_round_trip(m, 1);
    bad_text_vectors();
    best_state_file();
    ns_model_free(m);
    return check_exit("test_io");
}
