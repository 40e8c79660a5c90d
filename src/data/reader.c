/*
 * reader.c - see reader.h. With zlib, every input goes through gzread, which
 * decompresses gzip content and passes other bytes through unchanged.
 */
#include "reader.h"

#include "core/core.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef NS_HAVE_ZLIB
#include <zlib.h>
#endif

struct ns_reader {
    const char *path;
    int64_t size;   /* of a regular file, else -1 */
#ifdef NS_HAVE_ZLIB
    gzFile gz;
#else
    FILE *f;
#endif
};

ns_status ns__reader_open(ns_reader **out, const char *path, ns_error *err) {
    int is_stdin = strcmp(path, "-") == 0;
    int fd = is_stdin ? dup(STDIN_FILENO) : open(path, O_RDONLY);
    if (fd < 0) return ns__fail(err, NS_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        return ns__fail(err, NS_EIO, "%s: is a directory", path);
    }
    ns_reader *r = ns__calloc(1, sizeof *r, "a reader", err);
    if (!r) {
        close(fd);
        return NS_ENOMEM;
    }
    r->path = is_stdin ? "<stdin>" : path;
    r->size = !is_stdin && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? (int64_t)st.st_size : -1;
#ifdef NS_HAVE_ZLIB
    r->gz = gzdopen(fd, "rb");
    if (!r->gz) {
        close(fd);
        free(r);
        return ns__fail(err, NS_EIO, "%s: cannot open", path);
    }
    gzbuffer(r->gz, 1 << 18);
#else
    r->f = fdopen(fd, "rb");
    if (!r->f) {
        close(fd);
        free(r);
        return ns__fail(err, NS_EIO, "%s: cannot open: %s", path, strerror(errno));
    }
    size_t n = strlen(path);
    if (n > 3 && strcmp(path + n - 3, ".gz") == 0) {
        ns__reader_close(r);
        return ns__fail(err, NS_EINVAL, "%s: .gz input needs a build with zlib", path);
    }
#endif
    *out = r;
    return NS_OK;
}

long ns__reader_read(ns_reader *r, char *buf, size_t n, ns_error *err) {
#ifdef NS_HAVE_ZLIB
    if (n > (1u << 30)) n = 1u << 30;
    int got = gzread(r->gz, buf, (unsigned)n);
    if (got < 0) {
        int code;
        const char *m = gzerror(r->gz, &code);
        ns__fail(err, NS_EIO, "%s: read error: %s", r->path, m);
        return -1;
    }
    if (got == 0) {
        /* A truncated gzip stream ends without an error from gzread; ask. */
        int code;
        const char *m = gzerror(r->gz, &code);
        if (code != Z_OK && code != Z_BUF_ERROR) {
            ns__fail(err, NS_EIO, "%s: read error: %s", r->path, m);
            return -1;
        }
        if (code == Z_BUF_ERROR) {
            ns__fail(err, NS_EFORMAT, "%s: truncated gzip data", r->path);
            return -1;
        }
    }
    return got;
#else
    size_t got = fread(buf, 1, n, r->f);
    if (got == 0 && ferror(r->f)) {
        ns__fail(err, NS_EIO, "%s: read error: %s", r->path, strerror(errno));
        return -1;
    }
    return (long)got;
#endif
}

int64_t ns__reader_size(ns_reader *r) {
#ifdef NS_HAVE_ZLIB
    /* gzdirect() tells plain from gzip data once the header was looked at. */
    if (r->size < 0 || !gzdirect(r->gz)) return -1;
#endif
    return r->size;
}

void ns__reader_close(ns_reader *r) {
    if (!r) return;
#ifdef NS_HAVE_ZLIB
    gzclose(r->gz);
#else
    fclose(r->f);
#endif
    free(r);
}

ns_status ns__lines_open(ns_lines *lr, const char *path, ns_error *err) {
    memset(lr, 0, sizeof *lr);
    ns_status s = ns__reader_open(&lr->in, path, err);
    if (s != NS_OK) return s;
    lr->name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    lr->cap = 1 << 16;
    if (!(lr->buf = ns__malloc(lr->cap, 1, "the read buffer", err))) {
        ns__reader_close(lr->in);
        return NS_ENOMEM;
    }
    return NS_OK;
}

