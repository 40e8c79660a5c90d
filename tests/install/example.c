/*
 * example.c - a program built against the installed library only (the
 * install test compiles it with `pkg-config --cflags --libs negsamp` and
 * with CMake's find_package): trains skip-gram on a planted text of 10
 * topics, where a line of topic t holds t's four context words "c<t>_<k>"
 * and either "a<t>" or "b<t>" (never both), so that a<t> and b<t> have the
 * same contexts; checks that among the b-words each a-word is closest to its
 * own.
 */
#include <negsamp.h>

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "example.txt";
    FILE *f = fopen(path, "w");
    if (!f) return 1;
    unsigned x = 1;
    for (int line = 0; line < 3000; line++) {
        int topic = line % 10, variant = line / 10 % 2;
        for (int w = 0; w < 12; w++) {
            x = x * 1103515245u + 12345u;
            int pick = (int)(x >> 16) % 5;
            if (pick == 4) fprintf(f, "%c%d ", variant ? 'b' : 'a', topic);
            else fprintf(f, "c%d_%d ", topic, pick);
        }
        fputc('\n', f);
    }
    fclose(f);

    ns_error err = {{0}};
    ns_corpus_opts co;
    ns_corpus_opts_default(&co);
    ns_corpus *c = NULL;
    ns_model *m = NULL;
    ns_emb *e = NULL;
    ns_status s = ns_corpus_load(&c, path, &co, NULL, &err);
    ns_train_opts o;
    ns_train_opts_default(&o, NS_TASK_SKIPGRAM);
    o.dim = 16, o.epochs = 5, o.sample = 0, o.threads = 1;
    if (s == NS_OK) s = ns_model_create(&m, ns_corpus_vocab(c), &o, &err);
    if (s == NS_OK) s = ns_train_words(m, c, NULL, &o, NULL, &err);
    if (s == NS_OK) s = ns_emb_from_model(&e, m, &err);
    int right = 0;
    for (int topic = 0; s == NS_OK && topic < 10; topic++) {
        char w[16];
        snprintf(w, sizeof w, "a%d", topic);
        const float *a = ns_emb_row(e, ns_emb_find(e, w));
        int best = -1;
        float best_cos = -2;
        for (int other = 0; other < 10; other++) {
            snprintf(w, sizeof w, "b%d", other);
            const float *b = ns_emb_row(e, ns_emb_find(e, w));
            float cos = 0;
            for (int32_t d = 0; d < ns_emb_dim(e); d++) cos += a[d] * b[d];
            if (cos > best_cos) best_cos = cos, best = other;
        }
        right += best == topic;
    }
    if (s != NS_OK) fprintf(stderr, "example: %s: %s\n", ns_status_str(s), err.msg);
    else printf("example: %d of 10 a-words closest to their own b-word (negsamp %s)\n", right, NS_VERSION_STRING);
    ns_emb_free(e);
    ns_model_free(m);
    ns_corpus_free(c);
    return s == NS_OK && right >= 8 ? 0 : 1;
}
