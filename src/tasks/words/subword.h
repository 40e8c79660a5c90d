/*
 * subword.h - fastText's character n-grams of a word, and their buckets.
 *
 * A word's n-grams are the substrings of its wrapped form "<" word ">" of
 * minn..maxn characters (UTF-8 characters: a byte 10xxxxxx continues the
 * character before it, so a multi-byte character is never cut), the lone
 * "<" and ">" left out; the whole "<word>" is one of them when it has at
 * most maxn characters. An n-gram's bucket is its fastText hash modulo the
 * bucket count, so that a bucket holds the same n-grams in both tools. The
 * hash is FNV-1a (32 bits) over the bytes read as signed chars: a byte
 * >= 0x80 is xor-ed in sign-extended, as fastText's int8_t cast does.
 */
#ifndef NS_SUBWORD_H
#define NS_SUBWORD_H

#include <stddef.h>
#include <stdint.h>

uint32_t ns__ft_hash(const char *s, size_t len);

/* fastText's hash of bytes [start, end) of the wrapped word (the word is
 * len bytes, without the marks). */
uint32_t ns__ft_hash_wrapped(const char *word, size_t len, size_t start, size_t end);

/* Calls fn(start, end, user) for each n-gram, as bytes [start, end) of the
 * wrapped word (len + 2 bytes), in fastText's order: by start character,
 * then by length. Returns how many there were: at most
 * (characters + 2) (maxn - minn + 1); none when minn < 1 or maxn < minn. */
int ns__ngrams_each(const char *word, size_t len, int minn, int maxn, void (*fn)(size_t start, size_t end, void *user),
                    void *user);

/* The buckets (0..bucket-1) of the word's n-grams into out[0..cap), in the
 * order above; returns how many n-grams there are (those past cap are not
 * written). */
int ns__ngram_buckets(const char *word, size_t len, int minn, int maxn, uint32_t bucket, uint32_t *out, int cap);

/* Adds the rows of the word's n-grams to acc[0..n): row b (the bucket of an
 * n-gram) is rows + b * stride. Returns how many n-grams there were. */
int ns__ngram_rows_add(const char *word, size_t len, int minn, int maxn, uint32_t bucket, const float *rows,
                       size_t stride, int n, float *acc);

#endif
