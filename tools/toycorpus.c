/*
 * toycorpus.c - writes a small corpus in a made-up language whose analogies
 * hold by construction, with its analogy questions and similarity pairs.
 *
 * The world: N nations, each with five words, one per role:
 *   country  STEM-land   capital  STEM-ville   language STEM-ish
 *   currency STEM-coin   people   STEM-folk
 * A sentence talks about one nation in two or three roles: each role word
 * comes with a marker word of its role ("mayor" for capitals, "grammar" for
 * languages, ...), among function words of Zipf-like frequency. So a role
 * word's contexts are the sum of a role part (markers) and a nation part
 * (the nation's other words), and vec(b) - vec(a) + vec(c) lands on d for
 * every question "a b c d" = (role1 of x, role2 of x, role1 of y, role2 of y).
 * The spelling shows the answer to a person; the trainer never sees it.
 *
 * usage: ns-toycorpus DIR [sentences] [nations] [seed] [text-seed]
 * (seed makes the world: the words; text-seed, default seed, the sentences:
 * another text-seed gives held-out text in the same language)
 * writes DIR/toy.txt, DIR/toy-analogy.txt, DIR/toy-sim.txt
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROLES 5
#define MAXN 200

static const char *suffix[ROLES] = {"land", "ville", "ish", "coin", "folk"};
static const char *role_name[ROLES] = {"country", "capital", "language", "currency", "people"};
static const char *markers[ROLES][5] = {
    {"border", "territory", "nation", "province", "map"},
    {"city", "mayor", "streets", "downtown", "harbour"},
    {"speak", "grammar", "dialect", "fluent", "words"},
    {"pay", "coins", "bank", "price", "exchange"},
    {"citizens", "born", "families", "villagers", "crowd"},
};
static const char *function_words[] = {"the", "of", "and", "in", "a", "to", "is", "was", "for", "on", "with", "by"};
#define NFW (sizeof function_words / sizeof function_words[0])

static uint64_t rng_state;
static uint64_t next(void) {
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static int below(int n) { return (int)((next() >> 33) % (uint64_t)n); }

/* Zipf-like: function word i with weight 1/(i+1). */
static const char *function_word(void) {
    double total = 0, u;
    for (size_t i = 0; i < NFW; i++) total += 1.0 / (double)(i + 1);
    u = (double)(next() >> 11) / 9007199254740992.0 * total;
    for (size_t i = 0; i < NFW; i++) {
        u -= 1.0 / (double)(i + 1);
        if (u <= 0) return function_words[i];
    }
    return function_words[NFW - 1];
}

static void make_stems(char stems[][16], int n) {
    static const char *cons = "bdfgklmnprstvz", *vow = "aeiou";
    for (int i = 0; i < n; i++) {
        for (;;) {
            int syl = 2 + below(2), len = 0;
            for (int s = 0; s < syl; s++) {
                stems[i][len++] = cons[below((int)strlen(cons))];
                stems[i][len++] = vow[below((int)strlen(vow))];
            }
            stems[i][len] = '\0';
            int dup = 0;
            for (int j = 0; j < i; j++) dup |= strcmp(stems[i], stems[j]) == 0;
            if (!dup) break;
        }
    }
}

static FILE *open_out(const char *dir, const char *name) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) perror(path);
    return f;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: ns-toycorpus DIR [sentences=60000] [nations=30] [seed=7] [text-seed=seed]\n");
        return 2;
    }
    long sentences = argc > 2 ? atol(argv[2]) : 60000;
    int n = argc > 3 ? atoi(argv[3]) : 30;
    rng_state = argc > 4 ? strtoull(argv[4], NULL, 10) : 7;
    if (sentences < 1 || n < 2 || n > MAXN) {
        fprintf(stderr, "ns-toycorpus: need sentences >= 1 and 2 <= nations <= %d\n", MAXN);
        return 2;
    }
    char stems[MAXN][16];
    make_stems(stems, n);
    if (argc > 5) rng_state = strtoull(argv[5], NULL, 10) ^ 0x5bd1e995u;
    FILE *f = open_out(argv[1], "toy.txt");
    if (!f) return 1;
    for (long s = 0; s < sentences; s++) {
        int nation = below(n), nroles = 2 + (below(3) == 0), used[ROLES] = {0};
        for (int k = 0; k < nroles; k++) {
            int r;
            do r = below(ROLES); while (used[r]);
            used[r] = 1;
            if (below(2)) fprintf(f, "%s ", function_word());
            const char *m = markers[r][below(5)];
            if (below(2)) fprintf(f, "%s %s%s ", m, stems[nation], suffix[r]);
            else fprintf(f, "%s%s %s ", stems[nation], suffix[r], m);
            if (below(2)) fprintf(f, "%s ", function_word());
        }
        fprintf(f, "%s\n", function_word());
    }
    if (fclose(f) != 0) return 1;

    f = open_out(argv[1], "toy-analogy.txt");
    if (!f) return 1;
    for (int r1 = 0; r1 < ROLES; r1++)
        for (int r2 = 0; r2 < ROLES; r2++) {
            if (r1 == r2) continue;
            fprintf(f, ": %s-%s\n", role_name[r1], role_name[r2]);
            for (int x = 0; x < n; x++)
                for (int y = 0; y < n; y++)
                    if (x != y)
                        fprintf(f, "%s%s %s%s %s%s %s%s\n", stems[x], suffix[r1], stems[x], suffix[r2],
                                stems[y], suffix[r1], stems[y], suffix[r2]);
        }
    if (fclose(f) != 0) return 1;

    /* Similarity: same nation (9), same role (5), neither (1). */
    f = open_out(argv[1], "toy-sim.txt");
    if (!f) return 1;
    fprintf(f, "word1,word2,score\n");
    for (int p = 0; p < 300; p++) {
        int x = below(n), y = below(n), r1 = below(ROLES), r2 = below(ROLES);
        if (x == y && r1 == r2) continue;
        int score = x == y ? 9 : r1 == r2 ? 5 : 1;
        fprintf(f, "%s%s,%s%s,%d\n", stems[x], suffix[r1], stems[y], suffix[r2], score);
    }
    return fclose(f) != 0;
}
