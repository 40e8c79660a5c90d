/*
 * options.c - the training options: the defaults of every task, the range
 * checks, and the one table of option names (ns_opts_*) that the program,
 * the Python package and the help texts read.
 *
 * A row of the table is an option of some tasks: its names and help, and
 * where its value lives in ns_opts (a field of a plain type, or a setter
 * and getter for the few that need parsing). The same name may have other
 * rows for other tasks (-loss of words and of knowledge graphs are
 * different fields with different choices).
 */
#include "negsamp.h"

#include "core/core.h"
#include "core/parse.h"
#include "model/model.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ns_train_opts_default(ns_train_opts *o, ns_task task) {
    o->task = task;
    o->loss = NS_LOSS_SGNS;
    o->dim = 100;
    o->window = 5;
    o->neg = 5;
    o->ns_exponent = 0.75;
    o->sample = NS_AUTO;
    o->epochs = task == NS_TASK_PAIRS ? (int32_t)NS_AUTO : 5;
    o->lr = task == NS_TASK_CBOW ? 0.05 : 0.025;
    o->min_lr_frac = 1e-4;
    o->threads = 2;
    o->seed = 1;
    o->noise_weights = NULL;
    o->reject_anchor = 0;
    o->l2 = 0;
    o->bias = 0;
    o->batch = 256;
    o->temperature = 1.0;
    o->dns = 1;
    o->max_trials = 100;
    o->valid_every = 1;
    o->patience = 0;
    o->minn = 3;
    o->maxn = 0;
    o->bucket = 2000000;
    o->negatives = NS_NEG_NOISE;
    o->mcmc_alpha = 0.5;
    o->mcmc_mix = 0.5;
}

static const char *loss_names[] = {"sgns", "nce", "softmax-sampled", "softmax", "infonce", "bpr", "warp"};

const char *ns_loss_name(ns_loss l) {
    return (unsigned)l < sizeof loss_names / sizeof loss_names[0] ? loss_names[l] : "unknown";
}

int ns_loss_parse(const char *name) {
    for (size_t i = 0; i < sizeof loss_names / sizeof loss_names[0]; i++)
        if (strcmp(name, loss_names[i]) == 0) return (int)i;
    return -1;
}

ns_status ns_train_opts_check(const ns_train_opts *o, ns_error *err) {
    ns__err_clear(err);
    if ((unsigned)o->task > NS_TASK_REC)
        return ns__fail(err, NS_EINVAL, "unknown task %d", (int)o->task);
    if ((unsigned)o->loss > NS_LOSS_WARP)
        return ns__fail(err, NS_EINVAL, "unknown loss %d", (int)o->loss);
    if (o->loss == NS_LOSS_INFONCE && o->task != NS_TASK_PAIRS)
        return ns__fail(err, NS_EINVAL, "loss infonce needs pair data (in-batch negatives)");
    if ((o->loss == NS_LOSS_BPR || o->loss == NS_LOSS_WARP) && o->task != NS_TASK_REC)
        return ns__fail(err, NS_EINVAL, "loss %s is for recommendation (rec-train)", ns_loss_name(o->loss));
    if (o->dns < 1 || o->dns > 1000)
        return ns__fail(err, NS_EINVAL, "dns must be in 1..1000, got %d", o->dns);
    if (o->dns > 1 && o->loss != NS_LOSS_SGNS && o->loss != NS_LOSS_BPR)
        return ns__fail(err, NS_EINVAL, "dns applies to losses sgns and bpr, not %s (%s)", ns_loss_name(o->loss),
                        o->loss == NS_LOSS_WARP ? "WARP searches for hard negatives itself"
                                                : "it would bias what the loss corrects for");
    if (o->max_trials < 1 || o->max_trials > 1000000)
        return ns__fail(err, NS_EINVAL, "max-trials must be in 1..1000000, got %d", o->max_trials);
    if (o->dim < 1 || o->dim > 10000)
        return ns__fail(err, NS_EINVAL, "dim must be in 1..10000, got %d", o->dim);
    if (o->window < 1 || o->window > 1000)
        return ns__fail(err, NS_EINVAL, "window must be in 1..1000, got %d", o->window);
    if (o->neg < 1 || o->neg > 1000)
        return ns__fail(err, NS_EINVAL, "neg must be in 1..1000, got %d", o->neg);
    if (!(o->ns_exponent >= -10 && o->ns_exponent <= 10))
        return ns__fail(err, NS_EINVAL, "ns-exponent must be in -10..10, got %g", o->ns_exponent);
    if (!(o->sample == NS_AUTO || (o->sample >= 0 && o->sample < 1)))
        return ns__fail(err, NS_EINVAL, "sample must be in [0, 1) or auto, got %g", o->sample);
    if ((o->epochs < 1 || o->epochs > 100000) && !(o->task == NS_TASK_PAIRS && o->epochs == (int32_t)NS_AUTO))
        return ns__fail(err, NS_EINVAL, "epochs must be in 1..100000%s, got %d",
                        o->task == NS_TASK_PAIRS ? " or auto" : "", o->epochs);
    if (!(o->lr > 0 && o->lr <= 10))
        return ns__fail(err, NS_EINVAL, "lr must be in (0, 10], got %g", o->lr);
    if (!(o->min_lr_frac >= 0 && o->min_lr_frac <= 1))
        return ns__fail(err, NS_EINVAL, "min-lr fraction must be in [0, 1], got %g",
                        o->min_lr_frac);
    if (!(o->l2 >= 0 && o->l2 < 1e6))
        return ns__fail(err, NS_EINVAL, "l2 must be >= 0, got %g", o->l2);
    if (o->batch < 2 || o->batch > 65536)
        return ns__fail(err, NS_EINVAL, "batch must be in 2..65536, got %d", o->batch);
    if (!(o->temperature >= 1e-4 && o->temperature <= 1e4))
        return ns__fail(err, NS_EINVAL, "temperature must be in [1e-4, 1e4], got %g", o->temperature);
    if (o->threads < 1 || o->threads > 1024)
        return ns__fail(err, NS_EINVAL, "threads must be in 1..1024, got %d", o->threads);
    if (o->valid_every < 0 || o->patience < 0)
        return ns__fail(err, NS_EINVAL, "valid-every and patience must be >= 0, got %d and %d", o->valid_every,
                        o->patience);
    if (o->minn < 0 || o->maxn < 0 || o->bucket < 0)
        return ns__fail(err, NS_EINVAL, "minn, maxn and bucket must be >= 0, got %d, %d and %d", o->minn, o->maxn,
                        o->bucket);
    if ((unsigned)o->negatives > NS_NEG_MCMC) return ns__fail(err, NS_EINVAL, "unknown negatives %d", (int)o->negatives);
    if (!(o->mcmc_alpha >= 0 && o->mcmc_alpha <= 100))
        return ns__fail(err, NS_EINVAL, "mcmc-alpha must be in [0, 100], got %g", o->mcmc_alpha);
    if (!(o->mcmc_mix > 0 && o->mcmc_mix <= 1))
        return ns__fail(err, NS_EINVAL, "mcmc-mix must be in (0, 1], got %g", o->mcmc_mix);
    if (o->negatives == NS_NEG_MCMC &&
        (o->task == NS_TASK_CBOW || o->task == NS_TASK_PAIRS || !ns__loss_samples(o->loss) || o->loss == NS_LOSS_WARP))
        return ns__fail(err, NS_EINVAL, "MCMC negatives are for skip-gram (graph-train) and matrix factorisation "
                        "(rec-train) with loss sgns, nce, softmax-sampled or bpr");
    if (o->negatives == NS_NEG_MCMC && o->dns > 1)
        return ns__fail(err, NS_EINVAL, "dns and MCMC negatives are two ways to hard negatives: choose one");
    if (o->maxn != 0) {
        if (o->task != NS_TASK_SKIPGRAM && o->task != NS_TASK_CBOW)
            return ns__fail(err, NS_EINVAL, "subwords (maxn %d) are for skip-gram and CBOW", o->maxn);
        if (o->maxn < 1 || o->maxn > 100)
            return ns__fail(err, NS_EINVAL, "maxn must be in 1..100 (0: no subwords), got %d", o->maxn);
        if (o->minn < 1 || o->minn > o->maxn)
            return ns__fail(err, NS_EINVAL, "minn must be in 1..maxn (%d) with subwords on, got %d", o->maxn, o->minn);
        if (o->bucket < 1)
            return ns__fail(err, NS_EINVAL, "bucket must be >= 1 with subwords on (maxn %d), got %d", o->maxn,
                            o->bucket);
    }
    return NS_OK;
}

