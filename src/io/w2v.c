/*
 * w2v.c - the vocabulary as "word count" lines, and export of the input
 * (or output) vectors in word2vec's formats, readable by
 * word2vec, gensim (KeyedVectors.load_word2vec_format) and fastText tools:
 *   text  (.vec): "V dim\n", then "word v1 ... vdim\n" per row, values with 7
 *                 significant digits in printf's %g style (formatted here:
 *                 printf took 0.8 s of a 4 s wiki8 run);
 *   binary (.bin): "V dim\n", then "word " + dim little-endian float32 + "\n".
 */
#include "io.h"

#include "core/core.h"
#include "model/model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Exact powers of ten in double. */
static const double pow10_exact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Writes v as printf's "%.7g" would and returns the length. Falls back to snprintf outside 1e-16..1e16. */
static int format_g7(char *out, float v) {
    double a = fabs((double)v);
    if (a == 0.0) return (int)(strcpy(out, "0"), 1);
    int x = (int)floor(log10(a)), k = 6 - x;
    if (!isfinite(a) || k > 22 || k < -22) return snprintf(out, 32, "%.7g", v);
    /* For k >= 0 the product is exact, and ties (x.5) round to even as in
     * printf; for k < 0 no float falls exactly on a tie. */
    long long m = (long long)nearbyint(k >= 0 ? a * pow10_exact[k] : a / pow10_exact[-k]);
    if (m >= 10000000 && k - 1 >= -22) { /* rounding reached the next power of ten */
        k--, x++;
        m = (long long)nearbyint(k >= 0 ? a * pow10_exact[k] : a / pow10_exact[-k]);
    }
    if (m < 1000000 || m >= 10000000) return snprintf(out, 32, "%.7g", v);
    char d[8];
    for (int i = 6; i >= 0; i--, m /= 10) d[i] = (char)('0' + m % 10);
    int nd = 7;
    while (nd > 1 && d[nd - 1] == '0') nd--; /* significant digits left */
    char *p = out;
    if (v < 0) *p++ = '-';
    if (x >= -4 && x < 7) {
        if (x >= 0) {
            for (int i = 0; i <= x; i++) *p++ = i < nd ? d[i] : '0';
            if (nd > x + 1) *p++ = '.';
            for (int i = x + 1; i < nd; i++) *p++ = d[i];
        } else {
            *p++ = '0', *p++ = '.';
            for (int i = 0; i < -x - 1; i++) *p++ = '0';
            for (int i = 0; i < nd; i++) *p++ = d[i];
        }
    } else {
        *p++ = d[0];
        if (nd > 1) *p++ = '.';
        for (int i = 1; i < nd; i++) *p++ = d[i];
        p += sprintf(p, "e%c%02d", x < 0 ? '-' : '+', x < 0 ? -x : x);
    }
    *p = '\0';
    return (int)(p - out);
}

/* Writes the words' input vectors (out = 0; with subwords the means of
 * their bags) or the output table (out = 1). */
static ns_status export_rows(const ns_model *m, int out_side, const char *path, int binary, ns_error *err) {
    ns_outfile out;
    ns_status s = ns__out_open(&out, path, err);
    if (s != NS_OK) return s;
    char *line = ns__malloc((size_t)m->dim * 40 + 2, 1, "a line of the .vec file", err);
    float *buf = line ? ns__aligned((size_t)m->klen, sizeof(float), "a vector", err) : NULL;
    if (!buf) {
        free(line);
        ns__out_finish(&out, 0, err);
        return NS_ENOMEM;
    }
    const ns_vocab *v = out_side ? ns__out_vocab(m) : m->vocab;
    int32_t rows = out_side ? m->rows_out : m->rows;
    fprintf(out.f, "%d %d\n", rows, m->dim);
    for (int32_t r = 0; r < rows; r++) {
        const float *row = out_side ? ns__out_row(m, r) : ns__in_vector(m, r, buf);
        fputs(ns_vocab_word(v, r), out.f);
        if (binary) {
            fputc(' ', out.f);
            fwrite(row, sizeof(float), (size_t)m->dim, out.f);
            fputc('\n', out.f);
        } else {
            size_t n = 0;
            for (int32_t k = 0; k < m->dim; k++) {
                line[n++] = ' ';
                n += (size_t)format_g7(line + n, row[k]);
            }
            line[n++] = '\n';
            fwrite(line, 1, n, out.f);
        }
    }
    free(line);
    ns__free_aligned(buf);
    return ns__out_finish(&out, 1, err);
}

ns_status ns_vocab_save(const ns_vocab *v, const char *path, ns_error *err) {
    ns__err_clear(err);
    ns_outfile out;
    ns_status s = ns__out_open(&out, path, err);
    if (s != NS_OK) return s;
    for (int32_t i = 0; i < ns_vocab_size(v); i++)
        fprintf(out.f, "%s %lld\n", ns_vocab_word(v, i), (long long)ns_vocab_count(v, i));
    return ns__out_finish(&out, 1, err);
}

ns_status ns_model_export_vec(const ns_model *m, const char *path, ns_error *err) {
    ns__err_clear(err);
    return export_rows(m, 0, path, 0, err);
}

ns_status ns_model_export_bin(const ns_model *m, const char *path, ns_error *err) {
    ns__err_clear(err);
    return export_rows(m, 0, path, 1, err);
}

ns_status ns_model_export_out_vec(const ns_model *m, const char *path, ns_error *err) {
    ns__err_clear(err);
    return export_rows(m, 1, path, 0, err);
}
