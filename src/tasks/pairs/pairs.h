/*
 * pairs.h - what the pairs trainer needs of pair data beyond the public API.
 */
#ifndef NS_PAIRS_H
#define NS_PAIRS_H

#include "negsamp.h"

/* epochs NS_AUTO: enough passes over the pairs for NS_PAIRS_AUTO_UPDATES
 * updates in all, at least 5 (a pair updates its two rows once a pass,
 * where a word in a window of 5 updates ten: word2vec's 5 passes are too
 * few for a small set, 11,000 pairs of 300 items learn nothing in 5 and
 * all in 10). */
#define NS_PAIRS_AUTO_UPDATES 100000
int32_t ns__pairs_epochs(int32_t epochs, int64_t pairs);

/* The options the pairs were read with. */
void ns__pairs_opts_of(const ns_pairs *p, ns_pairs_opts *out);

#endif