/* ---- options by name ----------------------------------------------------- */

enum { SG = 1 << NS_TASK_SKIPGRAM, CB = 1 << NS_TASK_CBOW, PA = 1 << NS_TASK_PAIRS, RE = 1 << NS_TASK_REC,
       KG = 1 << NS_TASK_KG, GR = 1 << NS_TASK_GRAPH, WORDS = SG | CB, DOTS = SG | CB | PA | RE,
       ALL = DOTS | KG | GR };

/* F_F64INF: a number, or -inf / inf (-min-rating's "every line");
 * F_I32AUTO, F_F64AUTO: a number, or auto (NS_AUTO: the trainer derives it). */
typedef enum field { F_I32, F_I32AUTO, F_I64, F_U64, F_F64, F_F64INF, F_F64AUTO, F_FLAG, F_NOFLAG, F_ENUM, F_SPECIAL } field;

typedef struct row row;
struct row {
    ns_opt_info info;
    unsigned tasks;
    field type;
    size_t off;                  /* of the value in ns_opts */
    const char *const *names;    /* F_ENUM: the name of each value */
    ns_status (*set)(ns_opts *o, const row *r, const char *v, ns_error *err);  /* F_SPECIAL */
    void (*get)(const ns_opts *o, char *buf, size_t n);                         /* F_SPECIAL */
};

static const char *const kg_losses[] = {"margin", "logistic", NULL};
static const char *const negative_kinds[] = {"noise", "mcmc", NULL};
static const char *const kg_optims[] = {"adam", "adagrad", "lazy-adam", NULL};
static const char *const kg_regs[] = {"none", "l2", "n3", NULL};

/* -loss of the dot-product tasks: the objectives of ns_loss the task
 * takes (fastText's "ns" is sgns). */
static ns_status set_loss(ns_opts *o, const row *r, const char *v, ns_error *err) {
    (void)r;
    int l = strcmp(v, "ns") == 0 ? (int)NS_LOSS_SGNS : ns_loss_parse(v);
    if (l == NS_LOSS_INFONCE && (o->task == NS_TASK_SKIPGRAM || o->task == NS_TASK_CBOW))
        return ns__fail(err, NS_EINVAL, "-loss infonce needs pair data for its in-batch negatives: use pairs-train");
    if ((l == NS_LOSS_BPR || l == NS_LOSS_WARP) && o->task != NS_TASK_REC)
        return ns__fail(err, NS_EINVAL, "-loss %s: loss %s is for recommendation (rec-train)", v, v);
    int ok = l >= 0 && (l <= NS_LOSS_SOFTMAX || (l == NS_LOSS_INFONCE && o->task == NS_TASK_PAIRS) ||
                        (l >= NS_LOSS_BPR && o->task == NS_TASK_REC));
    if (!ok)
        return ns__fail(err, NS_EINVAL, "-loss %s is not supported; choose %s", v,
                        o->task == NS_TASK_PAIRS ? "sgns, nce, softmax-sampled, softmax or infonce"
                        : o->task == NS_TASK_REC ? "sgns, nce, softmax-sampled, softmax, bpr or warp"
                                                 : "sgns (fastText's ns), nce, softmax-sampled or softmax");
    o->train.loss = (ns_loss)l;
    return NS_OK;
}
static void get_loss(const ns_opts *o, char *buf, size_t n) { snprintf(buf, n, "%s", ns_loss_name(o->train.loss)); }

/* rec-train's -model: matrix factorisation or item2vec (skip-gram). */
static ns_status set_rec_model(ns_opts *o, const row *r, const char *v, ns_error *err) {
    (void)r;
    if (strcmp(v, "mf") && strcmp(v, "item2vec"))
        return ns__fail(err, NS_EINVAL, "-model %s is not supported; choose mf or item2vec", v);
    o->train.task = strcmp(v, "mf") ? NS_TASK_SKIPGRAM : NS_TASK_REC;
    return NS_OK;
}
static void get_rec_model(const ns_opts *o, char *buf, size_t n) {
    snprintf(buf, n, "%s", o->train.task == NS_TASK_REC ? "mf" : "item2vec");
}

/* kg-train's -model: the scorers ("transe" is transe-l1). */
static ns_status set_kg_model(ns_opts *o, const row *r, const char *v, ns_error *err) {
    (void)r;
    int m = ns_kg_model_parse(v);
    if (m < 0)
        return ns__fail(err, NS_EINVAL, "-model %s is not supported; choose transe (= transe-l1), transe-l2, distmult, "
                        "complex or rotate", v);
    o->kg.model = (ns_kg_model)m;
    return NS_OK;
}
static void get_kg_model(const ns_opts *o, char *buf, size_t n) { snprintf(buf, n, "%s", ns_kg_model_name(o->kg.model)); }

