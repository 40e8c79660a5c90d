/*
 * io.h - output files written atomically: a temporary file beside the
 * target, renamed over it only after every byte was written and the file
 * closed without error. A failed write leaves any old file untouched.
 */
#ifndef NS_IO_H
#define NS_IO_H

#include "negsamp.h"

#include <stdio.h>

typedef struct ns_outfile {
    FILE *f;
    char *tmp;
    const char *path;
} ns_outfile;

ns_status ns__out_open(ns_outfile *o, const char *path, ns_error *err);
/* Closes, checks for write errors and renames; on any failure removes the
 * temporary file. Also call it on error paths with ok = 0 to discard. */
ns_status ns__out_finish(ns_outfile *o, int ok, ns_error *err);

#define NS_MODEL_MAGIC "NSMODEL1"
#define NS_MODEL_VERSION 3u

#endif
