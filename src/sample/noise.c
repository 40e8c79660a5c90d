/*
 * noise.c - the noise distribution negatives are drawn from: an alias table
 * over count^alpha or over user-given weights, the NCE / sampled-softmax
 * shift log(k Pn(w)) per word, and drawing with exclusions.
 */
#include "sample.h"

#include "core/core.h"
#include "core/parse.h"
#include "data/reader.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

ns_status ns__noise_build(ns_noise *nz, const ns_vocab *v, const ns_train_opts *o, ns_error *err) {
    int32_t n = ns_vocab_size(v);
    memset(nz, 0, sizeof *nz);
    double *w = ns__malloc((size_t)n, sizeof *w, "the noise weights", err);
    if (!w) return NS_ENOMEM;
    for (int32_t i = 0; i < n; i++)
        w[i] = o->noise_weights ? o->noise_weights[i] : ns__noise_weight(ns_vocab_count(v, i), o->ns_exponent);
    ns_status s = ns__alias_init(&nz->alias, w, n, err);
    if (s == NS_EINVAL) s = ns__fail(err, NS_EINVAL, "noise distribution has no positive weight");
    if (s == NS_OK && (o->loss == NS_LOSS_NCE || o->loss == NS_LOSS_SOFTMAX_SAMPLED)) {
        /* log(k Pn(w)); a word the noise never draws gets Pn floored at 1e-12
         * so that its positives keep a finite score. */
        double sum = 0;
        for (int32_t i = 0; i < n; i++) sum += w[i];
        if (!(nz->shift = ns__malloc((size_t)n, sizeof *nz->shift, "the noise shifts", err))) s = NS_ENOMEM;
        for (int32_t i = 0; s == NS_OK && i < n; i++) {
            double p = w[i] / sum;
            nz->shift[i] = (float)log(o->neg * (p > 1e-12 ? p : 1e-12));
        }
    }
    if (s == NS_OK && o->negatives == NS_NEG_MCMC) { /* the chains' target and proposals need Pn */
        double sum = 0;
        for (int32_t i = 0; i < n; i++) sum += w[i];
        if (!(nz->p = ns__malloc((size_t)n, sizeof *nz->p, "the noise probabilities", err))) s = NS_ENOMEM;
        for (int32_t i = 0; s == NS_OK && i < n; i++) nz->p[i] = w[i] / sum;
    }
    free(w);
    if (s != NS_OK) ns__noise_destroy(nz);
    return s;
}

void ns__noise_destroy(ns_noise *nz) {
    ns__alias_destroy(&nz->alias);
    free(nz->shift), free(nz->p);
    nz->shift = NULL, nz->p = NULL;
}

int ns__noise_draw(const ns_noise *nz, ns_rng *r, int k, const int32_t *exclude, int n_exclude,
                   int32_t *out) {
    int got = 0;
    for (int j = 0; j < k; j++)
        for (int tries = 0; tries < 8; tries++) {
            int32_t w = ns__alias_draw(&nz->alias, r);
            int bad = 0;
            for (int e = 0; e < n_exclude && !bad; e++) bad = exclude[e] == w;
            if (!bad) {
                out[got++] = w;
                break;
            }
        }
    return got;
}

ns_status ns_noise_weights_load(const ns_vocab *v, const char *path, double **out,
                                int64_t *unknown, ns_error *err) {
    ns__err_clear(err);
    ns_lines lr = {0};
    ns_status s = ns__lines_open(&lr, path, err);
    if (s != NS_OK) return s;
    int32_t n = ns_vocab_size(v);
    double *w = ns__calloc((size_t)n, sizeof *w, "the noise weights", err);
    char *line, *f[2];
    size_t len;
    int more = 0;
    if (!w) s = NS_ENOMEM;
    *unknown = 0;
    while (s == NS_OK && (more = ns__lines_next_data(&lr, &line, &len, err)) > 0) {
        double x;
        if (ns__fields(line, 0, f, 2) != 2 || !ns__parse_double(f[1], &x) || x < 0) {
            s = ns__fail(err, NS_EFORMAT, "%s:%lld: expected 'token weight' with a weight >= 0", lr.name, lr.no);
            break;
        }
        int32_t id = ns_vocab_find(v, f[0], strlen(f[0]));
        if (id < 0) (*unknown)++;
        else w[id] = x;
    }
    if (s == NS_OK && more < 0) s = more == -1 ? NS_EIO : ns__nomem(err, "a line", (double)lr.line_cap * 2);
    ns__lines_close(&lr);
    double sum = 0;
    for (int32_t i = 0; s == NS_OK && i < n; i++) sum += w[i];
    if (s == NS_OK && !(sum > 0))
        s = ns__fail(err, NS_EINVAL, "%s: no word of the vocabulary has a positive weight", path);
    if (s != NS_OK) {
        free(w);
        return s;
    }
    *out = w;
    return NS_OK;
}