/* graph-train's -method and LINE's -order (1, 2 or both). */
static ns_status set_graph_method(ns_opts *o, const row *r, const char *v, ns_error *err) {
    (void)r;
    int m = ns_graph_method_parse(v);
    if (m < 0) return ns__fail(err, NS_EINVAL, "-method %s is not supported; choose deepwalk, node2vec or line", v);
    o->graph.method = (ns_graph_method)m;
    return NS_OK;
}
static void get_graph_method(const ns_opts *o, char *buf, size_t n) {
    snprintf(buf, n, "%s", ns_graph_method_name(o->graph.method));
}
static ns_status set_line_order(ns_opts *o, const row *r, const char *v, ns_error *err) {
    (void)r;
    if (strcmp(v, "1") && strcmp(v, "2") && strcmp(v, "both"))
        return ns__fail(err, NS_EINVAL, "-order wants 1, 2 or both, got '%s'", v);
    o->graph.order = v[0] == 'b' ? 3 : v[0] - '0';
    return NS_OK;
}
static void get_line_order(const ns_opts *o, char *buf, size_t n) {
    snprintf(buf, n, o->graph.order == 3 ? "both" : "%d", o->graph.order);
}

/* -columns U,I[,W[,T]]: 1-based, 0 = none. */
static ns_status set_columns(ns_opts *o, const row *r, const char *v, ns_error *err) {
    (void)r;
    char copy[64], *f[5];
    int64_t c[4] = {0, 0, 0, 0};
    snprintf(copy, sizeof copy, "%s", v);
    int n = strlen(v) < sizeof copy ? ns__fields(copy, ',', f, 5) : 5;
    for (int i = 0; i < n && i < 4 && n <= 4; i++)
        if (!ns__parse_int(f[i], 0, 64, &c[i])) n = 5;
    if (n < 2 || n > 4 || c[0] < 1 || c[1] < 1)
        return ns__fail(err, NS_EINVAL, "-columns wants U,I[,W[,T]] (1-based, 0 = none), got '%s'", v);
    o->inter.user_col = (int32_t)c[0], o->inter.item_col = (int32_t)c[1];
    o->inter.weight_col = (int32_t)c[2], o->inter.time_col = (int32_t)c[3];
    return NS_OK;
}
static void get_columns(const ns_opts *o, char *buf, size_t n) {
    snprintf(buf, n, "%d,%d,%d,%d", o->inter.user_col, o->inter.item_col, o->inter.weight_col, o->inter.time_col);
}

/* -sep C: one character, "tab" or "space"; "" or "runs" = runs of tabs and
 * spaces. */
static ns_status set_sep(ns_opts *o, const row *r, const char *v, ns_error *err) {
    (void)r;
    if (!strcmp(v, "tab")) o->inter.sep = '\t';
    else if (!strcmp(v, "space")) o->inter.sep = ' ';
    else if (!strcmp(v, "runs") || !*v) o->inter.sep = 0;
    else if (strlen(v) == 1) o->inter.sep = v[0];
    else return ns__fail(err, NS_EINVAL, "-sep wants one character, 'tab' or 'space', got '%s'", v);
    return NS_OK;
}
static void get_sep(const ns_opts *o, char *buf, size_t n) {
    char c = o->inter.sep;
    snprintf(buf, n, "%s", c == '\t' ? "tab" : c == ' ' ? "space" : c ? (char[]){c, 0} : "runs");
}

/* -checkpoint-every N (epochs; knowledge graphs: steps) or N with s, m or h
 * (a wall-clock interval). */
static ns_status set_checkpoint_every(ns_opts *o, const row *r, const char *v, ns_error *err) {
    (void)r;
    char num[64];
    size_t len = strlen(v);
    char unit = len ? v[len - 1] : 0;
    int timed = unit == 's' || unit == 'm' || unit == 'h';
    double x;
    int64_t k;
    snprintf(num, sizeof num, "%.*s", (int)(timed ? len - 1 : len), v);
    if (timed ? !ns__parse_double(num, &x) || !(x > 0) : !ns__parse_int(num, 0, INT64_MAX, &k))
        return ns__fail(err, NS_EINVAL, "-checkpoint-every wants N (%s) or N followed by s, m or h, got '%s'",
                        o->task == NS_TASK_KG ? "steps" : "epochs", v);
    o->checkpoint_every = timed ? 0 : k;
    o->checkpoint_seconds = timed ? x * (unit == 'h' ? 3600 : unit == 'm' ? 60 : 1) : 0;
    return NS_OK;
}
static void get_checkpoint_every(const ns_opts *o, char *buf, size_t n) {
    if (o->checkpoint_seconds > 0) snprintf(buf, n, "%gs", o->checkpoint_seconds);
    else snprintf(buf, n, "%lld", (long long)o->checkpoint_every);
}

#define AT(f) offsetof(ns_opts, f)
#define OPT(name, aliases, kind, arg, help) {name, aliases, kind, arg, help, NULL}
#define CHOICE(name, aliases, arg, choices, help) {name, aliases, NS_OPT_CHOICE, arg, help, choices}
#define SPECIAL(fn) F_SPECIAL, 0, NULL, set_##fn, get_##fn