void ns__lines_close(ns_lines *lr) {
    ns__reader_close(lr->in);
    free(lr->buf), free(lr->line);
    memset(lr, 0, sizeof *lr);
}

int ns__lines_next(ns_lines *lr, char **out, size_t *len, ns_error *err) {
    size_t n = 0;
    for (;;) {
        if (lr->start == lr->end) {
            if (lr->eof) break;
            long got = ns__reader_read(lr->in, lr->buf, lr->cap, err);
            if (got < 0) return -1;
            if (got == 0) {
                lr->eof = 1;
                break;
            }
            lr->start = 0, lr->end = (size_t)got;
        }
        char *nl = memchr(lr->buf + lr->start, '\n', lr->end - lr->start);
        size_t take = (nl ? (size_t)(nl - lr->buf) : lr->end) - lr->start;
        if (n + take + 1 > lr->line_cap) {
            size_t c = (n + take + 1) * 2;
            char *b = realloc(lr->line, c);
            if (!b) {
                ns__nomem(err, "a line", (double)c);
                return -2;
            }
            lr->line = b, lr->line_cap = c;
        }
        memcpy(lr->line + n, lr->buf + lr->start, take);
        n += take;
        lr->start += take + (nl ? 1 : 0);
        if (nl) {
            lr->line[n] = '\0';
            goto done;
        }
    }
    if (n == 0) return 0;
    lr->line[n] = '\0';
done:
    if (n > 0 && lr->line[n - 1] == '\r') lr->line[--n] = '\0';
    *out = lr->line, *len = n;
    lr->no++;
    return 1;
}

int ns__lines_next_data(ns_lines *lr, char **out, size_t *len, ns_error *err) {
    int got;
    while ((got = ns__lines_next(lr, out, len, err)) > 0)
        if (**out != '#' && strspn(*out, " \t") != *len) break;
    return got;
}

/* Moves the unread bytes to the front and reads until at least n are
 * buffered or the input ends; returns the number buffered, or -1 / -2. */
static long fill(ns_lines *lr, size_t n, ns_error *err) {
    if (lr->start > 0) {
        memmove(lr->buf, lr->buf + lr->start, lr->end - lr->start);
        lr->end -= lr->start, lr->start = 0;
    }
    if (n > lr->cap) {
        char *b = realloc(lr->buf, n);
        if (!b) {
            ns__nomem(err, "the read buffer", (double)n);
            return -2;
        }
        lr->buf = b, lr->cap = n;
    }
    while (lr->end < n && !lr->eof) {
        long got = ns__reader_read(lr->in, lr->buf + lr->end, lr->cap - lr->end, err);
        if (got < 0) return -1;
        if (got == 0) lr->eof = 1;
        lr->end += (size_t)got;
    }
    return (long)lr->end;
}

long ns__lines_peek(ns_lines *lr, size_t n, const char **p, ns_error *err) {
    long have = (long)(lr->end - lr->start);
    if ((size_t)have < n && (have = fill(lr, n, err)) < 0) return have;
    *p = lr->buf + lr->start;
    return (size_t)have < n ? have : (long)n;
}

long ns__lines_read(ns_lines *lr, void *dst, size_t n, ns_error *err) {
    size_t done = 0;
    while (done < n) {
        if (lr->start == lr->end) {
            if (lr->eof) break;
            long got = fill(lr, 1, err);
            if (got < 0) return -1;
            if (got == 0) break;
        }
        size_t take = lr->end - lr->start < n - done ? lr->end - lr->start : n - done;
        memcpy((char *)dst + done, lr->buf + lr->start, take);
        lr->start += take, done += take;
    }
    return (long)done;
}

int ns__lines_getc(ns_lines *lr, ns_error *err) {
    if (lr->start == lr->end) {
        long got = lr->eof ? 0 : fill(lr, 1, err);
        if (got < 0) return -2;
        if (lr->start == lr->end) return -1;
    }
    return (unsigned char)lr->buf[lr->start++];
}
