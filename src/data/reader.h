/*
 * reader.h - byte input from a file, stdin ("-") or gzip data (through zlib
 * when built with it: gzip content is detected, plain files pass through).
 */
#ifndef NS_READER_H
#define NS_READER_H

#include "negsamp.h"

#include <stddef.h>

typedef struct ns_reader ns_reader;

ns_status ns__reader_open(ns_reader **out, const char *path, ns_error *err);
/* Reads up to n bytes; returns the number read, 0 at end, -1 on error
 * (message in err). */
long ns__reader_read(ns_reader *r, char *buf, size_t n, ns_error *err);
void ns__reader_close(ns_reader *r);

/* Lines from a reader, without the line break (and a trailing \r). */
typedef struct ns_lines {
    ns_reader *in;
    char *buf, *line;
    size_t cap, start, end, line_cap;
    int eof;
    long long no;   /* lines returned so far: the current line's number */
} ns_lines;

ns_status ns__lines_open(ns_lines *lr, const char *path, ns_error *err);
/* 1: a line in *out (NUL-terminated, length *len, owned by lr until the
 * next call); 0: end; -1: read error (message in err); -2: out of memory. */
int ns__lines_next(ns_lines *lr, char **out, size_t *len, ns_error *err);
/* The same, skipping the lines every data file may hold: empty ones, ones
 * of spaces and tabs only, and comments (starting with '#'); lr->no still
 * counts every line, for messages. */
int ns__lines_next_data(ns_lines *lr, char **out, size_t *len, ns_error *err);
void ns__lines_close(ns_lines *lr);

#endif
