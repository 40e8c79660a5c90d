/*
 * eval.c - the graph evaluations: node classification (one-vs-rest
 * logistic regression by liblinear, Micro/Macro-F1 with the top-k rule),
 * link prediction (a connected residual graph, edge features, AUC).
 *
 * The classifiers see the vectors as trained (ns_emb keeps unit rows and
 * their norms): DeepWalk's and node2vec's evaluations fed the raw vectors
 * to scikit-learn's LogisticRegression (liblinear, L2, C = 1, intercept).
 */
#include "tasks/graph/graph.h"

#include "core/core.h"
#include "core/parse.h"
#include "data/reader.h"
#include "data/vocab.h"
#include "eval/emb.h"
#include "io/io.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef NS_HAVE_LIBLINEAR
#include <linear.h>
#endif

int ns_have_classifier(void) {
#ifdef NS_HAVE_LIBLINEAR
    return 1;
#else
    return 0;
#endif
}

static const char *const op_names[] = {"hadamard", "average", "l1", "l2"};
const char *ns_edge_op_name(ns_edge_op op) { return (unsigned)op < 4 ? op_names[op] : "unknown"; }

/* ---- a binary classifier -------------------------------------------------- */

static ns_status need_classifier(ns_error *err) {
    return ns_have_classifier() ? NS_OK
                                : ns__fail(err, NS_EINVAL, "built without liblinear (apt-get install liblinear-dev, "
                                           "then rebuild): no classifier for node classification or link prediction");
}

/* n examples of d features (x: n rows of d, y: 1 or 0). */
typedef struct lr_data {
    int64_t n;
    int32_t d;
    const double *x;
} lr_data;

#ifdef NS_HAVE_LIBLINEAR
static void quiet(const char *s) { (void)s; }

/* The first `rows` rows of x (those a classifier may learn from) as
 * liblinear's sparse rows, each with the bias feature d + 1 and the
 * terminator: nodes[(d + 2) i ...]. */
static struct feature_node *lr_nodes(const lr_data *D, int64_t rows, ns_error *err) {
    size_t w = (size_t)D->d + 2;
    struct feature_node *f = ns__malloc((size_t)rows, w * sizeof *f, "the classifier's features", err);
    for (int64_t i = 0; f && i < rows; i++) {
        struct feature_node *r = f + (size_t)i * w;
        for (int32_t j = 0; j < D->d; j++) r[j] = (struct feature_node){j + 1, D->x[(size_t)i * (size_t)D->d + j]};
        r[D->d] = (struct feature_node){D->d + 1, 1.0};
        r[D->d + 1] = (struct feature_node){-1, 0};
    }
    return f;
}
#endif

/* Trains on the examples `train` (indices into D among the rows of feat,
 * labels y[]) and writes the decision value of the positive class for the
 * examples `test` (any rows of D, scored from its dense rows by the
 * model's weights) into out; a class absent from the training labels
 * gives -inf / +inf. */
