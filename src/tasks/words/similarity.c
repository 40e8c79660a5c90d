/*
 * similarity.c - word-similarity evaluation (WordSim-353 and the like):
 * Spearman's rho between human scores and cosines, with average ranks for
 * ties; pairs with an unknown word are counted and left out, unless the
 * vectors have subwords and the word n-grams (ns_emb_set_oov). The file goes
 * through the line reader (.gz and stdin work; '#' and blank lines are
 * skipped).
 */
#include "eval/emb.h"

#include "core/core.h"
#include "core/parse.h"
#include "data/reader.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static double pearson(const double *x, const double *y, int64_t n) {
    if (n < 2) return NAN;
    double mx = 0, my = 0;
    for (int64_t i = 0; i < n; i++) mx += x[i], my += y[i];
    mx /= (double)n, my /= (double)n;
    double sxy = 0, sxx = 0, syy = 0;
    for (int64_t i = 0; i < n; i++) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
    }
    if (sxx <= 0 || syy <= 0) return NAN;
    return sxy / sqrt(sxx * syy);
}

ns_status ns_pearson(const double *x, const double *y, int64_t n, double *out, ns_error *err) {
    ns__err_clear(err);
    *out = pearson(x, y, n);
    return NS_OK;
}

typedef struct ranked {
    double v;
    int64_t i;
} ranked;

static int by_value(const void *a, const void *b) {
    double x = ((const ranked *)a)->v, y = ((const ranked *)b)->v;
    return (x > y) - (x < y);
}

/* Average ranks (1-based) of x into r. */
static ns_status ranks(const double *x, int64_t n, double *r, ns_error *err) {
    ranked *t = ns__malloc((size_t)n, sizeof *t, "the ranks", err);
    if (!t) return NS_ENOMEM;
    for (int64_t i = 0; i < n; i++) t[i] = (ranked){x[i], i};
    qsort(t, (size_t)n, sizeof *t, by_value);
    for (int64_t i = 0; i < n;) {
        int64_t j = i;
        while (j + 1 < n && t[j + 1].v == t[i].v) j++;
        double avg = (double)(i + j) / 2.0 + 1.0;
        for (int64_t k = i; k <= j; k++) r[t[k].i] = avg;
        i = j + 1;
    }
    free(t);
    return NS_OK;
}

ns_status ns_spearman(const double *x, const double *y, int64_t n, double *out, ns_error *err) {
    ns__err_clear(err);
    *out = NAN;
    if (n < 2) return NS_OK;
    double *rx = ns__malloc((size_t)n, 2 * sizeof *rx, "the ranks", err);
    if (!rx) return NS_ENOMEM;
    ns_status s = ranks(x, n, rx, err);
    if (s == NS_OK) s = ranks(y, n, rx + n, err);
    if (s == NS_OK) *out = pearson(rx, rx + n, n);
    free(rx);
    return s;
}

ns_status ns_eval_similarity(const ns_emb *e, const char *path, int case_sensitive,
                             ns_similarity_report *out, ns_error *err) {
    ns__err_clear(err);
    memset(out, 0, sizeof *out);
    out->spearman = out->pearson = NAN;
    ns_lines lr;
    ns_status s = ns__lines_open(&lr, path, err);
    if (s != NS_OK) return s;
    char *line;
    size_t len;
    int got, first = 1; /* the first data line may be a header */
    int64_t m = 0, hcap = 0, mcap = 0;
    double *human = NULL, *model = NULL;
    float *qa = ns__aligned(2 * (size_t)e->klen, sizeof(float), "the query vectors", err);
    if (!qa) {
        ns__lines_close(&lr);
        return NS_ENOMEM;
    }
    float *qb = qa + e->klen;
    while (s == NS_OK && (got = ns__lines_next_data(&lr, &line, &len, err)) > 0) {
        /* Comma, tab or space separated: commas become spaces. */
        for (char *c = line; *c; c++)
            if (*c == ',') *c = ' ';
        char *fld[3];
        int nf = ns__fields(line, 0, fld, 3);
        double score;
        int header_ok = first;
        first = 0;
        if (nf < 3 || !ns__parse_double(fld[2], &score)) {
            if (header_ok) continue;
            s = ns__fail(err, NS_EFORMAT, "%s:%lld: expected 'word1 word2 score'%s", lr.name, lr.no,
                         nf < 3 ? "" : ": the score is not a number");
            break;
        }
        out->pairs++;
        if (!case_sensitive)
            for (int i = 0; i < 2; i++)
                for (char *c = fld[i]; *c; c++) *c = (char)tolower((unsigned char)*c);
        int32_t a = ns_emb_find(e, fld[0]), b = ns_emb_find(e, fld[1]);
        const float *va = a >= 0 ? ns_emb_row(e, a) : NULL, *vb = b >= 0 ? ns_emb_row(e, b) : NULL;
        if ((!va || !vb) && e->oov_ngrams && e->buckets) {
            /* words outside the table: their n-grams' vectors */
            if (!va && ns_emb_vector(e, fld[0], qa) == 2) va = qa;
            if (!vb && ns_emb_vector(e, fld[1], qb) == 2) vb = qb;
            out->oov += va && vb;
        }
        if (!va || !vb) continue;
        if (!ns__grow((void **)&human, &hcap, m + 1, sizeof *human) ||
            !ns__grow((void **)&model, &mcap, m + 1, sizeof *model)) {
            s = ns__nomem(err, "the similarity scores", (double)(m + 1) * 16);
            break;
        }
        human[m] = score;
        model[m] = e->k->dot(va, vb, e->klen);
        m++;
    }
    if (s == NS_OK && got < 0) s = got == -1 ? NS_EIO : ns__nomem(err, "a line", (double)lr.line_cap * 2);
    if (s == NS_OK && out->pairs == 0) s = ns__fail(err, NS_EEMPTY, "%s: no word pairs in the file", lr.name);
    if (s == NS_OK) {
        out->covered = m;
        out->pearson = pearson(human, model, m);
        s = ns_spearman(human, model, m, &out->spearman, err);
    }
    ns__lines_close(&lr);
    free(human);
    free(model);
    ns__free_aligned(qa);
    return s;
}
