/*
 * subword.c - character n-grams and fastText's hash (see subword.h). The
 * wrapped word "<" word ">" is never built: byte b of it is read in place.
 */
#include "tasks/words/subword.h"

static uint32_t fnv_step(uint32_t h, char byte) {
    /* the byte as a signed char, sign-extended to 32 bits */
    return (h ^ (uint32_t)(int32_t)(signed char)byte) * 16777619u;
}

uint32_t ns__ft_hash(const char *s, size_t len) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) h = fnv_step(h, s[i]);
    return h;
}

static char wrapped_at(const char *word, size_t len, size_t b) { return b == 0 ? '<' : b == len + 1 ? '>' : word[b - 1]; }

uint32_t ns__ft_hash_wrapped(const char *word, size_t len, size_t start, size_t end) {
    uint32_t h = 2166136261u;
    for (size_t b = start; b < end; b++) h = fnv_step(h, wrapped_at(word, len, b));
    return h;
}

/* Whether byte c continues a UTF-8 character (10xxxxxx). */
static int continues(char c) { return ((unsigned char)c & 0xC0) == 0x80; }

int ns__ngrams_each(const char *word, size_t len, int minn, int maxn, void (*fn)(size_t start, size_t end, void *user),
                    void *user) {
    if (minn < 1 || maxn < minn) return 0;
    size_t n = len + 2;
    int count = 0;
    for (size_t i = 0; i < n; i++) {
        if (continues(wrapped_at(word, len, i))) continue;
        /* the substrings of 1..maxn characters from character start i */
        size_t j = i;
        for (int chars = 1; j < n && chars <= maxn; chars++) {
            j++;
            while (j < n && continues(wrapped_at(word, len, j))) j++;
            int lone_mark = chars == 1 && (i == 0 || j == n);
            if (chars >= minn && !lone_mark) {
                fn(i, j, user);
                count++;
            }
        }
    }
    return count;
}

typedef struct bucket_sink {
    const char *word;
    size_t len;
    uint32_t bucket, *out;
    int cap, n;
} bucket_sink;

static void to_bucket(size_t start, size_t end, void *user) {
    bucket_sink *s = user;
    if (s->n < s->cap) s->out[s->n] = ns__ft_hash_wrapped(s->word, s->len, start, end) % s->bucket;
    s->n++;
}

int ns__ngram_buckets(const char *word, size_t len, int minn, int maxn, uint32_t bucket, uint32_t *out, int cap) {
    bucket_sink s = {word, len, bucket ? bucket : 1, out, cap, 0};
    ns__ngrams_each(word, len, minn, maxn, to_bucket, &s);
    return s.n;
}

typedef struct row_sink {
    const char *word;
    size_t len;
    uint32_t bucket;
    const float *rows;
    size_t stride;
    int n;
    float *acc;
} row_sink;

static void add_row(size_t start, size_t end, void *user) {
    row_sink *s = user;
    const float *row = s->rows + (size_t)(ns__ft_hash_wrapped(s->word, s->len, start, end) % s->bucket) * s->stride;
    for (int k = 0; k < s->n; k++) s->acc[k] += row[k];
}

int ns__ngram_rows_add(const char *word, size_t len, int minn, int maxn, uint32_t bucket, const float *rows,
                       size_t stride, int n, float *acc) {
    row_sink s = {word, len, bucket ? bucket : 1, rows, stride, n, acc};
    return ns__ngrams_each(word, len, minn, maxn, add_row, &s);
}
