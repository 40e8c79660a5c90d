/* Vocabulary: counting, lookup, frequency order, min-count, max-vocab. */
#include "check.h"
#include "data/vocab.h"

int main(void) {
    ns_vocab *v;
    CHECK_EQ(ns_vocab_create(&v, NULL), NS_OK);
    const char *words[] = {"b", "a", "c", "a", "d", "a", "c", "b", "e"};
    for (int i = 0; i < 9; i++) CHECK_EQ(ns_vocab_add(v, words[i], strlen(words[i]), 1, NULL, NULL), NS_OK);
    CHECK_EQ(ns_vocab_size(v), 5);
    CHECK_EQ(ns_vocab_total(v), 9);
    CHECK_EQ(ns_vocab_find(v, "a", 1), 1);
    CHECK_EQ(ns_vocab_find(v, "zz", 2), -1);
    CHECK_EQ(ns_vocab_count(v, ns_vocab_find(v, "a", 1)), 3);
    CHECK_EQ(ns_vocab_add(v, "", 0, 1, NULL, NULL), NS_EINVAL);
    /* Many words force rehashing. */
    char buf[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(buf, sizeof buf, "w%d", i);
        ns_vocab_add(v, buf, strlen(buf), 1, NULL, NULL);
    }
    CHECK_EQ(ns_vocab_find(v, "w4999", 5), 5 + 4999);
    int32_t *map;
    /* Keep words seen >= 2 times: a(3) b(2) c(2); ties by bytes. */
    CHECK_EQ(ns__vocab_prune(v, 0, 2, 0, &map, NULL), NS_OK);
    CHECK_EQ(ns_vocab_size(v), 3);
    CHECK(strcmp(ns_vocab_word(v, 0), "a") == 0);
    CHECK(strcmp(ns_vocab_word(v, 1), "b") == 0);
    CHECK(strcmp(ns_vocab_word(v, 2), "c") == 0);
    CHECK_EQ(map[0], 1); /* b was id 0 */
    CHECK_EQ(map[3], -1); /* d dropped */
    CHECK_EQ(ns_vocab_total(v), 7);
    CHECK_EQ(ns_vocab_find(v, "c", 1), 2);
    CHECK_EQ(ns_vocab_find(v, "d", 1), -1);
    free(map);
    /* Keep a prefix fixed (continued training), cap the size. */
    ns_vocab_add(v, "z", 1, 10, NULL, NULL);
    ns_vocab_add(v, "y", 1, 20, NULL, NULL);
    ns_vocab_add(v, "x", 1, 1, NULL, NULL);
    CHECK_EQ(ns__vocab_prune(v, 3, 1, 4, NULL, NULL), NS_OK);
    CHECK_EQ(ns_vocab_size(v), 4);
    CHECK(strcmp(ns_vocab_word(v, 0), "a") == 0);
    CHECK(strcmp(ns_vocab_word(v, 3), "y") == 0);
    ns_vocab *c;
    CHECK_EQ(ns__vocab_clone(&c, v, NULL), NS_OK);
    CHECK_EQ(ns_vocab_size(c), 4);
    CHECK_EQ(ns_vocab_count(c, 3), 20);
    ns_vocab_free(c);
    ns_vocab_free(v);
    ns_vocab_free(NULL);
    return check_exit("test_vocab");
}
