/*
 * similarity.c - word-similarity evaluation (WordSim-353 and the like):
 * Spearman's rho between human scores and cosines, with average ranks for
 * ties; pairs with an unknown word are counted and left out.
 */
#include "eval/emb.h"

#include "core/core.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <string.h>

double ns_pearson(const double *x, const double *y, int64_t n) {
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

typedef struct ranked {
    double v;
    int64_t i;
} ranked;

static int by_value(const void *a, const void *b) {
    double x = ((const ranked *)a)->v, y = ((const ranked *)b)->v;
    return (x > y) - (x < y);
}

/* Average ranks (1-based) of x into r. */
static int ranks(const double *x, int64_t n, double *r) {
    ranked *t = malloc((size_t)n * sizeof *t);
    if (!t) return 0;
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
    return 1;
}

double ns_spearman(const double *x, const double *y, int64_t n) {
    if (n < 2) return NAN;
    double *rx = malloc((size_t)n * sizeof *rx), *ry = malloc((size_t)n * sizeof *ry);
    double rho = NAN;
    if (rx && ry && ranks(x, n, rx) && ranks(y, n, ry)) rho = ns_pearson(rx, ry, n);
    free(rx);
    free(ry);
    return rho;
}

/* Splits on commas, tabs and spaces; returns the number of fields (<= max). */
static int split(char *s, char **f, int max) {
    int n = 0;
    for (char *t = strtok(s, ",\t "); t && n < max; t = strtok(NULL, ",\t ")) f[n++] = t;
    return n;
}

static int parse_number(const char *s, double *v) {
    char *end;
    *v = strtod(s, &end);
    return end != s && *end == '\0' && isfinite(*v);
}

ns_status ns_eval_similarity(const ns_emb *e, const char *path, int case_sensitive,
                             ns_similarity_report *out, ns_error *err) {
    memset(out, 0, sizeof *out);
    out->spearman = out->pearson = NAN;
    FILE *f = fopen(path, "rb");
    if (!f) return ns__fail(err, NS_EIO, "%s: cannot open: %s", path, strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long long no = 0;
    int64_t m = 0, mcap = 0;
    double *human = NULL, *model = NULL;
    int first = 1; /* the first non-empty line may be a header */
    ns_status s = NS_OK;
    while ((n = getline(&line, &cap, f)) >= 0) {
        no++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
        char *fld[3];
        char *p = line;
        while (isspace((unsigned char)*p)) p++;
        if (!*p || *p == '#') continue;
        int nf = split(p, fld, 3);
        double score;
        int header_ok = first;
        first = 0;
        if (nf < 3 || !parse_number(fld[2], &score)) {
            if (header_ok) continue;
            s = ns__fail(err, NS_EFORMAT, "%s:%lld: expected 'word1 word2 score'%s", path, no,
                         nf < 3 ? "" : ": the score is not a number");
            goto done;
        }
        out->pairs++;
        if (!case_sensitive)
            for (int i = 0; i < 2; i++)
                for (char *c = fld[i]; *c; c++) *c = (char)tolower((unsigned char)*c);
        int32_t a = ns_emb_find(e, fld[0]), b = ns_emb_find(e, fld[1]);
        if (a < 0 || b < 0) continue;
        if (m == mcap) {
            mcap = mcap ? mcap * 2 : 512;
            double *h = realloc(human, (size_t)mcap * sizeof *h), *md;
            if (h) human = h;
            md = realloc(model, (size_t)mcap * sizeof *md);
            if (md) model = md;
            if (!h || !md) {
                s = NS_ENOMEM;
                goto done;
            }
        }
        human[m] = score;
        model[m] = e->k->dot(ns_emb_row(e, a), ns_emb_row(e, b), e->klen);
        m++;
    }
    if (out->pairs == 0) {
        s = ns__fail(err, NS_EEMPTY, "%s: no word pairs in the file", path);
        goto done;
    }
    out->covered = m;
    out->spearman = ns_spearman(human, model, m);
    out->pearson = ns_pearson(human, model, m);
done:
    free(line);
    free(human);
    free(model);
    fclose(f);
    return s;
}