static const row rows[] = {
    /* skip-gram and CBOW */
    {OPT("dim", "size", NS_OPT_INT, "N", "vector size"), DOTS | GR, F_I32, AT(train.dim), NULL, NULL, NULL},
    {OPT("window", "ws", NS_OPT_INT, "N", "max distance of a context word; each centre uses 1..N"), WORDS, F_I32,
     AT(train.window), NULL, NULL, NULL},
    {OPT("window", "ws", NS_OPT_INT, "N", "item2vec: context items on each side; item2vec treats a user's items as a set, so wide"),
     RE, F_I32, AT(train.window), NULL, NULL, NULL},
    {OPT("neg", "negative", NS_OPT_INT, "K", "negatives per positive"), WORDS | GR, F_I32, AT(train.neg), NULL, NULL, NULL},
    {OPT("neg", "negative", NS_OPT_INT, "K", "sampled negatives per pair (not infonce, softmax)"), PA, F_I32,
     AT(train.neg), NULL, NULL, NULL},
    {OPT("neg", "negative", NS_OPT_INT, "K", "negatives per positive (not warp, softmax)"), RE, F_I32, AT(train.neg),
     NULL, NULL, NULL},
    {OPT("ns-exponent", "noise-alpha", NS_OPT_REAL, "A", "negatives drawn by count^A; 0 = uniform, 1 = unigram"),
     WORDS, F_F64, AT(train.ns_exponent), NULL, NULL, NULL},
    {OPT("ns-exponent", "noise-alpha", NS_OPT_REAL, "A", "negatives drawn by (right-item count)^A; 0 = uniform"), PA,
     F_F64, AT(train.ns_exponent), NULL, NULL, NULL},
    {OPT("ns-exponent", "noise-alpha", NS_OPT_REAL, "A",
         "negatives drawn by (item popularity)^A; 0 = uniform, 1 = popularity; uniform ranks best on MovieLens (docs/recommendation.md)"),
     RE, F_F64, AT(train.ns_exponent), NULL, NULL, NULL},
    {CHOICE("loss", "", "NAME", "sgns|nce|softmax-sampled|softmax",
            "sgns (= fastText's ns): word2vec's loss; nce: noise-contrastive, exp(score) ~ P(centre|context); softmax-sampled: softmax over the positive and its negatives, log(k Pn) subtracted; softmax: the exact softmax over all words, no sampling (small vocabularies: V dot products a pair)"),
     WORDS | GR, SPECIAL(loss)},
    {CHOICE("loss", "", "NAME", "sgns|nce|softmax-sampled|softmax|infonce",
            "sgns, nce, softmax-sampled (K sampled negatives), softmax (every right item), infonce (in-batch negatives)"),
     PA, SPECIAL(loss)},
    {CHOICE("loss", "", "NAME", "sgns|nce|softmax-sampled|softmax|bpr|warp",
            "mf: sgns, nce, softmax-sampled, softmax (every item), bpr or warp; item2vec: sgns, nce, softmax-sampled or softmax [bpr; sgns with -model item2vec]"),
     RE, SPECIAL(loss)},
    {OPT("l2", "", NS_OPT_REAL, "L", "L2 penalty L/2 |row|^2 on every updated row (MAP with a Gaussian prior)"),
     WORDS | PA | GR, F_F64, AT(train.l2), NULL, NULL, NULL},
    {OPT("l2", "", NS_OPT_REAL, "L", "L2 penalty L/2 |row|^2 on every updated row [0.05; 0 with -model item2vec]"), RE,
     F_F64, AT(train.l2), NULL, NULL, NULL},
    {OPT("bias", "", NS_OPT_FLAG, "", "learn a bias per output word, started at -ln k: with k negatives per positive the base rate of a positive is 1/(1+k) = sigma(-ln k)"),
     WORDS, F_FLAG, AT(train.bias), NULL, NULL, NULL},
    {OPT("bias", "", NS_OPT_FLAG, "", "learn a bias per right item, started at -ln k (sigma(-ln k) = 1/(1+k), the base rate of a positive)"),
     PA, F_FLAG, AT(train.bias), NULL, NULL, NULL},
    {OPT("bias", "", NS_OPT_FLAG, "", "mf: learn a bias per item (its popularity)"), RE, F_FLAG, AT(train.bias), NULL,
     NULL, NULL},
    {OPT("reject-anchor", "", NS_OPT_FLAG, "", "never draw a negative equal to a context word of the window"), WORDS,
     F_FLAG, AT(train.reject_anchor), NULL, NULL, NULL},
    {OPT("reject-anchor", "", NS_OPT_FLAG, "", "with -shared-vocab: never draw the left item itself as a negative"), PA,
     F_FLAG, AT(train.reject_anchor), NULL, NULL, NULL},
    {OPT("sample", "t", NS_OPT_REAL, "T", "subsampling threshold for frequent words, 0 = off; auto: max(1e-4, 1000 / training tokens): fastText's 1e-4 from 10M tokens, word2vec's 1e-3 at 1M, next to none on a small corpus"), WORDS, F_F64AUTO,
     AT(train.sample), NULL, NULL, NULL},
    {OPT("sample", "t", NS_OPT_REAL, "T", "item2vec: subsampling threshold of popular items, 0 = off"), RE, F_F64,
     AT(train.sample), NULL, NULL, NULL},
    {OPT("min-count", "minCount", NS_OPT_INT, "N", "ignore words seen fewer than N times"), WORDS, F_I64,
     AT(corpus.min_count), NULL, NULL, NULL},
    {OPT("max-vocab", "", NS_OPT_INT, "N", "keep only the N most frequent words, 0 = all"), WORDS, F_I32,
     AT(corpus.max_vocab), NULL, NULL, NULL},
    {OPT("max-sentence", "", NS_OPT_INT, "N", "cut sentences (and files without line breaks) every N words"), WORDS,
     F_I32, AT(corpus.max_sentence), NULL, NULL, NULL},
    {OPT("no-lines", "", NS_OPT_FLAG, "", "line breaks do not end sentences (one stream)"), WORDS, F_NOFLAG,
     AT(corpus.lines_are_sentences), NULL, NULL, NULL},
    {OPT("minn", "", NS_OPT_INT, "N", "subwords: shortest character n-gram (of <word>) in a word's input vector"),
     WORDS, F_I32, AT(train.minn), NULL, NULL, NULL},
    {OPT("maxn", "", NS_OPT_INT, "N", "subwords: longest character n-gram, 0 = words only (fastText's subword information off) [6 when -minn is given, else 0]"),
     WORDS, F_I32, AT(train.maxn), NULL, NULL, NULL},
    {OPT("bucket", "", NS_OPT_INT, "B", "subwords: n-grams are hashed (fastText's hash) into B rows of the input table"),
     WORDS, F_I32, AT(train.bucket), NULL, NULL, NULL},
    /* pairs */
    {OPT("shared-vocab", "", NS_OPT_FLAG, "", "left and right items are one kind (word/word, node/node); default: two vocabularies"),
     PA, F_FLAG, AT(pairs.shared_vocab), NULL, NULL, NULL},
    {OPT("min-count", "minCount", NS_OPT_INT, "N", "drop items seen fewer than N times as left or right"), PA, F_I64,
     AT(pairs.min_count), NULL, NULL, NULL},
    {OPT("batch", "", NS_OPT_INT, "N", "infonce: pairs per mini-batch; the other N-1 positives are each pair's negatives"),
     PA, F_I32, AT(train.batch), NULL, NULL, NULL},
    {OPT("temperature", "", NS_OPT_REAL, "T", "infonce: scores are u.v / T; the vectors are not normalised, so their norms already act as 1/T, and score steps grow as lr/T^2: lower -lr with T"),
     PA, F_F64, AT(train.temperature), NULL, NULL, NULL},
    /* recommendation */
    {OPT("columns", "", NS_OPT_TEXT, "U,I[,W[,T]]", "1-based columns of user, item, weight (rating) and timestamp; 0 = none"),
     RE, SPECIAL(columns)},
    {OPT("sep", "", NS_OPT_TEXT, "C", "field separator: one character, 'tab', 'space' or 'runs' (of tabs and spaces)"),
     RE, SPECIAL(sep)},
    {OPT("header", "", NS_OPT_FLAG, "", "the first line is a header"), RE, F_FLAG, AT(inter.header), NULL, NULL, NULL},
    {OPT("min-rating", "min-weight", NS_OPT_REAL, "R", "only lines with weight >= R are positives (MovieLens: 4) [every line]"),
     RE, F_F64INF, AT(inter.min_weight), NULL, NULL, NULL},
    {OPT("sessions", "", NS_OPT_FLAG, "", "each line is one session, its items in order (user 's<line number>'); evaluate with -split leave-last-out (the next item)"),
     RE, F_FLAG, AT(inter.sessions), NULL, NULL, NULL},
    {OPT("min-user", "", NS_OPT_INT, "N", "drop users with fewer than N positives, and items with fewer than -min-item, until both hold"),
     RE, F_I32, AT(inter.min_user), NULL, NULL, NULL},
    {OPT("min-item", "", NS_OPT_INT, "N", "see -min-user"), RE, F_I32, AT(inter.min_item), NULL, NULL, NULL},
    {CHOICE("model", "", "NAME", "mf|item2vec", "mf (matrix factorisation, score u.v) or item2vec (skip-gram over each user's items in time order)"),
     RE, SPECIAL(rec_model)},
    {OPT("dns", "", NS_OPT_INT, "M", "dynamic negative sampling (sgns, bpr): each negative is the highest-scored of M draws"),
     RE, F_I32, AT(train.dns), NULL, NULL, NULL},
    {OPT("max-trials", "", NS_OPT_INT, "N", "warp: draws to find a negative within the margin before a positive is skipped"),
     RE, F_I32, AT(train.max_trials), NULL, NULL, NULL},
    /* every dot-product task */
    {OPT("epochs", "epoch|iter", NS_OPT_INT, "N", "passes over the data"), WORDS | RE, F_I32, AT(train.epochs), NULL,
     NULL, NULL},
    {OPT("epochs", "epoch|iter", NS_OPT_INT, "N", "walks: rounds of -walks-per-node fresh walks from every node; line: draws of as many edges as the graph has arcs [auto: 1 for walks, 100 for line]"),
     GR, F_I32AUTO, AT(train.epochs), NULL, NULL, NULL},
    {OPT("epochs", "epoch|iter", NS_OPT_INT, "N", "passes over the data; auto: max(5, 100,000 / pairs), so that a small set gets 100,000 updates"),
     PA, F_I32AUTO, AT(train.epochs), NULL, NULL, NULL},
    {OPT("lr", "", NS_OPT_REAL, "LR", "start learning rate, decays linearly to ~0"), WORDS | PA | GR, F_F64, AT(train.lr),
     NULL, NULL, NULL},
    {OPT("lr", "", NS_OPT_REAL, "LR", "start learning rate, decays linearly to ~0 [0.05; 0.025 with -model item2vec]"),
     RE, F_F64, AT(train.lr), NULL, NULL, NULL},
    {OPT("threads", "thread", NS_OPT_INT, "N", "worker threads"), DOTS | GR, F_I32, AT(train.threads), NULL, NULL, NULL},
    {OPT("seed", "", NS_OPT_INT, "N", "random seed; 1 thread + same seed = same result"), DOTS | GR, F_U64, AT(train.seed),
     NULL, NULL, NULL},
    {OPT("valid-every", "", NS_OPT_INT, "N", "epochs between validations on -valid (and one at the end); the model ends as the best validated state; 0 = none"),
     DOTS, F_I32, AT(train.valid_every), NULL, NULL, NULL},
    {OPT("patience", "", NS_OPT_INT, "N", "stop after N validations without a better one, 0 = never; the model keeps the best"),
     DOTS, F_I32, AT(train.patience), NULL, NULL, NULL},
    /* graph node embeddings */
    {CHOICE("method", "", "NAME", "deepwalk|node2vec|line", "deepwalk (walks by edge weight), node2vec (walks biased by -p, -q) or line (edges drawn by weight)"),
     GR, SPECIAL(graph_method)},
    {OPT("undirected", "", NS_OPT_FLAG, "", "each line is an edge both ways (default: u -> v only)"), GR, F_FLAG,
     AT(graph.undirected), NULL, NULL, NULL},
    {OPT("walks-per-node", "num-walks", NS_OPT_INT, "R", "walks from every node each epoch"), GR, F_I32,
     AT(graph.walks_per_node), NULL, NULL, NULL},
    {OPT("walk-length", "", NS_OPT_INT, "L", "nodes a walk visits, its start included"), GR, F_I32,
     AT(graph.walk_length), NULL, NULL, NULL},
    {OPT("p", "", NS_OPT_REAL, "P", "node2vec: return parameter; going back to the previous node has weight 1/P"), GR,
     F_F64, AT(graph.p), NULL, NULL, NULL},
    {OPT("q", "", NS_OPT_REAL, "Q", "node2vec: in-out parameter; a node not next to the previous one has weight 1/Q (Q < 1: outward, DFS-like)"),
     GR, F_F64, AT(graph.q), NULL, NULL, NULL},
    {OPT("window", "ws", NS_OPT_INT, "N", "walks: max distance of a context node; each centre uses 1..N"), GR, F_I32,
     AT(train.window), NULL, NULL, NULL},
    {OPT("ns-exponent", "noise-alpha", NS_OPT_REAL, "A", "negatives drawn by degree^A; 0 = uniform"), GR, F_F64,
     AT(train.ns_exponent), NULL, NULL, NULL},
    {OPT("sample", "t", NS_OPT_REAL, "T", "walks: subsampling threshold of frequent (high-degree) nodes, 0 = off"), GR,
     F_F64, AT(train.sample), NULL, NULL, NULL},
    {CHOICE("negatives", "", "KIND", "noise|mcmc", "noise (independent draws by degree^A) or mcmc (a Metropolis-Hastings chain towards Pn(y) exp(alpha s): hard negatives near the anchor; along each walk, from the target of each LINE edge)"),
     GR, F_ENUM, AT(train.negatives), negative_kinds, NULL, NULL},
    {CHOICE("negatives", "", "KIND", "noise|mcmc", "mf: noise (independent draws by popularity^A) or mcmc (a Metropolis-Hastings chain towards Pn(i) exp(alpha u.i): hard negatives)"),
     RE, F_ENUM, AT(train.negatives), negative_kinds, NULL, NULL},
    {OPT("mcmc-alpha", "", NS_OPT_REAL, "A", "mcmc: how far the chain's target leans towards high scores, exp(A s)"), GR | RE,
     F_F64, AT(train.mcmc_alpha), NULL, NULL, NULL},
    {OPT("mcmc-mix", "", NS_OPT_REAL, "M", "mcmc: proposals from the noise with probability M, else a neighbour of the chain's node"), GR,
     F_F64, AT(train.mcmc_mix), NULL, NULL, NULL},
    {OPT("order", "", NS_OPT_TEXT, "1|2|both", "line: first order (u.v on one table), second (u against context vectors) or both (dim/2 each, normalised, concatenated)"),
     GR, SPECIAL(line_order)},
    /* knowledge graphs */
    {CHOICE("model", "", "NAME", "transe-l1|transe-l2|distmult|complex|rotate", "transe (= transe-l1), transe-l2, distmult, complex or rotate"),
     KG, SPECIAL(kg_model)},
    {OPT("dim", "size", NS_OPT_INT, "N", "entity dimension; complex and rotate: N complex numbers (2N floats)"), KG,
     F_I32, AT(kg.dim), NULL, NULL, NULL},
    {OPT("gamma", "margin", NS_OPT_REAL, "G", "margin of the distance scorers; also sets the initialisation range (G+2)/dim"),
     KG, F_F64, AT(kg.gamma), NULL, NULL, NULL},
    {CHOICE("loss", "", "NAME", "margin|logistic", "margin (RotatE paper: -log s(G+f) - sum w log s(-G-f')) or logistic (softplus per triple, no margin)"),
     KG, F_ENUM, AT(kg.loss), kg_losses, NULL, NULL},
    {CHOICE("optim", "", "NAME", "adam|adagrad|lazy-adam", "adam, adagrad or lazy-adam (Adam on touched rows only)"), KG,
     F_ENUM, AT(kg.optim), kg_optims, NULL, NULL},
    {OPT("lr", "", NS_OPT_REAL, "LR", "learning rate, divided by 10 after half the steps; auto: from the data: Adam (gamma+2)/dim x min(0.04, 250/steps), the RotatE paper's 5e-5 at its 80,000 steps on WN18RR; adagrad 0.1"),
     KG, F_F64AUTO, AT(kg.lr), NULL, NULL, NULL},
    {CHOICE("reg", "", "NAME", "none|l2|n3", "none, l2 or n3: penalty W*sum x^2 or W*sum |x|^3 on each positive's rows, divided by the batch"),
     KG, F_ENUM, AT(kg.reg), kg_regs, NULL, NULL},
    {OPT("reg-weight", "", NS_OPT_REAL, "W", "weight of -reg; a weight on whole tables (the RotatE code's) is about W/batch"),
     KG, F_F64, AT(kg.reg_weight), NULL, NULL, NULL},
    {OPT("batch", "", NS_OPT_INT, "N", "positive triples a step"), KG, F_I32, AT(kg.batch), NULL, NULL, NULL},
    {OPT("neg", "negative", NS_OPT_INT, "K", "negatives a positive (corrupted heads or tails)"), KG, F_I32, AT(kg.neg),
     NULL, NULL, NULL},
    {OPT("chunk", "", NS_OPT_INT, "N", "positives that share their K negatives; 0 = the whole batch, 1 = each its own"),
     KG, F_I32, AT(kg.chunk), NULL, NULL, NULL},
    {OPT("steps", "max-steps", NS_OPT_INT, "N", "optimiser steps in all (overrides -epochs; 0: from -epochs)"), KG, F_I64,
     AT(kg.steps), NULL, NULL, NULL},
    {OPT("epochs", "epoch", NS_OPT_INT, "N", "passes over the training triples when -steps is 0"), KG, F_I32,
     AT(kg.epochs), NULL, NULL, NULL},
    {OPT("adv", "adv-temperature", NS_OPT_REAL, "A", "self-adversarial negatives: weights softmax(A f) over a positive's negatives; 0 = uniform"),
     KG, F_F64, AT(kg.adv_temperature), NULL, NULL, NULL},
    {OPT("bernoulli", "", NS_OPT_FLAG, "", "corrupt the head with probability tph/(tph+hph) of the relation, not 1/2"), KG,
     F_FLAG, AT(kg.bernoulli), NULL, NULL, NULL},
    {OPT("exclude-true", "", NS_OPT_FLAG, "", "a negative that forms a training triple gets weight 0"), KG, F_FLAG,
     AT(kg.exclude_true), NULL, NULL, NULL},
    {OPT("valid-every", "", NS_OPT_INT, "N", "steps between validations (filtered MRR on -valid), 0 = none"), KG, F_I64,
     AT(kg.valid_every), NULL, NULL, NULL},
    {OPT("patience", "", NS_OPT_INT, "N", "stop after N validations without a better MRR, 0 = never; the model keeps the best"),
     KG, F_I32, AT(kg.patience), NULL, NULL, NULL},
    {OPT("valid-max", "", NS_OPT_INT, "N", "validate on the first N triples of -valid, 0 = all"), KG, F_I64,
     AT(kg.valid_max), NULL, NULL, NULL},
    {OPT("threads", "thread", NS_OPT_INT, "N", "worker threads (Hogwild; also for validation)"), KG, F_I32,
     AT(kg.threads), NULL, NULL, NULL},
    {OPT("seed", "", NS_OPT_INT, "N", "random seed; 1 thread + same seed = same result"), KG, F_U64, AT(kg.seed), NULL,
     NULL, NULL},
    /* every task */
    {OPT("checkpoint-every", "", NS_OPT_TEXT, "N[s|m|h]",
         "write PREFIX.checkpoint every N epochs (kg-train: steps), or every N seconds, minutes or hours; 0 = none; resume with -resume PREFIX.checkpoint"),
     ALL, SPECIAL(checkpoint_every)},
};

