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

#endif
