/*
 * test_subword.c - fastText's n-grams and hash: fixed values (no fastText
 * needed), the n-grams of ASCII and multi-byte words, and, when Debian's
 * fasttext is installed, its buckets: n-grams that fastText puts in one
 * bucket print the same vector, and ours must put them in one bucket too.
 */
#include "check.h"
#include "tasks/words/subword.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct grams {
    char list[64][32];
    int n;
    const char *word;
    size_t len;
} grams;

static void collect(size_t start, size_t end, void *user) {
    grams *g = user;
    if (g->n >= 64 || end - start >= 32) return;
    for (size_t b = start; b < end; b++)
        g->list[g->n][b - start] = b == 0 ? '<' : b == g->len + 1 ? '>' : g->word[b - 1];
    g->list[g->n][end - start] = 0;
    g->n++;
}

static grams ngrams(const char *word, int minn, int maxn) {
    grams g = {.word = word, .len = strlen(word)};
    int n = ns__ngrams_each(word, g.len, minn, maxn, collect, &g);
    CHECK_EQ(n, g.n);
    return g;
}

static void check_list(const char *word, int minn, int maxn, const char *const *want, int n) {
    grams g = ngrams(word, minn, maxn);
    CHECK_EQ(g.n, n);
    for (int i = 0; i < n && i < g.n; i++)
        if (strcmp(g.list[i], want[i]) != 0) {
            fprintf(stderr, "%s: n-gram %d is '%s', expected '%s'\n", word, i, g.list[i], want[i]);
            CHECK(0);
        }
}

static void fixed(void) {
    /* FNV-1a test vectors, and bytes >= 0x80 sign-extended (computed apart,
     * in Python, with the bytes read as signed) */
    CHECK_EQ(ns__ft_hash("", 0), 2166136261u);
    CHECK_EQ(ns__ft_hash("a", 1), 3826002220u);
    CHECK_EQ(ns__ft_hash("<wh", 3), 1048167652u);
    CHECK_EQ(ns__ft_hash("<where>", 7), 2319392596u);
    CHECK_EQ(ns__ft_hash("<\xc3\xa9>", 4), 1002806231u);
    CHECK_EQ(ns__ft_hash("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 9), 308035559u);
    CHECK_EQ(ns__ft_hash("\xff\x80", 2), 1400454730u);
    CHECK_EQ(ns__ft_hash_wrapped("where", 5, 0, 7), 2319392596u);
    CHECK_EQ(ns__ft_hash_wrapped("where", 5, 0, 3), 1048167652u);

    /* fastText's n-grams of "where" at 3..6 (its print-ngrams order) */
    const char *where[] = {"<wh", "<whe", "<wher", "<where", "whe", "wher", "where", "where>",
                           "her", "here", "here>", "ere", "ere>", "re>"};
    check_list("where", 3, 6, where, 14);
    /* multi-byte characters count once and are never cut */
    const char *cafe[] = {"<ca", "<caf", "<caf\xc3\xa9", "<caf\xc3\xa9>", "caf", "caf\xc3\xa9", "caf\xc3\xa9>",
                          "af\xc3\xa9", "af\xc3\xa9>", "f\xc3\xa9>"};
    check_list("caf\xc3\xa9", 3, 6, cafe, 10);
    /* 1-grams: every character but the lone marks; maxn < minn: none */
    const char *one[] = {"<a", "a", "a>"};
    check_list("a", 1, 2, one, 3);
    CHECK_EQ(ngrams("word", 4, 3).n, 0);
    CHECK_EQ(ngrams("word", 0, 3).n, 0);
    /* a stray continuation byte belongs to the character before it */
    grams g = ngrams("a\x80" "b", 1, 1);
    CHECK_EQ(g.n, 2);
    CHECK(strcmp(g.list[0], "a\x80") == 0 && strcmp(g.list[1], "b") == 0);

    uint32_t b[32];
    int n = ns__ngram_buckets("where", 5, 3, 6, 1000, b, 32);
    CHECK_EQ(n, 14);
    CHECK_EQ(b[0], 1048167652u % 1000);
    CHECK_EQ(ns__ngram_buckets("where", 5, 3, 6, 1000, b, 2), 14); /* count past cap */
}

/* fastText's buckets, through its print-ngrams: vectors of n-grams of
 * out-of-vocabulary words (no word row among them). */
static void against_fasttext(const char *tmp) {
    if (system("command -v fasttext >/dev/null 2>&1") != 0) {
        printf("subword: fasttext not installed, its buckets not compared (apt-get install fasttext)\n");
        return;
    }
    char cmd[1024], path[512];
    snprintf(path, sizeof path, "%s/subword-ft.txt", tmp);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f) return;
    fputs("some text to train on\nmore text\n", f);
    fclose(f);
    snprintf(cmd, sizeof cmd,
             "fasttext skipgram -input %s -output %s/subword-ft -minn 2 -maxn 4 -dim 3 -epoch 1 -minCount 1 "
             "-bucket 997 -verbose 0 >/dev/null 2>&1",
             path, tmp);
    CHECK_EQ(system(cmd), 0);
    const char *words[] = {"zqxj", "caf\xc3\xa9", "na\xc3\xafve", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
                           "\xd0\xbc\xd0\xb8\xd1\x80", "qwertyuiop", "zzyzx", "\xc3\xbc\xc3\xb6\xc3\xa4\xc3\x9f",
                           "abcdefgh", "xylophones"};
    enum { MAXG = 400 };
    static char gram[MAXG][256], vec[MAXG][256];
    uint32_t ours[MAXG];
    int n = 0;
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
        snprintf(cmd, sizeof cmd, "fasttext print-ngrams %s/subword-ft.bin '%s'", tmp, words[w]);
        FILE *p = popen(cmd, "r");
        CHECK(p != NULL);
        char line[256];
        while (p && n < MAXG && fgets(line, sizeof line, p)) {
            char *sp = strchr(line, ' ');
            if (!sp) continue;
            *sp = 0;
            snprintf(gram[n], sizeof gram[n], "%s", line);
            snprintf(vec[n], sizeof vec[n], "%s", sp + 1);
            ours[n] = ns__ft_hash(gram[n], strlen(gram[n])) % 997;
            n++;
        }
        if (p) pclose(p);
    }
    CHECK(n > 100);
    int same = 0, bad = 0;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) {
            if (strcmp(gram[i], gram[j]) == 0) continue;
            int ft_same = strcmp(vec[i], vec[j]) == 0, ns_same = ours[i] == ours[j];
            same += ft_same;
            if (ft_same != ns_same && bad++ < 5)
                fprintf(stderr, "'%s' and '%s': fastText %s, ours %u and %u\n", gram[i], gram[j],
                        ft_same ? "one bucket" : "two buckets", ours[i], ours[j]);
        }
    CHECK_EQ(bad, 0);
    CHECK(same > 0); /* some collisions, so that both directions were tested */
    printf("subword: %d fastText n-grams, %d pairs sharing a bucket, all matching ours\n", n, same);
}

int main(void) {
    fixed();
    const char *tmp = getenv("NS_TEST_TMP");
    against_fasttext(tmp ? tmp : "/tmp");
    return check_exit("test_subword");
}