enum { ROWS = sizeof rows / sizeof rows[0] };
_Static_assert(ROWS <= sizeof ((ns_opts *)0)->given, "ns_opts.given has a flag per row");

static int row_has(const row *r, const char *name) {
    if (!strcmp(r->info.name, name)) return 1;
    size_t n = strlen(name);
    for (const char *p = r->info.aliases; *p;) {
        const char *e = strchr(p, '|');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && !strncmp(p, name, n)) return 1;
        if (!e) break;
        p = e + 1;
    }
    return 0;
}

/* The task's row for a name, or -1. */
static int find_row(ns_task task, const char *name) {
    for (int i = 0; i < ROWS; i++)
        if ((rows[i].tasks & (1u << task)) && row_has(&rows[i], name)) return i;
    return -1;
}

int ns_opts_count(ns_task task) {
    int n = 0;
    for (int i = 0; i < ROWS; i++) n += (rows[i].tasks & (1u << task)) != 0;
    return n;
}

const ns_opt_info *ns_opts_info(ns_task task, int k) {
    for (int i = 0; i < ROWS; i++)
        if ((rows[i].tasks & (1u << task)) && k-- == 0) return &rows[i].info;
    return NULL;
}

const ns_opt_info *ns_opts_find(ns_task task, const char *name) {
    int i = (unsigned)task <= NS_TASK_GRAPH ? find_row(task, name) : -1;
    return i < 0 ? NULL : &rows[i].info;
}

