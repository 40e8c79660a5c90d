/*
 * Corpus reading: sentences at line breaks, pseudo-sentences in a file
 * without line breaks, min-count, .gz input, continued vocabularies, and the
 * messages for bad input.
 */
#include "check.h"
#include "negsamp.h"

static ns_status load(const char *path, int min_count, int max_sentence, const ns_vocab *base,
                      ns_corpus **c, ns_error *err) {
    ns_corpus_opts o;
    ns_corpus_opts_default(&o);
    o.min_count = min_count;
    o.max_sentence = max_sentence;
    return ns_corpus_load(c, path, &o, base, err);
}

int main(void) {
    ns_corpus *c;
    ns_error err;
    const char *p = tmp_path("corpus_lines.txt");
    const char *text = "the cat sat\r\n\n  the dog   sat on the mat\nrare\tthe cat\n";
    write_file(p, text, strlen(text));
    CHECK_EQ(load(p, 2, 10000, NULL, &c, &err), NS_OK);
    const ns_vocab *v = ns_corpus_vocab(c);
    /* the:4 sat:2 cat:2 kept; dog, on, mat, rare dropped. */
    CHECK_EQ(ns_vocab_size(v), 3);
    CHECK(strcmp(ns_vocab_word(v, 0), "the") == 0);
    CHECK_EQ(ns_corpus_sentences(c), 3);
    CHECK_EQ(ns_corpus_tokens(c), 8);
    int64_t len;
    const int32_t *s = ns_corpus_sentence(c, 1, &len);
    CHECK_EQ(len, 3); /* the sat the */
    CHECK_EQ(s[0], 0);
    CHECK_EQ(s[2], 0);
    ns_corpus_free(c);

    /* No line breaks: pseudo-sentences of max_sentence tokens. */
    p = tmp_path("corpus_stream.txt");
    FILE *f = fopen(p, "w");
    for (int i = 0; i < 2500; i++) fprintf(f, "w%d ", i % 10);
    fclose(f);
    CHECK_EQ(load(p, 1, 1000, NULL, &c, &err), NS_OK);
    CHECK_EQ(ns_corpus_tokens(c), 2500);
    CHECK_EQ(ns_corpus_sentences(c), 3);
    ns_corpus_sentence(c, 2, &len);
    CHECK_EQ(len, 500);
    ns_corpus_free(c);

    /* gzip input, through the system's gzip. */
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "gzip -c '%s' > '%s.gz'", p, p);
    if (system(cmd) == 0) {
        snprintf(cmd, sizeof cmd, "%s.gz", p);
        ns_status st = load(cmd, 1, 1000, NULL, &c, &err);
        if (st == NS_EINVAL) {
            printf("corpus: built without zlib, .gz refused: %s\n", err.msg);
        } else {
            CHECK_EQ(st, NS_OK);
            if (st == NS_OK) CHECK_EQ(ns_corpus_tokens(c), 2500);
            ns_corpus_free(c);
            /* A truncated .gz is an error, not a shorter corpus. */
            snprintf(cmd, sizeof cmd, "head -c 40 '%s.gz' > '%s.cut.gz'", p, p);
            CHECK(system(cmd) == 0);
            snprintf(cmd, sizeof cmd, "%s.cut.gz", p);
            CHECK(load(cmd, 1, 1000, NULL, &c, &err) != NS_OK);
            CHECK_CONTAINS(err.msg, "truncated");
        }
    }

    /* Continued vocabulary: base words keep their ids, new words appended. */
    p = tmp_path("corpus_base.txt");
    write_file(p, "a a a b b c\n", 12);
    ns_corpus *base;
    CHECK_EQ(load(p, 1, 100, NULL, &base, &err), NS_OK);
    const char *p2 = tmp_path("corpus_more.txt");
    write_file(p2, "z z z z z c y y\n", 16);
    CHECK_EQ(load(p2, 2, 100, ns_corpus_vocab(base), &c, &err), NS_OK);
    v = ns_corpus_vocab(c);
    CHECK_EQ(ns_vocab_size(v), 5); /* a b c z y */
    CHECK(strcmp(ns_vocab_word(v, 0), "a") == 0);
    CHECK(strcmp(ns_vocab_word(v, 2), "c") == 0);
    CHECK(strcmp(ns_vocab_word(v, 3), "z") == 0);
    CHECK(strcmp(ns_vocab_word(v, 4), "y") == 0);
    CHECK_EQ(ns_vocab_count(v, 2), 2);
    ns_corpus_free(c);
    ns_corpus_free(base);

    /* Bad input, each with its message. */
    CHECK_EQ(load(tmp_path("no_such_file.txt"), 1, 100, NULL, &c, &err), NS_EIO);
    CHECK_CONTAINS(err.msg, "no_such_file.txt: cannot open");
    p = tmp_path("corpus_empty.txt");
    write_file(p, " \n\n", 3);
    CHECK_EQ(load(p, 1, 100, NULL, &c, &err), NS_EEMPTY);
    CHECK_CONTAINS(err.msg, "empty");
    p = tmp_path("corpus_rare.txt");
    write_file(p, "x y y z\n", 8);
    CHECK_EQ(load(p, 5, 100, NULL, &c, &err), NS_EEMPTY);
    CHECK_CONTAINS(err.msg, "no word occurs at least 5 times");
    CHECK_CONTAINS(err.msg, "'y', occurs 2 times");
    p = tmp_path("corpus_binary.txt");
    write_file(p, "ok\nfine\0bad\n", 12);
    CHECK_EQ(load(p, 1, 100, NULL, &c, &err), NS_EFORMAT);
    CHECK_CONTAINS(err.msg, "corpus_binary.txt:2: NUL byte");
    CHECK_EQ(load(tmp_path(""), 1, 100, NULL, &c, &err), NS_EIO);
    CHECK_CONTAINS(err.msg, "directory");
    return check_exit("test_corpus");
}