static ns_status lr_fit_score(const lr_data *D, const void *feat, const int64_t *tr, int64_t ntrain,
                              const signed char *y, const int64_t *test, int64_t ntest, double *out, ns_error *err) {
#ifdef NS_HAVE_LIBLINEAR
    const struct feature_node *f = feat;
    size_t w = (size_t)D->d + 2;
    int64_t pos = 0;
    for (int64_t i = 0; i < ntrain; i++) pos += y[i] > 0;
    if (pos == 0 || pos == ntrain) {
        for (int64_t i = 0; i < ntest; i++) out[i] = pos ? INFINITY : -INFINITY;
        return NS_OK;
    }
    if (ntrain > INT32_MAX) return ns__fail(err, NS_EINVAL, "more than 2^31 training examples");
    double *yy = ns__malloc((size_t)ntrain, sizeof *yy, "the labels", err);
    struct feature_node **x = ns__malloc((size_t)ntrain, sizeof *x, "the classifier's rows", err);
    if (!yy || !x) {
        free(yy), free(x);
        return NS_ENOMEM;
    }
    for (int64_t i = 0; i < ntrain; i++) {
        yy[i] = y[i] > 0 ? 1 : -1;
        x[i] = (struct feature_node *)(f + (size_t)tr[i] * w);
    }
    struct problem prob = {(int)ntrain, D->d + 1, yy, x, 1.0};
    struct parameter par = {0};
    par.solver_type = L2R_LR, par.eps = 0.01, par.C = 1;
    ns_status s = NS_OK;
    set_print_string_function(quiet);
    const char *bad = check_parameter(&prob, &par);
    struct model *mod = bad ? NULL : train(&prob, &par);
    if (!mod) s = ns__fail(err, NS_EINVAL, "liblinear: %s", bad ? bad : "training failed");
    double *wt = s == NS_OK ? ns__malloc((size_t)D->d, sizeof *wt, "the classifier's weights", err) : NULL;
    if (s == NS_OK && !wt) s = NS_ENOMEM;
    if (s == NS_OK) {
        int li = mod->label[0] == 1 ? 0 : 1; /* the positive class's decision value */
        for (int32_t j = 0; j < D->d; j++) wt[j] = get_decfun_coef(mod, j + 1, li);
        double b = get_decfun_bias(mod, li);
        for (int64_t i = 0; i < ntest; i++) {
            const double *xi = D->x + (size_t)test[i] * (size_t)D->d;
            double dec = b;
            for (int32_t j = 0; j < D->d; j++) dec += wt[j] * xi[j];
            out[i] = dec;
        }
    }
    if (mod) free_and_destroy_model(&mod);
    free(yy), free(x), free(wt);
    return s;
#else
    (void)D, (void)feat, (void)tr, (void)ntrain, (void)y, (void)test, (void)ntest, (void)out;
    return need_classifier(err);
#endif
}

/* The raw vector of row id into out (d doubles). */
static void raw_vector(const ns_emb *e, int32_t id, double *out) {
    const float *r = e->rows + (size_t)id * (size_t)e->klen;
    for (int32_t j = 0; j < e->dim; j++) out[j] = (double)r[j] * e->norm[id];
}

/* ---- node classification --------------------------------------------------- */

typedef struct labelled {
    int32_t node, label;
} labelled;

static int cmp_labelled(const void *x, const void *y) {
    const labelled *a = x, *b = y;
    if (a->node != b->node) return a->node < b->node ? -1 : 1;
    return (a->label > b->label) - (a->label < b->label);
}

/* Reads the labels: pairs (emb id, label id) sorted by node, repeats
 * dropped. */
static ns_status read_labels(const ns_emb *e, const char *path, ns_vocab *labels, labelled **out, int64_t *n,
                             int64_t *unknown, ns_error *err) {
    ns_lines lr = {0};
    ns_status s = ns__lines_open(&lr, path, err);
    labelled *p = NULL;
    int64_t cap = 0, k = 0;
    char *line, *f[2];
    size_t len;
    int got = 0;
    *unknown = 0;
    while (s == NS_OK && (got = ns__lines_next_data(&lr, &line, &len, err)) > 0) {
        if (ns__fields(line, 0, f, 2) != 2) {
            s = ns__fail(err, NS_EFORMAT, "%s:%lld: expected 'node label' (two fields separated by tabs or spaces)", path,
                         lr.no);
            break;
        }
        int32_t node = ns_emb_find(e, f[0]), label;
        if (node < 0) {
            (*unknown)++;
            continue;
        }
        if ((s = ns_vocab_add(labels, f[1], strlen(f[1]), 1, &label, err)) != NS_OK) break;
        if (!ns__grow((void **)&p, &cap, k + 1, sizeof *p)) {
            s = ns__nomem(err, "the labels", 2.0 * (double)k * sizeof *p);
            break;
        }
        p[k++] = (labelled){node, label};
    }
    if (s == NS_OK && got < 0) s = got == -1 ? NS_EIO : ns__nomem(err, "a line", (double)lr.line_cap * 2);
    if (s == NS_OK && k == 0)
        s = ns__fail(err, NS_EEMPTY, "%s: no 'node label' line names a node of the embedding (%lld name others)", path,
                     (long long)*unknown);
    ns__lines_close(&lr);
    if (s != NS_OK) {
        free(p);
        return s;
    }
    qsort(p, (size_t)k, sizeof *p, cmp_labelled);
    int64_t m = 0;
    for (int64_t i = 0; i < k; i++)
        if (m == 0 || cmp_labelled(&p[m - 1], &p[i]) != 0) p[m++] = p[i];
    *out = p, *n = m;
    return NS_OK;
}