int ns_opts_given(const ns_opts *o, const char *name) {
    int i = find_row(o->task, name);
    return i >= 0 && o->given[i];
}

static int parse_flag(const char *v) {
    if (!v || !strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes")) return 1;
    if (!strcmp(v, "0") || !strcmp(v, "false") || !strcmp(v, "no")) return 0;
    return -1;
}

ns_status ns_opts_set(ns_opts *o, const char *name, const char *value, ns_error *err) {
    ns__err_clear(err);
    int i = (unsigned)o->task <= NS_TASK_GRAPH ? find_row(o->task, name) : -1;
    if (i < 0) return ns__fail(err, NS_EINVAL, "unknown option '%s'", name);
    const row *r = &rows[i];
    if (!value && r->type != F_FLAG && r->type != F_NOFLAG)
        return ns__fail(err, NS_EINVAL, "option -%s needs a value (%s)", r->info.name, r->info.arg);
    void *at = (char *)o + r->off;
    int64_t k;
    double x;
    int flag;
    ns_status s = NS_OK;
    switch (r->type) {
    case F_I32:
    case F_I32AUTO:
    case F_I64:
    case F_U64: {
        int i32 = r->type == F_I32 || r->type == F_I32AUTO;
        if (r->type == F_I32AUTO && !strcmp(value, "auto")) k = (int32_t)NS_AUTO;
        else if (!ns__parse_int(value, i32 ? INT32_MIN : r->type == F_U64 ? 0 : INT64_MIN, i32 ? INT32_MAX : INT64_MAX, &k))
            return ns__fail(err, NS_EINVAL, "option -%s: '%s' is not an integer%s", r->info.name, value,
                            r->type == F_U64 ? " >= 0" : "");
        if (i32) *(int32_t *)at = (int32_t)k;
        else if (r->type == F_I64) *(int64_t *)at = k;
        else *(uint64_t *)at = (uint64_t)k;
        break;
    }
    case F_F64:
    case F_F64INF:
    case F_F64AUTO:
        if (r->type == F_F64INF && (!strcmp(value, "-inf") || !strcmp(value, "inf")))
            x = value[0] == '-' ? -INFINITY : INFINITY;
        else if (r->type == F_F64AUTO && !strcmp(value, "auto"))
            x = NS_AUTO;
        else if (!ns__parse_double(value, &x))
            return ns__fail(err, NS_EINVAL, "option -%s: '%s' is not a number", r->info.name, value);
        *(double *)at = x;
        break;
    case F_FLAG:
    case F_NOFLAG:
        if ((flag = parse_flag(value)) < 0)
            return ns__fail(err, NS_EINVAL, "option -%s: '%s' is not 1/0, true/false or yes/no", r->info.name, value);
        *(int *)at = r->type == F_FLAG ? flag : !flag;
        break;
    case F_ENUM:
        for (k = 0; r->names[k] && strcmp(r->names[k], value); k++) {}
        if (!r->names[k]) {
            char list[256] = "";
            for (int j = 0; r->names[j]; j++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", j ? (r->names[j + 1] ? ", " : " or ") : "",
                         r->names[j]);
            return ns__fail(err, NS_EINVAL, "-%s %s is not supported; choose %s", r->info.name, value, list);
        }
        *(int *)at = (int)k;
        break;
    case F_SPECIAL:
        s = r->set(o, r, value, err);
        break;
    }
    if (s == NS_OK) o->given[i] = 1;
    return s;
}

/* The shortest %g text that reads back as x. */
static void shortest(double x, char *buf, size_t n) {
    for (int p = 6; p <= 17; p++) {
        snprintf(buf, n, "%.*g", p, x);
        if (strtod(buf, NULL) == x || isnan(x)) return;
    }
}

ns_status ns_opts_get(const ns_opts *o, const char *name, char *buf, size_t n, ns_error *err) {
    ns__err_clear(err);
    int i = (unsigned)o->task <= NS_TASK_GRAPH ? find_row(o->task, name) : -1;
    if (i < 0) return ns__fail(err, NS_EINVAL, "unknown option '%s'", name);
    const row *r = &rows[i];
    const void *at = (const char *)o + r->off;
    switch (r->type) {
    case F_I32: snprintf(buf, n, "%d", *(const int32_t *)at); break;
    case F_I32AUTO:
        if (*(const int32_t *)at == (int32_t)NS_AUTO) snprintf(buf, n, "auto");
        else snprintf(buf, n, "%d", *(const int32_t *)at);
        break;
    case F_I64: snprintf(buf, n, "%lld", (long long)*(const int64_t *)at); break;
    case F_U64: snprintf(buf, n, "%llu", (unsigned long long)*(const uint64_t *)at); break;
    case F_F64:
    case F_F64INF: shortest(*(const double *)at, buf, n); break;
    case F_F64AUTO:
        if (*(const double *)at == NS_AUTO) snprintf(buf, n, "auto");
        else shortest(*(const double *)at, buf, n);
        break;
    case F_FLAG: snprintf(buf, n, "%d", *(const int *)at != 0); break;
    case F_NOFLAG: snprintf(buf, n, "%d", *(const int *)at == 0); break;
    case F_ENUM: snprintf(buf, n, "%s", r->names[*(const int *)at]); break;
    case F_SPECIAL: r->get(o, buf, n); break;
    }
    return NS_OK;
}

void ns_opts_default(ns_opts *o, ns_task task) {
    memset(o, 0, sizeof *o);
    o->task = task;
    ns_train_opts_default(&o->train, task == NS_TASK_KG || task == NS_TASK_GRAPH ? NS_TASK_SKIPGRAM : task);
    ns_corpus_opts_default(&o->corpus);
    ns_pairs_opts_default(&o->pairs);
    ns_inter_opts_default(&o->inter);
    ns_kg_opts_default(&o->kg);
    ns_graph_opts_default(&o->graph);
    if (task == NS_TASK_GRAPH) {
        /* DeepWalk's and node2vec's settings: d 128, context 10, walks
         * kept whole; auto epochs by method (ns_opts_check). */
        o->train.dim = 128, o->train.window = 10, o->train.sample = 0, o->train.epochs = (int32_t)NS_AUTO;
    }
    if (task == NS_TASK_REC) {
        /* BPR on user/item vectors of 64; popularity-blind negatives rank
         * best on MovieLens (docs/recommendation.md). */
        o->train.loss = NS_LOSS_BPR, o->train.dim = 64, o->train.epochs = 30, o->train.lr = 0.05;
        o->train.l2 = 0.05, o->train.ns_exponent = 0, o->train.window = 200, o->train.sample = 0;
    }
}

#define GIVEN(name) ns_opts_given(o, name)

ns_status ns_opts_check(ns_opts *o, ns_error *err) {
    ns__err_clear(err);
    if ((unsigned)o->task > NS_TASK_GRAPH) return ns__fail(err, NS_EINVAL, "unknown task %d", (int)o->task);
    if (o->checkpoint_every < 0 || o->checkpoint_seconds < 0)
        return ns__fail(err, NS_EINVAL, "-checkpoint-every must be >= 0");
    if (o->task == NS_TASK_KG) {
        return ns_kg_opts_check(&o->kg, err);
    }
    if (o->task == NS_TASK_GRAPH) {
        ns_status s = ns_graph_opts_check(&o->graph, err);
        if (s != NS_OK) return s;
        if (o->train.epochs == (int32_t)NS_AUTO) o->train.epochs = o->graph.method == NS_GRAPH_LINE ? 100 : 1;
        /* Another method's options are refused (ns_opts_from_model leaves
         * them unset). */
        if (o->graph.method == NS_GRAPH_LINE && GIVEN("window"))
            return ns__fail(err, NS_EINVAL, "-window is for walks; LINE's context is the edge");
        if (o->graph.method != NS_GRAPH_LINE && GIVEN("order"))
            return ns__fail(err, NS_EINVAL, "-order is LINE's (-method line)");
        if (o->graph.method != NS_GRAPH_NODE2VEC && (GIVEN("p") || GIVEN("q")))
            return ns__fail(err, NS_EINVAL, "-p and -q are node2vec's (-method node2vec)");
        return ns_train_opts_check(&o->train, err);
    }
    if (o->task == NS_TASK_REC && o->train.task != NS_TASK_REC) { /* item2vec */
        if (!GIVEN("loss")) o->train.loss = NS_LOSS_SGNS;
        if (!GIVEN("lr")) o->train.lr = 0.025;
        if (!GIVEN("l2")) o->train.l2 = 0;
        if (o->train.loss == NS_LOSS_BPR || o->train.loss == NS_LOSS_WARP)
            return ns__fail(err, NS_EINVAL, "-model item2vec trains with sgns, nce, softmax-sampled or softmax, not %s",
                            ns_loss_name(o->train.loss));
        if (o->train.bias) return ns__fail(err, NS_EINVAL, "-bias is for -model mf");
    }
    /* -minn alone turns subwords on with fastText's longest n-gram. */
    if (GIVEN("minn") && !GIVEN("maxn") && o->train.minn > 0) o->train.maxn = o->train.minn > 6 ? o->train.minn : 6;
    if (o->task == NS_TASK_PAIRS && o->train.reject_anchor && !o->pairs.shared_vocab)
        return ns__fail(err, NS_EINVAL, "-reject-anchor needs -shared-vocab (left items are never right items otherwise)");
    if (o->task == NS_TASK_PAIRS && o->pairs.min_count < 1) return ns__fail(err, NS_EINVAL, "-min-count must be >= 1");
    if (o->corpus.min_count < 1 || o->corpus.max_vocab < 0 || o->corpus.max_sentence < 1)
        return ns__fail(err, NS_EINVAL, "min-count and max-sentence must be >= 1, max-vocab >= 0");
    if (o->inter.min_user < 1 || o->inter.min_item < 1)
        return ns__fail(err, NS_EINVAL, "min-user and min-item must be >= 1");
    return ns_train_opts_check(&o->train, err);
}

ns_status ns_opts_check_unvalidated(const ns_opts *o, int (*asked)(const char *name, void *user), void *user,
                                    ns_error *err) {
    static const char *const names[] = {"valid-every", "patience", "valid-max"};
    ns__err_clear(err);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char v[64];
        if (!ns_opts_find(o->task, names[i]) || !(asked ? asked(names[i], user) : ns_opts_given(o, names[i])) ||
            ns_opts_get(o, names[i], v, sizeof v, NULL) != NS_OK || strcmp(v, "0") == 0)
            continue;
        return ns__fail(err, NS_EINVAL, "-%s needs validation data", names[i]);
    }
    return NS_OK;
}

