/*
 * pairs.h - what the pairs trainer needs of pair data beyond the public API.
 */
#ifndef NS_PAIRS_H
#define NS_PAIRS_H

#include "negsamp.h"

/* The options the pairs were read with. */
void ns__pairs_opts_of(const ns_pairs *p, ns_pairs_opts *out);

#endif
