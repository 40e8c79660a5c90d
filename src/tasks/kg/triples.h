/*
 * triples.h - knowledge-graph triples and the set of known true triples,
 * shared by the reader, the trainer and the evaluation.
 */
#ifndef NS_TRIPLES_H
#define NS_TRIPLES_H

#include "negsamp.h"

struct ns_triples {
    ns_vocab *own_ents, *own_rels;   /* built from the file, or copies of
                                        the vocabularies it was read over */
    const ns_vocab *ents, *rels;     /* the same (what the ids refer to) */
    int64_t n, cap[3], unknown;
    int32_t *h, *r, *t;
};

/* (a, b, c) sorted lexicographically: (rel, head, tail) to find the known
 * tails of (head, rel, ?) and (rel, tail, head) for the heads of
 * (?, rel, tail). */
typedef struct ns_key3 {
    int32_t a, b, c;
} ns_key3;

struct ns_kg_filter {
    ns_key3 *by_tail, *by_head;
    int64_t n;
};

/* The known answers of (x, rel, ?) (tails: side 0, x = head) or
 * (?, rel, x) (heads: side 1, x = tail), sorted ascending; *n receives
 * their number (0 and a NULL return when none). */
const ns_key3 *ns__filter_answers(const ns_kg_filter *f, int side, int32_t rel, int32_t x, int64_t *n);
/* Whether the sorted answers hold id. */
int ns__filter_in(const ns_key3 *answers, int64_t n, int32_t id);

#endif