/* Marks every option of the task as set (the values came from a model). */
static void all_given(ns_opts *o) {
    for (int i = 0; i < ROWS; i++)
        if (rows[i].tasks & (1u << o->task)) o->given[i] = 1;
}

void ns_opts_from_model(ns_opts *o, const ns_model *m) {
    const ns_train_opts *t = ns_model_opts(m);
    ns_opts_default(o, m->is_graph ? NS_TASK_GRAPH : t->task);
    o->train = *t;
    o->corpus = m->corpus, o->pairs = m->pairs;
    if (m->is_graph) o->graph = m->graph;
    all_given(o);
    if (m->is_graph) { /* not the options of the other graph methods */
        ns_graph_method gm = m->graph.method;
        const char *names[4] = {"window", "order", "p", "q"};
        int applies[4] = {gm != NS_GRAPH_LINE, gm == NS_GRAPH_LINE, gm == NS_GRAPH_NODE2VEC, gm == NS_GRAPH_NODE2VEC};
        for (int k = 0; k < 4; k++)
            if (!applies[k]) o->given[find_row(o->task, names[k])] = 0;
    }
}

void ns_opts_from_rec(ns_opts *o, const ns_rec *r) {
    ns_opts_default(o, NS_TASK_REC);
    o->train = *ns_model_opts(ns_rec_model(r));
    ns_inter_read_opts(ns_rec_train_data(r), &o->inter);
    all_given(o);
}

void ns_opts_from_kg(ns_opts *o, const ns_kg *m) {
    ns_opts_default(o, NS_TASK_KG);
    o->kg = *ns_kg_options(m);
    all_given(o);
}
