/*
 * outfile.c - atomic output files; see io.h.
 */
#include "io.h"

#include "core/core.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

ns_status ns__out_open(ns_outfile *o, const char *path, ns_error *err) {
    o->f = NULL;
    o->path = path;
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) return ns__fail(err, NS_EIO, "%s: is a directory", path);
    size_t n = strlen(path);
    o->tmp = ns__malloc(n + 64, 1, "a file name", err);
    if (!o->tmp) return NS_ENOMEM;
    /* A new name beside the target, created with the mode a plain new file
     * gets (0666 less the umask; mkstemp's would be 0600). */
    int fd = -1;
    uint64_t salt = (uint64_t)(uintptr_t)o ^ (uint64_t)(ns__now() * 1e9);
    for (int tries = 0; fd < 0 && tries < 100; tries++) {
        salt = salt * 6364136223846793005ULL + 1442695040888963407ULL;
        snprintf(o->tmp, n + 64, "%s.tmp.%ld.%08llx", path, (long)getpid(), (unsigned long long)(salt >> 32));
        fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST) break;
    }
    if (fd < 0) {
        ns_status s = ns__fail(err, NS_EIO, "%s: cannot create: %s", path, strerror(errno));
        free(o->tmp);
        o->tmp = NULL;
        return s;
    }
    o->f = fdopen(fd, "wb");
    if (!o->f) {
        close(fd);
        unlink(o->tmp);
        free(o->tmp);
        o->tmp = NULL;
        return ns__fail(err, NS_EIO, "%s: cannot open for writing", path);
    }
    setvbuf(o->f, NULL, _IOFBF, 1 << 20);
    return NS_OK;
}

ns_status ns__out_finish(ns_outfile *o, int ok, ns_error *err) {
    ns_status s = NS_OK;
    if (!o->tmp) return NS_EIO;
    int werr = ferror(o->f);
    int saved = errno;
    if (fclose(o->f) != 0 && !werr) {
        werr = 1;
        saved = errno;
    }
    if (ok && werr)
        s = ns__fail(err, NS_EIO, "%s: write failed: %s", o->path, strerror(saved));
    else if (ok && rename(o->tmp, o->path) != 0)
        s = ns__fail(err, NS_EIO, "%s: cannot rename the finished file into place: %s", o->path,
                     strerror(errno));
    if (!ok || s != NS_OK) unlink(o->tmp);
    if (!ok && s == NS_OK) s = NS_EIO;
    free(o->tmp);
    o->tmp = NULL;
    return s;
}

ns_status ns_output_check(const char *path, ns_error *err) {
    ns__err_clear(err);
    ns_outfile o;
    ns_status s = ns__out_open(&o, path, err);
    if (s == NS_OK) ns__out_finish(&o, 0, NULL); /* removes the probe */
    return s;
}