void ns__topk_count(const double *score, int32_t L, const int32_t *truth, int32_t k, int32_t *order, int64_t *counts) {
    /* the k highest scores (ties to the lower label): selection, k is small */
    for (int32_t l = 0; l < L; l++) order[l] = l;
    for (int32_t a = 0; a < k && a < L; a++) {
        int32_t best = a;
        for (int32_t b = a + 1; b < L; b++) {
            double sb = score[order[b]], sx = score[order[best]];
            if (sb > sx || (sb == sx && order[b] < order[best])) best = b;
        }
        int32_t t = order[a];
        order[a] = order[best], order[best] = t;
    }
    for (int32_t a = 0; a < L; a++) {
        int32_t l = order[a];
        int is = 0;
        for (int32_t j = 0; j < k; j++) is |= truth[j] == l;
        int pred = a < k;
        counts[3 * l + 0] += is && pred;
        counts[3 * l + 1] += !is && pred;
        counts[3 * l + 2] += is && !pred;
    }
}

void ns__f1(const int64_t *counts, int32_t L, double *micro, double *macro) {
    int64_t tp = 0, fp = 0, fn = 0;
    double sum = 0;
    for (int32_t l = 0; l < L; l++) {
        int64_t a = counts[3 * l], b = counts[3 * l + 1], c = counts[3 * l + 2];
        tp += a, fp += b, fn += c;
        sum += 2 * a + b + c ? 2.0 * (double)a / (double)(2 * a + b + c) : 0.0;
    }
    *macro = L ? sum / L : 0;
    *micro = 2 * tp + fp + fn ? 2.0 * (double)tp / (double)(2 * tp + fp + fn) : 0.0;
}

