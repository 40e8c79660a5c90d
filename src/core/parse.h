/*
 * parse.h - the one field splitter and the number parsers every reader
 * uses (corpus, pairs, interactions, triples, noise weights, labels,
 * evaluation files, .vec rows, command-line values).
 */
#ifndef NS_PARSE_H
#define NS_PARSE_H

#include <stdint.h>

/* Cuts the next field off the line at *p and NUL-terminates it in place;
 * *p moves past it. With sep = 0 fields are separated by runs of spaces and
 * tabs (leading ones skipped, so no field is empty); otherwise by exactly
 * one `sep` each (empty fields are kept: "a\t\tb" has three). Returns NULL
 * once the line is used up. */
char *ns__field(char **p, char sep);

/* Splits a whole line: the first `max` fields go to f[]; returns the number
 * of fields the line holds (more than max when it holds more). */
int ns__fields(char *line, char sep, char **f, int max);

/* A whole string as a finite double (strtod syntax; no trailing bytes, no
 * overflow). Returns 1, or 0 leaving *out alone. */
int ns__parse_double(const char *s, double *out);
/* A whole string as a base-10 integer in [min, max]. Returns 1 or 0. */
int ns__parse_int(const char *s, int64_t min, int64_t max, int64_t *out);

#endif
