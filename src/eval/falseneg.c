/*
 * falseneg.c - how often a sampled negative shares the positive's class
 * (a "false negative" when the class is what the embedding should capture).
 *
 * Positives are drawn from the data distribution p (the items' weights, or
 * uniform); negatives either from the noise q = weight^alpha, never the
 * positive itself (as the trainers draw them), or in-batch: the other
 * B - 1 positives of a batch drawn from p, leaving out copies of the
 * positive itself (the pair trainer merges those into the positive). In
 * both cases a negative given positive i is in i's class c with probability
 * (Q(c) - q_i) / (1 - q_i), where Q(c) sums q over the class. With k
 * noise draws per positive the expected fraction is
 *   sum_i p_i (Q(c_i) - q_i) / (1 - q_i);
 * in-batch (q = p) a positive i has B - 1 other rows of which a share
 * 1 - p_i are not copies of it, so the fraction over all negatives is
 *   sum_i p_i (P(c_i) - p_i) / sum_i p_i (1 - p_i).
 * Both are 1/C - O(1/n) for C balanced classes of n items drawn uniformly.
 * The simulation draws the same way and counts.
 */
#include "core/core.h"
#include "core/parse.h"
#include "data/reader.h"
#include "sample/sample.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void ns_fn_opts_default(ns_fn_opts *o) {
    o->sampler = NS_FN_NOISE;
    o->neg = 5;
    o->batch = 256;
    o->alpha = 0;
    o->trials = 200000;
    o->seed = 1;
}

/* Reads "item class [weight]" lines into classes (dense ids) and weights. */
static ns_status read_labels(const char *path, int32_t **cls, double **w, int32_t *n_items, int32_t *n_classes,
                             ns_error *err) {
    ns_lines lr;
    ns_status s = ns__lines_open(&lr, path, err);
    if (s != NS_OK) return s;
    ns_vocab *items = NULL, *classes = NULL;
    s = ns_vocab_create(&items, err);
    if (s == NS_OK) s = ns_vocab_create(&classes, err);
    char *line, *f[3];
    size_t len;
    int64_t n = 0, cap_c = 0, cap_w = 0;
    int got = 0;
    *cls = NULL, *w = NULL;
    while (s == NS_OK && (got = ns__lines_next_data(&lr, &line, &len, err)) > 0) {
        double weight = 1;
        int nf = ns__fields(line, 0, f, 3);
        if (nf < 2 || nf > 3 || (nf == 3 && !ns__parse_double(f[2], &weight)) || weight <= 0) {
            s = ns__fail(err, NS_EFORMAT, "%s:%lld: expected 'item class [weight]' with a weight > 0", lr.name, lr.no);
            break;
        }
        int32_t id, c;
        if (ns_vocab_find(items, f[0], strlen(f[0])) >= 0) {
            s = ns__fail(err, NS_EFORMAT, "%s:%lld: item '%s' listed twice", lr.name, lr.no, f[0]);
            break;
        }
        if ((s = ns_vocab_add(items, f[0], strlen(f[0]), 1, &id, err)) != NS_OK) break;
        if ((s = ns_vocab_add(classes, f[1], strlen(f[1]), 1, &c, err)) != NS_OK) break;
        if (!ns__grow((void **)cls, &cap_c, n + 1, sizeof **cls) || !ns__grow((void **)w, &cap_w, n + 1, sizeof **w))
            s = ns__nomem(err, "the labels", (double)(n + 1) * 24);
        if (s == NS_OK) (*cls)[n] = c, (*w)[n] = weight, n++;
    }
    if (s == NS_OK && got < 0) s = got == -1 ? NS_EIO : ns__nomem(err, "a line", (double)lr.line_cap * 2);
    if (s == NS_OK && n < 2) s = ns__fail(err, NS_EEMPTY, "%s: fewer than 2 items", lr.name);
    ns__lines_close(&lr);
    *n_items = (int32_t)n, *n_classes = classes ? ns_vocab_size(classes) : 0;
    ns_vocab_free(items), ns_vocab_free(classes);
    if (s != NS_OK) free(*cls), free(*w), *cls = NULL, *w = NULL;
    return s;
}

/* Draws positives from ap and their negatives (the trainers' way: from the
 * noise, never the positive; or the batch's other items that are not copies
 * of it); counts negatives and those in the positive's class. */