ns_status ns_eval_nodeclass(const ns_emb *e, const char *labels_path, double ratio, int32_t repeats, uint64_t seed,
                            ns_nodeclass_report *out, ns_error *err) {
    ns__err_clear(err);
    memset(out, 0, sizeof *out);
    ns_status s = need_classifier(err);
    if (s != NS_OK) return s;
    if (!(ratio > 0 && ratio < 1)) return ns__fail(err, NS_EINVAL, "train ratio must be in (0, 1), got %g", ratio);
    if (repeats < 1 || repeats > 10000) return ns__fail(err, NS_EINVAL, "repeats must be in 1..10000, got %d", repeats);
    ns_vocab *labels = NULL;
    labelled *lab = NULL;
    int64_t nlab = 0;
    s = ns_vocab_create(&labels, err);
    if (s == NS_OK) s = read_labels(e, labels_path, labels, &lab, &nlab, &out->unknown, err);
    /* nodes[i]: the i-th labelled node; its labels lab[first[i] .. first[i+1]) */
    int64_t nn = 0;
    for (int64_t i = 0; s == NS_OK && i < nlab; i++) nn += i == 0 || lab[i].node != lab[i - 1].node;
    int32_t L = labels ? ns_vocab_size(labels) : 0, d = e->dim;
    int64_t *first = NULL, *order = NULL, *counts = NULL;
    double *x = NULL, *sc = NULL;
    signed char *y = NULL;
    double *row = NULL;
    int32_t *truth = NULL, *order_buf = NULL;
    void *feat = NULL;
    if (s == NS_OK) {
        first = ns__malloc((size_t)nn + 1, sizeof *first, "the labelled nodes", err);
        order = ns__malloc((size_t)nn, sizeof *order, "a split", err);
        x = ns__malloc((size_t)nn * (size_t)d, sizeof *x, "the features", err);
        y = ns__malloc((size_t)nn, sizeof *y, "the labels", err);
        sc = ns__malloc((size_t)nn * (size_t)L, sizeof *sc, "the scores", err);
        counts = ns__calloc(3 * (size_t)L, sizeof *counts, "the label counts", err);
        row = ns__malloc((size_t)L, sizeof *row, "a node's scores", err);
        truth = ns__malloc((size_t)L, sizeof *truth, "a node's labels", err);
        order_buf = ns__malloc((size_t)L, sizeof *order_buf, "a node's labels", err);
        if (!first || !order || !x || !y || !sc || !counts || !row || !truth || !order_buf) s = NS_ENOMEM;
    }
    if (s == NS_OK) {
        int64_t k = 0;
        for (int64_t i = 0; i < nlab; i++)
            if (i == 0 || lab[i].node != lab[i - 1].node) {
                raw_vector(e, lab[i].node, x + (size_t)k * (size_t)d);
                first[k++] = i;
            }
        first[nn] = nlab;
    }
    lr_data D = {nn, d, x};
#ifdef NS_HAVE_LIBLINEAR
    if (s == NS_OK && !(feat = lr_nodes(&D, nn, err))) s = NS_ENOMEM; /* any node may be a training node */
#endif
    int64_t ntrain = (int64_t)llround(ratio * (double)nn);
    if (s == NS_OK && (ntrain < 1 || ntrain >= nn))
        s = ns__fail(err, NS_EINVAL, "train ratio %g of %lld labelled nodes leaves no %s", ratio, (long long)nn,
                     ntrain < 1 ? "training node" : "test node");
    double sum_mi = 0, sum_ma = 0, sq_mi = 0, sq_ma = 0;
    for (int32_t r = 0; s == NS_OK && r < repeats; r++) {
        ns_rng rng;
        ns__rng_seed(&rng, seed, 0x73706c6974ULL + (uint64_t)r);
        for (int64_t i = 0; i < nn; i++) order[i] = i;
        ns__shuffle(order, nn, &rng);
        const int64_t *tr = order, *te = order + ntrain;
        int64_t ntest = nn - ntrain;
        for (int32_t l = 0; s == NS_OK && l < L; l++) {
            for (int64_t i = 0; i < ntrain; i++) {
                int64_t v = tr[i];
                y[i] = 0;
                for (int64_t j = first[v]; j < first[v + 1]; j++) y[i] |= lab[j].label == l;
            }
            double *col = sc + (size_t)l * (size_t)ntest;
            s = lr_fit_score(&D, feat, tr, ntrain, y, te, ntest, col, err);
        }
        /* top-k per test node; tp, fp, fn per label */
        memset(counts, 0, 3 * (size_t)L * sizeof *counts);
        for (int64_t i = 0; s == NS_OK && i < ntest; i++) {
            int64_t v = te[i];
            for (int32_t l = 0; l < L; l++) row[l] = sc[(size_t)l * (size_t)ntest + i];
            for (int64_t j = first[v]; j < first[v + 1]; j++) truth[j - first[v]] = lab[j].label;
            ns__topk_count(row, L, truth, (int32_t)(first[v + 1] - first[v]), order_buf, counts);
        }
        if (s != NS_OK) break;
        double micro, macro;
        ns__f1(counts, L, &micro, &macro);
        sum_mi += micro, sum_ma += macro, sq_mi += micro * micro, sq_ma += macro * macro;
    }
    if (s == NS_OK) {
        double R = repeats;
        out->ratio = ratio, out->repeats = repeats, out->labels = L;
        out->train_nodes = ntrain, out->test_nodes = nn - ntrain;
        out->micro_f1 = sum_mi / R, out->macro_f1 = sum_ma / R;
        out->micro_sd = sqrt(fmax(0, sq_mi / R - out->micro_f1 * out->micro_f1));
        out->macro_sd = sqrt(fmax(0, sq_ma / R - out->macro_f1 * out->macro_f1));
    }
    free(first), free(order), free(x), free(y), free(sc), free(counts), free(row), free(feat), free(lab);
    free(truth), free(order_buf);
    ns_vocab_free(labels);
    return s;
}

/* ---- link prediction -------------------------------------------------------- */

