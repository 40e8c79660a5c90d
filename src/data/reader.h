/*
 * reader.h - byte input from a file, stdin ("-") or gzip data (through zlib
 * when built with it: gzip content is detected, plain files pass through).
 */
#ifndef NS_READER_H
#define NS_READER_H

#include "negsamp.h"

#include <stddef.h>
#include <stdint.h>

typedef struct ns_reader ns_reader;

ns_status ns__reader_open(ns_reader **out, const char *path, ns_error *err);
/* Reads up to n bytes; returns the number read, 0 at end, -1 on error
 * (message in err). */
long ns__reader_read(ns_reader *r, char *buf, size_t n, ns_error *err);
void ns__reader_close(ns_reader *r);

/* The size in bytes of what the reader delivers when that is known before
 * reading it (a regular file that is not gzip data), else -1. */
int64_t ns__reader_size(ns_reader *r);

/* Lines from a reader, without the line break (and a trailing \r); the
 * same buffer also serves raw bytes (binary formats after a text header). */
typedef struct ns_lines {
    ns_reader *in;
    const char *name;  /* for messages: the path, or "<stdin>" */
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
/* Makes up to n bytes available without consuming them: *p points at them
 * (valid until the next call); returns how many (fewer only at the end),
 * -1 on a read error (message in err), -2 when out of memory. */
long ns__lines_peek(ns_lines *lr, size_t n, const char **p, ns_error *err);
/* Raw bytes: the next n into dst; returns how many (fewer only at the
 * end), -1 on a read error. */
long ns__lines_read(ns_lines *lr, void *dst, size_t n, ns_error *err);
/* One raw byte (0..255), -1 at the end, -2 on a read error. */
int ns__lines_getc(ns_lines *lr, ns_error *err);

#endif