static ns_status simulate(const ns_fn_opts *o, const ns_alias *ap, const ns_alias *aq, const int32_t *cls,
                          int64_t *negs, int64_t *same, ns_error *err) {
    int32_t *draw = ns__malloc((size_t)(o->batch > o->neg ? o->batch : o->neg), sizeof *draw, "the draws", err);
    if (!draw) return NS_ENOMEM;
    ns_noise noise = {*aq, NULL, NULL};
    ns_rng r;
    ns__rng_seed(&r, o->seed, 0x66616c73ULL);
    *negs = *same = 0;
    for (int64_t t = 0; t < o->trials;) {
        if (o->sampler == NS_FN_INBATCH) {
            for (int b = 0; b < o->batch; b++) draw[b] = ns__alias_draw(ap, &r);
            for (int b = 0; b < o->batch && t < o->trials; b++, t++)
                for (int j = 0; j < o->batch; j++)
                    if (draw[j] != draw[b]) ++*negs, *same += cls[draw[j]] == cls[draw[b]];
        } else {
            int32_t pos = ns__alias_draw(ap, &r);
            int got = ns__noise_draw(&noise, &r, o->neg, &pos, 1, draw);
            for (int j = 0; j < got; j++) ++*negs, *same += cls[draw[j]] == cls[pos];
            t++;
        }
    }
    free(draw);
    return NS_OK;
}

ns_status ns_false_negatives(const char *labels, const ns_fn_opts *o, ns_fn_report *out, ns_error *err) {
    ns__err_clear(err);
    memset(out, 0, sizeof *out);
    if (o->sampler != NS_FN_NOISE && o->sampler != NS_FN_INBATCH)
        return ns__fail(err, NS_EINVAL, "unknown sampler %d", (int)o->sampler);
    if (o->neg < 1 || o->neg > 1000) return ns__fail(err, NS_EINVAL, "neg must be in 1..1000, got %d", o->neg);
    if (o->batch < 2 || o->batch > 65536) return ns__fail(err, NS_EINVAL, "batch must be in 2..65536, got %d", o->batch);
    if (!(o->alpha >= -10 && o->alpha <= 10)) return ns__fail(err, NS_EINVAL, "alpha must be in -10..10, got %g", o->alpha);
    if (o->trials < 1000 || o->trials > 1000000000LL)
        return ns__fail(err, NS_EINVAL, "trials must be in 1000..1e9, got %lld", (long long)o->trials);
    int32_t *cls, n, C;
    double *p;
    ns_status s = read_labels(labels, &cls, &p, &n, &C, err);
    if (s != NS_OK) return s;
    double *q = ns__malloc((size_t)n, sizeof *q, "the noise weights", err), *Qc = NULL;
    ns_alias ap = {0}, aq = {0};
    double sp = 0, sq = 0, e = 0, per = 0;
    int64_t negs = 0, same = 0;
    if (!q || !(Qc = ns__calloc((size_t)C, sizeof *Qc, "the class weights", err))) {
        s = NS_ENOMEM;
        goto done;
    }
    for (int32_t i = 0; i < n; i++)
        sp += p[i], sq += q[i] = o->sampler == NS_FN_INBATCH ? p[i] : pow(p[i], o->alpha);
    if (!(sq > 0 && isfinite(sq))) {
        s = ns__fail(err, NS_EINVAL, "%s: weights^%g overflow or vanish; use a smaller |alpha|", labels, o->alpha);
        goto done;
    }
    for (int32_t i = 0; i < n; i++) p[i] /= sp, q[i] /= sq, Qc[cls[i]] += q[i];
    if ((s = ns__alias_init(&ap, p, n, err)) != NS_OK || (s = ns__alias_init(&aq, q, n, err)) != NS_OK) goto done;
    for (int32_t i = 0; i < n; i++) {
        if (o->sampler == NS_FN_INBATCH) e += p[i] * (Qc[cls[i]] - p[i]), per += p[i] * (1 - p[i]);
        else e += q[i] < 1 ? p[i] * (Qc[cls[i]] - q[i]) / (1 - q[i]) : 0;
    }
    if ((s = simulate(o, &ap, &aq, cls, &negs, &same, err)) != NS_OK) goto done;
    if (negs == 0) {
        s = ns__fail(err, NS_EEMPTY, "%s: no negative drawn (every draw was the positive)", labels);
        goto done;
    }
    out->items = n, out->classes = C, out->negatives = negs;
    out->expected = o->sampler == NS_FN_INBATCH ? e / per : e;
    out->simulated = (double)same / (double)negs;
    /* Negatives of one positive share its class and are not independent:
     * the binomial error over positives, not over negatives, is the
     * conservative one. */
    out->std_error = sqrt(out->simulated * (1 - out->simulated) / (double)o->trials);
done:
    ns__alias_destroy(&ap), ns__alias_destroy(&aq);
    free(cls), free(p), free(q), free(Qc);
    return s;
}