typedef struct scored {
    double s;
    signed char y;
} scored;

static int cmp_scored(const void *x, const void *y) {
    const scored *a = x, *b = y;
    return (a->s > b->s) - (a->s < b->s);
}

double ns__auc(const double *s, const signed char *y, int64_t n, ns_error *err, ns_status *st) {
    scored *v = ns__malloc((size_t)n, sizeof *v, "the scores", err);
    if (!v) {
        *st = NS_ENOMEM;
        return 0;
    }
    for (int64_t i = 0; i < n; i++) v[i] = (scored){s[i], y[i]};
    qsort(v, (size_t)n, sizeof *v, cmp_scored);
    double pos_rank = 0;
    int64_t npos = 0;
    for (int64_t i = 0; i < n;) {
        int64_t j = i;
        while (j < n && v[j].s == v[i].s) j++;
        double mid = (double)(i + 1 + j) / 2; /* mean 1-based rank of the tie group */
        for (int64_t k = i; k < j; k++)
            if (v[k].y) pos_rank += mid, npos++;
        i = j;
    }
    free(v);
    int64_t nneg = n - npos;
    if (npos == 0 || nneg == 0) {
        *st = ns__fail(err, NS_EINVAL, "AUC needs both labels among the test pairs");
        return 0;
    }
    return (pos_rank - (double)npos * (double)(npos + 1) / 2) / ((double)npos * (double)nneg);
}

/* Pairs as features and labels, appended to. */
typedef struct pairs_buf {
    double *x;
    signed char *y;
    int64_t n, capx, capy;
} pairs_buf;

/* Appends the "u v label" pairs of path to P as features op(x_u, x_v);
 * pairs naming a node the embedding lacks are counted in *skipped. *read:
 * the pairs taken. */
static ns_status read_pairs(const ns_emb *e, const char *path, ns_edge_op op, pairs_buf *P, int64_t *read,
                            int64_t *skipped, ns_error *err) {
    ns_lines lr = {0};
    ns_status s = ns__lines_open(&lr, path, err);
    int32_t d = e->dim;
    int64_t start = P->n;
    double *a = ns__malloc((size_t)d * 2, sizeof *a, "a pair", err), *b = a ? a + d : NULL;
    char *line, *f[3];
    size_t len;
    int got = 0;
    if (!a) s = NS_ENOMEM;
    while (s == NS_OK && (got = ns__lines_next_data(&lr, &line, &len, err)) > 0) {
        int64_t label;
        if (ns__fields(line, 0, f, 3) != 3 || !ns__parse_int(f[2], 0, 1, &label)) {
            s = ns__fail(err, NS_EFORMAT, "%s:%lld: expected 'u v label' with label 1 (an edge) or 0 (none)", path, lr.no);
            break;
        }
        int32_t u = ns_emb_find(e, f[0]), v = ns_emb_find(e, f[1]);
        if (u < 0 || v < 0) {
            (*skipped)++;
            continue;
        }
        if (!ns__grow((void **)&P->x, &P->capx, (P->n + 1) * d, sizeof *P->x) ||
            !ns__grow((void **)&P->y, &P->capy, P->n + 1, sizeof *P->y)) {
            s = ns__nomem(err, "the pairs' features", 2.0 * (double)(P->n + 1) * d * 8);
            break;
        }
        raw_vector(e, u, a), raw_vector(e, v, b);
        double *o = P->x + (size_t)P->n * (size_t)d;
        for (int32_t j = 0; j < d; j++)
            o[j] = op == NS_EDGE_HADAMARD ? a[j] * b[j]
                   : op == NS_EDGE_AVERAGE ? (a[j] + b[j]) / 2
                   : op == NS_EDGE_L1      ? fabs(a[j] - b[j])
                                           : (a[j] - b[j]) * (a[j] - b[j]);
        P->y[P->n++] = (signed char)label;
    }
    if (s == NS_OK && got < 0) s = got == -1 ? NS_EIO : ns__nomem(err, "a line", (double)lr.line_cap * 2);
    if (s == NS_OK && P->n == start) s = ns__fail(err, NS_EEMPTY, "%s: no 'u v label' pair of nodes of the embedding", path);
    ns__lines_close(&lr);
    free(a);
    *read = P->n - start;
    return s;
}

