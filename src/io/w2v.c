/*
 * w2v.c - export of the input vectors in word2vec's formats, readable by
 * word2vec, gensim (KeyedVectors.load_word2vec_format) and fastText tools:
 *   text  (.vec): "V dim\n", then "word v1 ... vdim\n" per row (%.7g);
 *   binary (.bin): "V dim\n", then "word " + dim little-endian float32 + "\n".
 */
#include "io.h"

#include "core/core.h"
#include "model/model.h"

static ns_status export_rows(const ns_model *m, const char *path, int binary, ns_error *err) {
    ns_outfile out;
    ns_status s = ns__out_open(&out, path, err);
    if (s != NS_OK) return s;
    fprintf(out.f, "%d %d\n", m->rows, m->dim);
    for (int32_t r = 0; r < m->rows; r++) {
        const float *row = ns__in_row(m, r);
        fputs(ns_vocab_word(m->vocab, r), out.f);
        if (binary) {
            fputc(' ', out.f);
            fwrite(row, sizeof(float), (size_t)m->dim, out.f);
        } else {
            for (int32_t k = 0; k < m->dim; k++) fprintf(out.f, " %.7g", row[k]);
        }
        fputc('\n', out.f);
    }
    return ns__out_finish(&out, 1, err);
}

ns_status ns_model_export_vec(const ns_model *m, const char *path, ns_error *err) {
    return export_rows(m, path, 0, err);
}

ns_status ns_model_export_bin(const ns_model *m, const char *path, ns_error *err) {
    return export_rows(m, path, 1, err);
}