ns_status ns_eval_links(const ns_emb *e, const char *train_pairs, const char *test_pairs, ns_edge_op op, double *auc,
                        int64_t *skipped, ns_error *err) {
    ns__err_clear(err);
    *skipped = 0;
    ns_status s = need_classifier(err);
    if (s != NS_OK) return s;
    if ((unsigned)op > NS_EDGE_L2) return ns__fail(err, NS_EINVAL, "unknown edge operator %d", (int)op);
    pairs_buf P = {0};
    double *sc = NULL;
    int64_t ntr = 0, nte = 0, *idx = NULL;
    void *feat = NULL;
    s = read_pairs(e, train_pairs, op, &P, &ntr, skipped, err);
    if (s == NS_OK) s = read_pairs(e, test_pairs, op, &P, &nte, skipped, err);
    if (s == NS_OK) {
        idx = ns__malloc((size_t)P.n, sizeof *idx, "the pairs", err);
        sc = ns__malloc((size_t)nte, sizeof *sc, "the scores", err);
        if (!idx || !sc) s = NS_ENOMEM;
    }
    lr_data D = {P.n, e->dim, P.x};
#ifdef NS_HAVE_LIBLINEAR
    if (s == NS_OK && !(feat = lr_nodes(&D, ntr, err))) s = NS_ENOMEM; /* the training pairs only */
#endif
    for (int64_t i = 0; s == NS_OK && i < P.n; i++) idx[i] = i;
    if (s == NS_OK) s = lr_fit_score(&D, feat, idx, ntr, P.y, idx + ntr, nte, sc, err);
    if (s == NS_OK) *auc = ns__auc(sc, P.y + ntr, nte, err, &s);
    free(P.x), free(P.y), free(sc), free(idx), free(feat);
    return s;
}

/* ---- the link-prediction split ---------------------------------------------- */

static int32_t uf_find(int32_t *parent, int32_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
}

/* A random pair of distinct nodes that is no arc either way. */
static void non_edge(const ns_graph *g, ns_rng *rng, int32_t *u, int32_t *v) {
    do {
        *u = (int32_t)ns__rng_below(rng, (uint32_t)g->n);
        *v = (int32_t)ns__rng_below(rng, (uint32_t)g->n);
    } while (*u == *v || ns_graph_has_arc(g, *u, *v) || ns_graph_has_arc(g, *v, *u));
}

static void put_pair(FILE *f, const ns_graph *g, int32_t u, int32_t v, int label) {
    fprintf(f, "%s %s", ns_vocab_word(g->vocab, u), ns_vocab_word(g->vocab, v));
    if (label >= 0) fprintf(f, " %d", label);
    fputc('\n', f);
}

static ns_status finish(ns_outfile *f, ns_status s, ns_error *err) {
    if (!f->f) return s;
    ns_status fs = ns__out_finish(f, s == NS_OK, err);
    return s == NS_OK ? fs : s;
}

ns_status ns_graph_split(const ns_graph *g, double fraction, uint64_t seed, const char *prefix, int64_t *removed,
                         ns_error *err) {
    ns__err_clear(err);
    *removed = 0;
    if (!(fraction > 0 && fraction < 1)) return ns__fail(err, NS_EINVAL, "fraction must be in (0, 1), got %g", fraction);
    int und = g->st.undirected;
    int64_t m = g->st.edges, k = 0;
    /* pairs: 2 nodes an edge, each edge once (undirected: u < v) */
    int32_t *e = ns__malloc((size_t)m * 2, sizeof *e, "the edges", err);
    int32_t *parent = ns__malloc((size_t)g->n, sizeof *parent, "the forest", err);
    int64_t *order = ns__malloc((size_t)m, sizeof *order, "the edges' order", err);
    unsigned char *tree = ns__calloc((size_t)m, 1, "the forest", err);
    size_t plen = strlen(prefix) + 16;
    char *path = ns__malloc(plen, 1, "a path", err);
    ns_status s = e && parent && order && tree && path ? NS_OK : NS_ENOMEM;
    for (int32_t u = 0; s == NS_OK && u < g->n; u++)
        for (int64_t i = g->off[u]; i < g->off[u + 1]; i++)
            if (!und || u < g->adj[i]) e[2 * k] = u, e[2 * k + 1] = g->adj[i], k++;
    ns_rng rng;
    ns__rng_seed(&rng, seed, 0x73706c6974ULL);
    if (s == NS_OK) {
        /* A random spanning forest (Kruskal over a shuffled order): its
         * edges stay, so the residual graph keeps every component. */
        for (int32_t u = 0; u < g->n; u++) parent[u] = u;
        for (int64_t i = 0; i < m; i++) order[i] = i;
        ns__shuffle(order, m, &rng);
        for (int64_t i = 0; i < m; i++) {
            int64_t j = order[i];
            int32_t a = uf_find(parent, e[2 * j]), b = uf_find(parent, e[2 * j + 1]);
            if (a != b) parent[a] = b, tree[j] = 1;
        }
    }
    /* The removed edges: the first of the shuffled order outside the forest. */
    int64_t want = (int64_t)llround(fraction * (double)m), gone = 0;
    for (int64_t i = 0; s == NS_OK && i < m && gone < want; i++)
        if (!tree[order[i]]) tree[order[i]] = 2, gone++;
    double pairs = (double)g->n * (double)(g->n - 1) / (und ? 2 : 1);
    if (s == NS_OK && gone == 0)
        s = ns__fail(err, NS_EEMPTY, "no edge can go without disconnecting the graph (it is a forest)");
    /* 2 gone non-edges are drawn by rejection: at least twice as many must
     * exist, so that a draw succeeds at least half the time */
    if (s == NS_OK && pairs - (double)m < 2.0 * (double)(2 * gone))
        s = ns__fail(err, NS_EINVAL, "the graph is too dense: %.0f node pairs are no edge, fewer than twice the %lld "
                     "non-edges the split draws (remove a smaller fraction)", pairs - (double)m, (long long)(2 * gone));
    ns_outfile f = {0};
    if (s == NS_OK) snprintf(path, plen, "%s.train", prefix), s = ns__out_open(&f, path, err);
    for (int64_t j = 0; s == NS_OK && j < m; j++)
        if (tree[j] != 2) put_pair(f.f, g, e[2 * j], e[2 * j + 1], -1);
    s = finish(&f, s, err);
    /* The classifier's training pairs: as many residual edges as were
     * removed (all when fewer) and as many non-edges. */
    memset(&f, 0, sizeof f);
    if (s == NS_OK) snprintf(path, plen, "%s.train.pairs", prefix), s = ns__out_open(&f, path, err);
    int64_t took = 0;
    for (int64_t i = 0; s == NS_OK && i < m && took < gone; i++) {
        int64_t j = order[m - 1 - i]; /* from the other end of the order: a random sample */
        if (tree[j] == 2) continue;
        put_pair(f.f, g, e[2 * j], e[2 * j + 1], 1), took++;
    }
    for (int64_t i = 0; s == NS_OK && i < took; i++) {
        int32_t u, v;
        non_edge(g, &rng, &u, &v);
        put_pair(f.f, g, u, v, 0);
    }
    s = finish(&f, s, err);
    memset(&f, 0, sizeof f);
    if (s == NS_OK) snprintf(path, plen, "%s.test.pairs", prefix), s = ns__out_open(&f, path, err);
    for (int64_t j = 0; s == NS_OK && j < m; j++)
        if (tree[j] == 2) put_pair(f.f, g, e[2 * j], e[2 * j + 1], 1);
    for (int64_t i = 0; s == NS_OK && i < gone; i++) {
        int32_t u, v;
        non_edge(g, &rng, &u, &v);
        put_pair(f.f, g, u, v, 0);
    }
    s = finish(&f, s, err);
    if (s == NS_OK) *removed = gone;
    free(e), free(parent), free(order), free(tree), free(path);
    return s;
}
