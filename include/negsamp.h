/*
 * negsamp.h - the public API of libnegsamp: embeddings trained with negative
 * sampling.
 *
 * Errors. The library never exits, aborts or prints. Every call that can
 * fail returns an ns_status (NS_OK = 0, a negative code otherwise) and
 * takes an `ns_error *err` last (may be NULL): cleared on entry, it holds
 * on failure a message naming the file, line and problem, or for
 * NS_ENOMEM what was being allocated and how much. No call signals failure
 * by a -1, 0 or NAN in place of a status; lookups that may find nothing
 * (ns_vocab_find: -1) are not failures.
 *
 * Ownership. A pointer passed to a function is borrowed for the duration
 * of the call: the library never frees it and keeps no pointer to it once
 * the call returns, on success or failure. What an object needs to keep,
 * it copies (ns_model_create copies the vocabulary, ns_rec_create the
 * interactions, ns_pairs_load and ns_triples_load over a model's or given
 * vocabularies copy those). Objects returned through an `out` parameter
 * are the caller's, released with the matching ns_*_free(), which accepts
 * NULL; on failure *out is left unset. Pointers returned by accessors
 * (ns_corpus_vocab, ns_model_row, ...) are borrowed from the object and
 * valid until it is freed or changed. Options structs may hold borrowed
 * pointers that a call uses while it runs (ns_train_opts.noise_weights,
 * ns_train_hooks.checkpoint); the models keep neither.
 *
 * Data flow (see docs/design.md):
 *   text --ns_corpus_load--> ids + vocabulary --ns_train_words--> ns_model
 *   ns_model --ns_model_save / ns_model_export_vec / _bin--> files
 *   files --ns_emb_load--> ns_emb --ns_emb_nearest / ns_emb_analogy / ns_eval_*
 * Options by name (ns_opts_*) hold every task's defaults; every trainer
 * runs on one engine (threads, progress, checkpoints, resume:
 * ns_train_hooks).
 */
#ifndef NEGSAMP_H
#define NEGSAMP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NS_VERSION_STRING "0.1.0"

/* The value of a real option whose default the trainer derives from the
 * data (ns_train_opts.sample, ns_kg_opts.lr); "auto" by name. The model
 * keeps the value the run used. */
#define NS_AUTO (-1.0)

/* ---- status and errors ------------------------------------------------ */

typedef enum ns_status {
    NS_OK = 0,
    NS_EINVAL = -1,    /* an argument or option is out of range */
    NS_ENOMEM = -2,    /* allocation failed or a size overflowed */
    NS_EIO = -3,       /* a file could not be opened, read or written */
    NS_EFORMAT = -4,   /* a file is malformed, truncated or of another kind */
    NS_EEMPTY = -5,    /* nothing to work on (empty corpus, no word kept) */
    NS_ECANCELED = -6, /* the progress callback asked to stop */
    NS_EDIVERGED = -7  /* training diverged: a loss that is not finite */
} ns_status;

/* A short constant name for a status ("invalid argument", ...). */
const char *ns_status_str(ns_status s);

/* Detail for a failed call: "file:line: problem" where a file is involved. */
typedef struct ns_error {
    char msg[1024];
} ns_error;

/* ---- vocabulary ------------------------------------------------------- */

/* Words with counts. Ids are dense, 0..size-1; after ns_vocab_finalize()
 * they are ordered by count (descending, ties by byte order). */
typedef struct ns_vocab ns_vocab;

ns_status ns_vocab_create(ns_vocab **out, ns_error *err);
void ns_vocab_free(ns_vocab *v);
/* Adds `count` (>= 0) to the word (1 or more bytes, need not be
 * NUL-terminated), creating it if needed; *id_out (optional) receives its
 * id. */
ns_status ns_vocab_add(ns_vocab *v, const char *word, size_t len, int64_t count, int32_t *id_out,
                       ns_error *err);
/* The id of a word, or -1. */
int32_t ns_vocab_find(const ns_vocab *v, const char *word, size_t len);
int32_t ns_vocab_size(const ns_vocab *v);
/* Borrowed, valid until the vocabulary changes. */
const char *ns_vocab_word(const ns_vocab *v, int32_t id);
int64_t ns_vocab_count(const ns_vocab *v, int32_t id);
/* Sum of all counts. */
int64_t ns_vocab_total(const ns_vocab *v);

/* ---- corpus ----------------------------------------------------------- */

typedef struct ns_corpus_opts {
    int64_t min_count;        /* drop words seen fewer times (5) */
    int32_t max_vocab;        /* keep at most this many words, 0 = no limit */
    int32_t max_sentence;     /* cut sentences longer than this (10000) */
    int lines_are_sentences;  /* 1: a line break ends a sentence (1) */
    int fixed_vocab;          /* with a base: the base's words and counts
                                 only (no word added, no count changed;
                                 other tokens dropped): the text as a model
                                 over that vocabulary sees it, e.g. to
                                 resume its training (0) */
} ns_corpus_opts;

void ns_corpus_opts_default(ns_corpus_opts *o);

/* A tokenised corpus held in memory: word ids (4 bytes a kept token) and
 * sentence boundaries, plus its vocabulary. */
typedef struct ns_corpus ns_corpus;

/* Reads a whitespace-tokenised UTF-8 text file ("-" is stdin; a name ending
 * in .gz, or gzip content, is decompressed when built with zlib).
 * With `base` (borrowed, may be NULL) the vocabulary starts as a copy of it:
 * its words keep their ids whatever their new counts, the new corpus's counts
 * are added to theirs, and new words that pass min_count are appended in
 * frequency order (continued training). */
ns_status ns_corpus_load(ns_corpus **out, const char *path, const ns_corpus_opts *o,
                         const ns_vocab *base, ns_error *err);
void ns_corpus_free(ns_corpus *c);
/* Borrowed, owned by the corpus. */
const ns_vocab *ns_corpus_vocab(const ns_corpus *c);
int64_t ns_corpus_tokens(const ns_corpus *c);    /* kept tokens */
int64_t ns_corpus_sentences(const ns_corpus *c);
/* Sentence s as a borrowed array of ids; *len receives its length. */
const int32_t *ns_corpus_sentence(const ns_corpus *c, int64_t s, int64_t *len);

/* ---- pair data -------------------------------------------------------- */

/* "left<TAB>right[<TAB>negative...]" lines (blank lines and lines starting
 * with '#' skipped; items may not hold spaces), held in memory as ids. */
typedef struct ns_pairs ns_pairs;

typedef struct ns_pairs_opts {
    int shared_vocab;   /* one vocabulary for both sides (0: left and right
                           items are different kinds, e.g. users and items) */
    int64_t min_count;  /* drop items seen fewer times as left or right (1) */
} ns_pairs_opts;

void ns_pairs_opts_default(ns_pairs_opts *o);
struct ns_model;
/* Without `model`: builds the vocabularies from the file (items counted by
 * their positive occurrences, in frequency order; explicit negatives get
 * rows with count 0; pairs with an item under min_count are skipped and
 * counted). With `model` (only read during the call): ids from copies of
 * its vocabularies, unknown items -1 (unknown negatives left out), for
 * evaluation or to resume its training (ns_train_pairs leaves out the
 * pairs with an unknown item, as the run that made it skipped them). */
ns_status ns_pairs_load(ns_pairs **out, const char *path, const ns_pairs_opts *o,
                        const struct ns_model *model, ns_error *err);
void ns_pairs_free(ns_pairs *p);
int64_t ns_pairs_count(const ns_pairs *p);
/* Lines dropped because of min_count. */
int64_t ns_pairs_skipped(const ns_pairs *p);
/* Borrowed; the right vocabulary is the left one when shared. */
const ns_vocab *ns_pairs_left_vocab(const ns_pairs *p);
const ns_vocab *ns_pairs_right_vocab(const ns_pairs *p);
/* Pair i: its ids, and its explicit negatives (borrowed) as the return
 * value's count. */
int32_t ns_pairs_get(const ns_pairs *p, int64_t i, int32_t *left, int32_t *right, const int32_t **negs);

/* ---- interactions (recommendation data) ------------------------------ */

/* "user item [weight] [timestamp]" lines: users' positive items, held per
 * user in time order. Ids are arbitrary strings. */
typedef struct ns_inter ns_inter;

typedef struct ns_inter_opts {
    int32_t user_col, item_col;   /* 1-based columns (1, 2) */
    int32_t weight_col, time_col; /* 1-based, 0 = none (3, 4); a line that ends
                                     before them has weight 1 and its line
                                     order as time */
    char sep;                     /* field separator; 0 = runs of tabs and
                                     spaces (0) */
    int header;                   /* the first data line is a header (0) */
    int sessions;                 /* each line is one session: its fields are
                                     items in order, its user is "s" and the
                                     line number; columns and weights unused (0) */
    double min_weight;            /* a line is a positive if its weight is
                                     >= this (-INFINITY: every line) */
    int32_t min_user, min_item;   /* drop users and items with fewer
                                     positives, repeatedly until both hold
                                     (a k-core) (1, 1); training data only */
} ns_inter_opts;

void ns_inter_opts_default(ns_inter_opts *o);

typedef struct ns_inter_stats {
    int64_t lines;       /* data lines read */
    int64_t positives;   /* distinct (user, item) positives kept */
    int64_t below;       /* lines with weight under min_weight */
    int64_t repeats;     /* positive lines repeating a (user, item): the
                            first time counts */
    int64_t unknown;     /* with a base: lines whose user or item it lacks */
    int64_t cored;       /* positives dropped by min_user / min_item */
    int32_t users, items;
    int32_t users_dropped;  /* users with no positive left (all lines under
                               min_weight, or dropped by min_user) */
    int32_t items_dropped;
} ns_inter_stats;

/* Without `base`: the vocabularies are built from the file, users and items
 * in order of their positive count (ties by bytes). With `base` (borrowed):
 * its vocabularies (copied), lines with a user or item it lacks left out and
 * counted, no k-core (for held-out data). A repeated (user, item) keeps its
 * earliest time; equal times keep file order. NS_EEMPTY if no positive is
 * left. */
ns_status ns_inter_load(ns_inter **out, const char *path, const ns_inter_opts *o, const ns_inter *base,
                        ns_error *err);
void ns_inter_free(ns_inter *x);
/* Leave-last-out: every user with at least two positives gives its last one
 * (by time) to *test, the rest to *train; users with one positive keep it in
 * training. Both share all's vocabularies; the counts become the training
 * counts (an item seen only in test keeps a row with count 0). */
ns_status ns_inter_split_last(const ns_inter *all, ns_inter **train, ns_inter **test, ns_error *err);
void ns_inter_stats_get(const ns_inter *x, ns_inter_stats *out);
/* The options the data was read with (a recommender keeps its training
 * data's, for reading held-out files the same way). */
void ns_inter_read_opts(const ns_inter *x, ns_inter_opts *out);
const ns_vocab *ns_inter_user_vocab(const ns_inter *x);
const ns_vocab *ns_inter_item_vocab(const ns_inter *x);
int64_t ns_inter_count(const ns_inter *x);
/* User u's positive items in time order (borrowed); *n receives how many. */
const int32_t *ns_inter_user(const ns_inter *x, int32_t u, int64_t *n);
/* Whether item i is a positive of user u (binary search). */
int ns_inter_has(const ns_inter *x, int32_t u, int32_t i);

/* ---- model ------------------------------------------------------------ */

typedef enum ns_task {
    NS_TASK_SKIPGRAM = 0,
    NS_TASK_CBOW = 1,
    NS_TASK_PAIRS = 2,  /* left -> right pairs (ns_train_pairs) */
    NS_TASK_REC = 3,    /* users' positive items, matrix factorisation
                           (ns_rec_train) */
    NS_TASK_KG = 4,     /* knowledge graphs (ns_kg_train; options by name
                           only: ns_train_opts does not take it) */
    NS_TASK_GRAPH = 5   /* graph node embeddings (ns_graph_train; options
                           by name only: its ns_train_opts are skip-gram's) */
} ns_task;

/* The objective for a positive y with k negatives drawn from Pn:
 *   SGNS: -log s(u.v) - sum_j log s(-u_j.v)            (word2vec)
 *   NCE:  the same on scores shifted by -log(k Pn(y)); the trained model's
 *         exp(u.v) approximates a normalised P(y | x), SGNS's does not
 *   SOFTMAX_SAMPLED: softmax over the positive and the k negatives with
 *         log(k Pn(y)) subtracted from every logit (an unbiased estimate of
 *         the full softmax's gradient as k grows)
 *   SOFTMAX: the exact softmax over every output row, no sampling: the
 *         reference the sampled losses approximate; costs V dot products a
 *         positive, so for small vocabularies only
 *   INFONCE: pair data only (ns_train_pairs): softmax of each left item over
 *         the right items of its mini-batch (the other rows' positives are
 *         its negatives), scores divided by a temperature
 *   BPR:  recommendation only: -sum_j log s(u.v_y - u.v_j), the positive
 *         ranked above each negative (Rendle et al. 2009)
 *   WARP: recommendation only: negatives are drawn until one violates the
 *         margin (u.v_j > u.v_y - 1); with N draws the positive's rank is
 *         estimated as r = floor((items - 1) / N) and the hinge
 *         1 - u.v_y + u.v_j is weighted by L(r) = 1 + 1/2 + ... + 1/r, so
 *         positives ranked low get large steps (Weston et al. 2011); the
 *         weight is divided by L(items - 1) so that the largest step is lr */
typedef enum ns_loss {
    NS_LOSS_SGNS = 0,
    NS_LOSS_NCE = 1,
    NS_LOSS_SOFTMAX_SAMPLED = 2,
    NS_LOSS_SOFTMAX = 3,
    NS_LOSS_INFONCE = 4,
    NS_LOSS_BPR = 5,
    NS_LOSS_WARP = 6
} ns_loss;

/* "sgns", "nce", "softmax-sampled", "softmax", "infonce", "bpr", "warp";
 * ns_loss_parse returns -1 if unknown. */
const char *ns_loss_name(ns_loss l);
int ns_loss_parse(const char *name);

/* Training options; the defaults are word2vec's. */
typedef struct ns_train_opts {
    ns_task task;
    ns_loss loss;         /* objective (SGNS) */
    int32_t dim;          /* vector size (100) */
    int32_t window;       /* max context distance (5) */
    int32_t neg;          /* negatives per positive, k (5) */
    double ns_exponent;   /* noise distribution count^alpha (0.75) */
    double sample;        /* subsampling threshold t (NS_AUTO: max(1e-4,
                             1000 / training tokens), so that a small
                             corpus is not thinned to nothing; 0 = off) */
    int32_t epochs;       /* passes over the data (5; pairs: NS_AUTO, max(5,
                             100,000 / pairs) passes) */
    double lr;            /* start learning rate (0.025 skip-gram, 0.05 CBOW) */
    double min_lr_frac;   /* lr decays linearly to lr * this (1e-4) */
    int32_t threads;      /* worker threads (2) */
    uint64_t seed;        /* everything random derives from it (1) */
    /* Borrowed, one weight per vocabulary word, used instead of
     * count^ns_exponent when non-NULL (NULL); not saved with the model. */
    const double *noise_weights;
    int reject_anchor;    /* never draw a negative equal to an input word of
                             the block (a context word of the window) (0);
                             like noise_weights, not saved with the model */
    double l2;            /* L2 penalty l2/2 |row|^2 on every row an update
                             touches: MAP with a Gaussian prior (0) */
    int bias;             /* a learned bias per output word, added to every
                             score and started at -ln k: with k negatives per
                             positive the base rate of a positive is 1/(1+k),
                             and sigma(-ln k) = 1/(1+k) (0) */
    int32_t batch;        /* pairs, INFONCE: pairs per mini-batch (256) */
    double temperature;   /* pairs, INFONCE: scores are u.v / temperature (1);
                             the dot products are not normalised, so the
                             norms already act as an inverse temperature, and
                             steps in score space grow as lr / temperature^2 */
    int32_t dns;          /* recommendation, SGNS and BPR: dynamic negative
                             sampling, each negative is the highest-scored of
                             this many draws (1 = plain sampling) (1) */
    int32_t max_trials;   /* recommendation, WARP: draws before a positive
                             without a margin violator is skipped (100) */
    int32_t valid_every;  /* when the trainer is given validation data:
                             epochs between validations, which are also
                             pauses; the model ends as the best validated
                             state (1; 0 = none) */
    int32_t patience;     /* validations without a better one before
                             training stops (0 = never stop) */
    /* Skip-gram and CBOW, fastText's subword information: a word's input
     * vector is the mean of its own row and the rows of its character
     * n-grams of minn..maxn characters (of "<" word ">"), hashed into
     * `bucket` rows with fastText's hash. maxn 0 = words only. */
    int32_t minn;         /* (3) */
    int32_t maxn;         /* (0; ns_opts: 6 when minn is given) */
    int32_t bucket;       /* n-gram rows (2,000,000) */
    /* Where negatives come from: NS_NEG_NOISE, independent draws from
     * count^ns_exponent; NS_NEG_MCMC, a Metropolis-Hastings chain per
     * worker whose target for anchor a is Pn(y) exp(mcmc_alpha s(a, y)),
     * the noise tilted towards the model's high scores (Yang et al., KDD
     * 2020), proposals from Pn with probability mcmc_mix and otherwise a
     * neighbour of the chain's state (graphs; elsewhere always Pn). */
    int32_t negatives;    /* (NS_NEG_NOISE) */
    double mcmc_alpha;    /* (0.5) */
    double mcmc_mix;      /* (0.5) */
} ns_train_opts;

enum { NS_NEG_NOISE = 0, NS_NEG_MCMC = 1 };

void ns_train_opts_default(ns_train_opts *o, ns_task task);

/* Reads "token weight" lines (weight >= 0; '#' comments) into a malloc'ed
 * array of ns_vocab_size(v) weights, 0 for words the file does not list;
 * *unknown counts listed tokens that are not in v. */
ns_status ns_noise_weights_load(const ns_vocab *v, const char *path, double **out,
                                int64_t *unknown, ns_error *err);
/* NS_EINVAL with a message naming the option when one is out of range. */
ns_status ns_train_opts_check(const ns_train_opts *o, ns_error *err);

/* A trained (or initialised) model: vocabulary, input vectors (the word
 * vectors users export) and output vectors (the negative-sampling side).
 * Pair models may give the output side its own vocabulary (right items). */
typedef struct ns_model ns_model;

/* A fresh model over a copy of `vocab`: input rows uniform in
 * [-0.5/dim, 0.5/dim), output rows zero (word2vec's initialisation). */
ns_status ns_model_create(ns_model **out, const ns_vocab *vocab, const ns_train_opts *o,
                          ns_error *err);
/* The same with input rows for `left` and output rows for `right` (NULL:
 * both sides use `left`), both copied. */
ns_status ns_model_create_pairs(ns_model **out, const ns_vocab *left, const ns_vocab *right,
                                const ns_train_opts *o, ns_error *err);
void ns_model_free(ns_model *m);
/* The input side's vocabulary, and the output side's (the same one unless
 * the model was created with a separate right vocabulary). */
const ns_vocab *ns_model_vocab(const ns_model *m);
const ns_vocab *ns_model_vocab_out(const ns_model *m);
int32_t ns_model_dim(const ns_model *m);
/* The options the model was last trained with (borrowed). */
const ns_train_opts *ns_model_opts(const ns_model *m);
/* Borrowed pointer to row `id` of the input (which = 0) or output (1) table;
 * dim floats. */
float *ns_model_row(ns_model *m, int which, int32_t id);
/* The input vector of any word (len bytes) into out (dim floats, not
 * normalised): a vocabulary word's row, with subwords the mean of its row
 * and its n-grams' rows; another word's, with subwords, the mean of its
 * n-grams' rows (fastText's print-word-vectors). Returns the number of rows
 * averaged; 0 (out zeroed) when the word has none. */
int ns_model_word_vector(const ns_model *m, const char *word, size_t len, float *out);

/* Grows the model to cover `vocab`, whose first ns_vocab_size(model vocab)
 * words must be the model's words in the same order (as ns_corpus_load with
 * a base produces). Old rows are kept, new rows initialised as above;
 * the model's counts become vocab's, and its next training is a new run
 * (continued training on new text, not a resume). */
ns_status ns_model_extend(ns_model *m, const ns_vocab *vocab, ns_error *err);

/* ---- training --------------------------------------------------------- */

/* Where a training run stands, for every task. */
typedef struct ns_progress {
    const char *unit;       /* what done and total count: "tokens", "pairs",
                               "positives" or "steps" */
    int64_t done, total;    /* units of work done (all threads) and in all */
    double fraction;        /* done / total */
    int32_t epoch, epochs;  /* the epoch under way (1-based) and in all;
                               0 for step-counted tasks (knowledge graphs) */
    double lr;              /* current learning rate */
    double units_per_sec;   /* units a second a thread */
    double loss;            /* mean loss per positive since the last report */
    double elapsed_sec;
    double eta_sec;
    int32_t epoch_done;     /* > 0: this report closes that epoch */
    double epoch_loss;      /* with epoch_done: exact mean loss of that epoch */
    int paused;             /* 1: every worker is stopped between steps (a
                               validation or checkpoint pause); the callback
                               may read or change the model */
    const char *metric;     /* with paused: the name of the validation this
                               pause made ("filtered MRR"), else NULL */
    double valid;           /* with metric: its value */
    double best;            /* the best validation so far (0: none) */
    int64_t best_at;        /* `done` when it was measured */
    int stop_early;         /* with metric: the patience ran out, training
                               stops here and the model goes back to the
                               best validated state */
    int checkpointed;       /* with paused: the checkpoint was written */
} ns_progress;

/* Called from the thread that called the trainer, about every
 * hooks->report_every seconds, at the end of every epoch and at every
 * pause. Return non-zero to stop training (NS_ECANCELED; each worker
 * finishes the few thousand units it is on): the model stays usable, at
 * the step where the workers stopped, and saved then (ns_model_save,
 * ns_rec_save, ns_kg_save) it is a checkpoint that resumes there, with the
 * best validated state when validation kept one. */
typedef int (*ns_progress_fn)(const ns_progress *p, void *user);

/* What a training call reports and saves while it runs (every trainer
 * takes one; NULL = no reports, no checkpoints). */
typedef struct ns_train_hooks {
    ns_progress_fn progress;   /* may be NULL */
    void *user;                /* passed to progress */
    double report_every;       /* seconds between reports (<= 0: 1) */
    const char *checkpoint;    /* borrowed path: the full state of the run
                                  (model, optimiser, each worker's place and
                                  random stream) is written there, through a
                                  temporary file, at the pauses below; load
                                  it and call the trainer again to resume */
    int64_t checkpoint_every;  /* a checkpoint every this many epochs
                                  (knowledge graphs: steps); 0: none */
    double checkpoint_seconds; /* ... or every this many seconds; 0: none */
} ns_train_hooks;

/* Every trainer trains until o->epochs epochs (knowledge graphs: steps) in
 * all, counting the work the model has already done: a fresh model starts
 * at 0, a checkpoint resumes where it was written (with one thread and the
 * same seed, bit for bit what the uninterrupted run gives: the workers'
 * places and random streams are saved), and a finished model trains on to
 * a larger o->epochs. Resuming in the middle of an epoch needs the thread
 * count of the checkpoint. */

/* Trains the model on the corpus with Hogwild threads. The corpus
 * vocabulary must be the model's (same size and order). One thread and a
 * fixed seed give bit-for-bit identical results. With `valid` (may be
 * NULL), a questions-words file (ns_eval_analogy), and o->valid_every, the
 * 3CosAdd accuracy on its questions within the 30,000 most frequent words
 * is measured before training (a bad file fails then), every valid_every
 * epochs and at the end, with best-state keeping and o->patience as in
 * ns_train_pairs. */
ns_status ns_train_words(ns_model *m, const ns_corpus *c, const char *valid, const ns_train_opts *o,
                         const ns_train_hooks *h, ns_error *err);

/* Trains a pair model (ns_model_create_pairs over the pairs' vocabularies,
 * options of task NS_TASK_PAIRS) with Hogwild threads over a shuffled order
 * of the pairs, reshuffled every epoch. Losses: SGNS, NCE, SOFTMAX_SAMPLED
 * (k negatives drawn from count^alpha of the right items, never the positive
 * itself, nor the left item with reject_anchor and a shared vocabulary),
 * SOFTMAX (every right item), INFONCE (in-batch negatives). Each line's
 * explicit negatives are added to its sampled ones (to the whole batch's
 * with INFONCE). Progress counts pairs. With `valid` (may be NULL; loaded
 * with the model) and o->valid_every, filtered MRR on it (the training
 * pairs filtered, as ns_eval_pairs does) is measured every valid_every
 * epochs and at the end; the model ends as the best validated state, and
 * training stops after o->patience validations without improvement. A
 * checkpoint written after a better validation than its own state carries
 * that best state too, so that a resumed run still ends with it. */
ns_status ns_train_pairs(ns_model *m, const ns_pairs *p, const ns_pairs *valid, const ns_train_opts *o,
                         const ns_train_hooks *h, ns_error *err);

/* ---- files ------------------------------------------------------------ */

/* Whether `path` can be written the way every output is (a temporary file
 * beside it, renamed over it at the end): creates and removes such a file.
 * Call it before long work whose result goes there; NS_EIO with the reason
 * otherwise (no such folder, no permission, a directory of that name). */
ns_status ns_output_check(const char *path, ns_error *err);

/* Checkpoint: magic, version, options, vocabulary with counts, both tables,
 * checksum. Written to a temporary file, then renamed over `path`. */
ns_status ns_model_save(const ns_model *m, const char *path, ns_error *err);
ns_status ns_model_load(ns_model **out, const char *path, ns_error *err);
/* The vocabulary as "word count" lines in id order (word2vec's -save-vocab). */
ns_status ns_vocab_save(const ns_vocab *v, const char *path, ns_error *err);
/* word2vec text (.vec) and binary (.bin) formats of the input vectors. */
ns_status ns_model_export_vec(const ns_model *m, const char *path, ns_error *err);
ns_status ns_model_export_bin(const ns_model *m, const char *path, ns_error *err);
/* The output vectors (with the output vocabulary) as .vec. */
ns_status ns_model_export_out_vec(const ns_model *m, const char *path, ns_error *err);
/* A word model as fastText's .bin (version 12: its dictionary, input table
 * with the n-gram buckets, output table), which `fasttext` loads
 * (print-word-vectors, nn, ...). ns_model_load reads such files back, and
 * the skip-gram and CBOW models fastText writes. */
ns_status ns_model_export_fasttext(const ns_model *m, const char *path, ns_error *err);

/* ---- query and evaluation --------------------------------------------- */

/* Read-only word vectors for queries: from .vec, .bin or .model (the input
 * table), detected from the content. Rows are kept L2-normalised. */
typedef struct ns_emb ns_emb;

ns_status ns_emb_load(ns_emb **out, const char *path, ns_error *err);
/* Wraps a model's input vectors (copied and normalised; with subwords the
 * words' bag means, and the n-gram rows for words outside the vocabulary). */
ns_status ns_emb_from_model(ns_emb **out, const ns_model *m, ns_error *err);
void ns_emb_free(ns_emb *e);
int32_t ns_emb_size(const ns_emb *e);
int32_t ns_emb_dim(const ns_emb *e);
const char *ns_emb_word(const ns_emb *e, int32_t id);
int32_t ns_emb_find(const ns_emb *e, const char *word);
/* Normalised row (borrowed). */
const float *ns_emb_row(const ns_emb *e, int32_t id);
/* Whether the vectors came with subword n-grams (a subword .model or a
 * fastText .bin): then any word has a vector. */
int ns_emb_subwords(const ns_emb *e);
/* The unit vector of `word` into out (dim floats): 1 when it is a word of
 * the table (its row), 2 when it is not but has n-grams (their mean,
 * normalised), 0 when it has no vector (out untouched). */
int ns_emb_vector(const ns_emb *e, const char *word, float *out);
/* Evaluations (ns_eval_similarity, ns_eval_analogy) answer words outside
 * the table from their n-grams (1, the default) or leave them out (0);
 * no effect without subwords. */
void ns_emb_set_oov(ns_emb *e, int ngrams);

typedef struct ns_hit {
    int32_t id;
    float score;
} ns_hit;

/* The k (>= 1) words closest by cosine to `query` (dim floats, need not be
 * normalised), best first, skipping the ids in exclude[0..n_exclude):
 * min(k, available) hits, *n their number. */
ns_status ns_emb_nearest(const ns_emb *e, const float *query, int32_t k, const int32_t *exclude, int32_t n_exclude,
                         ns_hit *hits, int32_t *n, ns_error *err);

typedef enum ns_analogy_method {
    NS_ANALOGY_ADD = 0,  /* 3CosAdd: argmax cos(d, b - a + c) */
    NS_ANALOGY_MUL = 1   /* 3CosMul: argmax cos'(d,b) cos'(d,c) / (cos'(d,a) + 1e-3) */
} ns_analogy_method;

/* a : b :: c : ?  among the first `restrict_n` words (0 = all), a, b and c
 * excluded: at most k (>= 1) hits, best first, *n their number. */
ns_status ns_emb_analogy(const ns_emb *e, int32_t a, int32_t b, int32_t c, ns_analogy_method method,
                         int32_t restrict_n, int32_t k, ns_hit *hits, int32_t *n, ns_error *err);
/* The same for unit vectors a, b, c (from ns_emb_vector), the ids in
 * exclude[0..n_exclude) left out. */
ns_status ns_emb_analogy_vectors(const ns_emb *e, const float *a, const float *b, const float *c,
                                 const int32_t *exclude, int32_t n_exclude, ns_analogy_method method,
                                 int32_t restrict_n, int32_t k, ns_hit *hits, int32_t *n, ns_error *err);

typedef struct ns_analogy_section {
    char name[64];
    int64_t questions;  /* in the file */
    int64_t covered;    /* all four words in the restricted vocabulary; with
                           n-grams answering (ns_emb_set_oov) every question
                           whose answer is there */
    int64_t correct_add;
    int64_t correct_mul;
    int64_t oov;        /* covered questions with a word answered from its
                           n-grams (not in the table, or past restrict_n) */
} ns_analogy_section;

typedef struct ns_analogy_report {
    ns_analogy_section *sections;  /* owned; free with ns_analogy_report_free */
    int32_t n_sections;
    ns_analogy_section semantic, syntactic, total;  /* syntactic: "gram*" sections */
} ns_analogy_report;

/* Evaluates a questions-words file (": section" headers, then "a b c d"
 * lines). Words are lower-cased unless case_sensitive. */
ns_status ns_eval_analogy(const ns_emb *e, const char *path, int32_t restrict_n,
                          int case_sensitive, ns_analogy_report *out, ns_error *err);
void ns_analogy_report_free(ns_analogy_report *r);

typedef struct ns_similarity_report {
    int64_t pairs;     /* pairs read */
    int64_t covered;   /* both words known (or answered from n-grams) */
    double spearman;   /* over covered pairs; NAN if fewer than 2 */
    double pearson;
    int64_t oov;       /* covered pairs with a word answered from n-grams */
} ns_similarity_report;

/* Evaluates "word1 word2 score" lines (comma, tab or space separated; a
 * first line whose score is not a number is a header; CRLF accepted). */
ns_status ns_eval_similarity(const ns_emb *e, const char *path, int case_sensitive,
                             ns_similarity_report *out, ns_error *err);

typedef struct ns_loglik_report {
    int64_t pairs;      /* (context, centre) pairs scored */
    double weight;      /* their total weight (the trainer's window weighting) */
    double mean_logp;   /* mean log P(centre | context), exact softmax over
                           the model's scores (nats; perplexity = exp(-it)) */
    double mean_score;  /* mean raw score: the log-probability a
                           self-normalised model (NCE) claims */
    double mean_logz;   /* mean log sum_y exp(score(context, y)): 0 when
                           self-normalised; mean_score - mean_logz = mean_logp */
} ns_loglik_report;

/* Held-out log-likelihood of the skip-gram conditional P(centre | context)
 * on a corpus over the model's vocabulary (ns_corpus_load with the model's
 * vocabulary as base and no new words), pairs within `window` weighted by
 * (window - distance + 1) / window as in training. Costs up to V^2 dim:
 * meant for small vocabularies. */
ns_status ns_eval_loglik(const ns_model *m, const ns_corpus *c, int32_t window,
                         ns_loglik_report *out, ns_error *err);

#define NS_RANK_MAX_K 8

typedef struct ns_rank_report {
    int64_t queries;      /* held-out pairs */
    int64_t covered;      /* with both items known to the model */
    double mrr;           /* mean reciprocal rank over covered pairs */
    double mean_rank;
    int32_t n_k;
    int32_t k[NS_RANK_MAX_K];
    double recall[NS_RANK_MAX_K];  /* fraction with rank <= k[i] */
} ns_rank_report;

/* Ranks every right item for each held-out pair's left item by the model's
 * score (input . output + bias) and reports the true right item's rank:
 * Recall@K for the ks, MRR. Filtered: other right items paired with the
 * same left item in `test` or in any of the filter sets are left out. All
 * pair sets must be loaded with this model (ns_pairs_load with model). Ties
 * count half (rank = 1 + higher + (equal - 1) / 2). */
ns_status ns_eval_pairs(const ns_model *m, const ns_pairs *test, const ns_pairs *const *filter,
                        int n_filter, const int32_t *ks, int n_ks, ns_rank_report *out, ns_error *err);

/* What SGNS learns against the data: empirical PMI of (context x, centre y)
 * versus the learned score u_x . v_y (+ bias). The SGNS optimum is
 * u.v = PMI + log(P(y)/Pn(y)) - log k ("shift"; -log k for alpha = 1). */
typedef struct ns_pmi_pair {
    int32_t x, y;      /* context and centre word ids */
    double count;      /* weighted co-occurrences */
    double pmi, dot;   /* empirical PMI, learned score */
    double shift;      /* log(P(y)/Pn(y)) - log k: the optimum's offset */
} ns_pmi_pair;

typedef struct ns_pmi_report {
    int64_t n_pairs;
    ns_pmi_pair *pairs;              /* owned; ns_pmi_report_free */
    double pearson, spearman;        /* between dot and pmi */
    double mean_offset, median_offset;     /* of dot - pmi */
    double mean_shift;               /* the optimum's mean offset */
    double mean_residual, median_residual; /* of dot - pmi - shift */
} ns_pmi_report;

/* Counts (context, centre) pairs of the corpus (over the model's vocabulary)
 * within `window`, weighted (window - d + 1) / window as in training, without
 * subsampling; compares pairs of the top_n most frequent words seen at least
 * min_count (weighted) times. Noise Pn = count^alpha with the model's alpha
 * and k (a -noise-file is not saved with the model). */
ns_status ns_pmi_compare(const ns_model *m, const ns_corpus *c, int32_t top_n, int32_t window,
                         double min_count, ns_pmi_report *out, ns_error *err);
void ns_pmi_report_free(ns_pmi_report *r);
/* The pairs as CSV: context,centre,count,pmi,dot,shift (words as they are:
 * a word holding a comma or quote is not escaped). */
ns_status ns_pmi_save_csv(const ns_pmi_report *r, const ns_model *m, const char *path, ns_error *err);

/* False negatives: how often a negative shares the positive's class. */
typedef enum ns_fn_sampler {
    NS_FN_NOISE = 0,   /* k draws from weight^alpha, never the positive */
    NS_FN_INBATCH = 1  /* the other positives of a batch (copies of the
                          positive itself left out) */
} ns_fn_sampler;

typedef struct ns_fn_opts {
    ns_fn_sampler sampler;  /* (NOISE) */
    int32_t neg;            /* NOISE: negatives per positive (5) */
    int32_t batch;          /* INBATCH: batch size (256) */
    double alpha;           /* NOISE: exponent on the weights, 0 = uniform (0) */
    int64_t trials;         /* positives simulated (200000) */
    uint64_t seed;          /* (1) */
} ns_fn_opts;

typedef struct ns_fn_report {
    int32_t items, classes;
    int64_t negatives;      /* drawn in the simulation */
    double expected;        /* NOISE: sum_i p_i (Q(c_i) - q_i) / (1 - q_i);
                               INBATCH: sum_i p_i (P(c_i) - p_i) / sum_i p_i (1 - p_i)
                               (p: positives, q: noise, Q, P: class sums) */
    double simulated;
    double std_error;       /* of simulated, binomial over the positives
                               (conservative: a positive's negatives are
                               not independent) */
} ns_fn_report;

void ns_fn_opts_default(ns_fn_opts *o);
/* From "item class [weight]" lines (whitespace separated, '#' comments;
 * weight > 0, default 1, is how often the item is a positive and, raised to
 * alpha, how often the noise draws it): the expected and the simulated
 * fraction of negatives in the positive's class. */
ns_status ns_false_negatives(const char *labels, const ns_fn_opts *o, ns_fn_report *out, ns_error *err);

/* Spearman rank correlation with average ranks for ties, and Pearson's;
 * *out is NAN where the correlation is undefined (n < 2, or a side
 * constant). */
ns_status ns_spearman(const double *x, const double *y, int64_t n, double *out, ns_error *err);
ns_status ns_pearson(const double *x, const double *y, int64_t n, double *out, ns_error *err);

/* ---- recommendation ---------------------------------------------------- */

/* A recommender: a model, the training positives it excludes from its
 * recommendations and, optionally, held-out positives kept with it. */
typedef struct ns_rec ns_rec;

/* A fresh recommender for options o over copies of `train` and `test`
 * (NULL: none; else over the same vocabularies, as from
 * ns_inter_split_last). By o->task:
 *   NS_TASK_REC: matrix factorisation, user u's score for item i is
 *     u . v_i (+ bias_i); an epoch visits every training positive once in a
 *     shuffled order. Losses SGNS, NCE, SOFTMAX_SAMPLED and BPR draw
 *     o->neg negatives from item count^ns_exponent (0 = uniform), never a
 *     training positive of the user, each the highest-scored of o->dns
 *     draws; WARP draws up to o->max_trials for one margin violator;
 *     SOFTMAX scores every item.
 *   NS_TASK_SKIPGRAM, NS_TASK_CBOW: item2vec, word2vec over each user's
 *     items in time order (one sentence a user); a user's score for item i
 *     is the cosine between v_i and the mean of the user's unit item
 *     vectors. */
ns_status ns_rec_create(ns_rec **out, const ns_inter *train, const ns_inter *test, const ns_train_opts *o,
                        ns_error *err);
/* Trains it (see ns_train_hooks: a loaded checkpoint resumes). o keeps the
 * recommender's kind (o->task), dim and bias setting. With `valid` (may be
 * NULL; over the training vocabularies, like a test set) and
 * o->valid_every, NDCG@10 on it (ranked as ns_rec_eval ranks) is measured
 * every valid_every epochs and at the end, with best-state keeping and
 * o->patience as in ns_train_pairs. */
ns_status ns_rec_train(ns_rec *r, const ns_inter *valid, const ns_train_opts *o, const ns_train_hooks *h,
                       ns_error *err);
void ns_rec_free(ns_rec *r);
/* Borrowed. MF: users are the input side, items the output side; item2vec:
 * items on both. */
const ns_model *ns_rec_model(const ns_rec *r);
const ns_inter *ns_rec_train_data(const ns_rec *r);
const ns_inter *ns_rec_test_data(const ns_rec *r);   /* NULL: none kept */
/* The model file, the interactions added (format of ns_model_save with a
 * recommender section; ns_model_load refuses it). */
ns_status ns_rec_save(const ns_rec *r, const char *path, ns_error *err);
ns_status ns_rec_load(ns_rec **out, const char *path, ns_error *err);

/* User u's score for every item into scores[items]; u < 0: popularity
 * (training positive counts). NS_EINVAL if u is not a user id. */
ns_status ns_rec_scores(const ns_rec *r, int32_t u, float *scores, ns_error *err);
/* The k (>= 1) best items for user u (u < 0: the most popular) that are
 * not its training positives, best first (ties: lower item id first, i.e.
 * the more popular): *n of them (fewer than k when fewer items are left). */
ns_status ns_rec_recommend(const ns_rec *r, int32_t u, int32_t k, ns_hit *hits, int32_t *n, ns_error *err);

#define NS_REC_MAX_K 8

typedef struct ns_rec_metrics {
    double recall[NS_REC_MAX_K];  /* |top K and test| / |test| */
    double ndcg[NS_REC_MAX_K];    /* sum over hits 1/log2(1 + rank), over
                                     the ideal for min(K, |test|) hits */
    double hr[NS_REC_MAX_K];      /* at least one hit in the top K */
    double mrr;                   /* 1 / rank of the best-ranked test item */
} ns_rec_metrics;

typedef struct ns_rec_report {
    int64_t users;       /* test users ranked (means are over them) */
    int64_t positives;   /* their test positives */
    int64_t seen;        /* test positives that are training positives of the
                            same user: left out */
    int32_t n_k;
    int32_t k[NS_REC_MAX_K];
    ns_rec_metrics model;
    ns_rec_metrics popularity;  /* the training counts as scores, same code */
    double seconds;      /* the model's ranking of every item for every user */
} ns_rec_report;

/* Full ranking: for every user with test positives, every item that is not
 * one of its training positives is scored and ranked (no sampled
 * candidates); ties count half (rank = 1 + above + level / 2, as in
 * ns_eval_pairs and ns_kg_eval). `test` must be over the
 * model's vocabularies (ns_inter_load with the training data as base, or
 * ns_rec_test_data). */
ns_status ns_rec_eval(const ns_rec *r, const ns_inter *test, const int32_t *ks, int n_ks, ns_rec_report *out,
                      ns_error *err);

/* ---- knowledge graphs ------------------------------------------------- */

/* "head<TAB>relation<TAB>tail" lines (a trailing \r dropped, blank lines and
 * lines starting with '#' skipped, .gz read through zlib), held as ids. */
typedef struct ns_triples ns_triples;

/* With ents = rels = NULL the vocabularies are built from the file (ids in
 * order of first appearance, counts = occurrences). With both (copied) ids
 * come from them, and a triple naming an unknown entity or relation is
 * kept with id -1 there and counted. */
ns_status ns_triples_load(ns_triples **out, const char *path, const ns_vocab *ents, const ns_vocab *rels,
                          ns_error *err);
void ns_triples_free(ns_triples *t);
int64_t ns_triples_count(const ns_triples *t);
/* Triples with an entity or relation the vocabularies do not hold. */
int64_t ns_triples_unknown(const ns_triples *t);
void ns_triples_get(const ns_triples *t, int64_t i, int32_t *head, int32_t *rel, int32_t *tail);
/* Borrowed, owned by the triples: built from the file, or copies of the
 * ones they were read over. */
const ns_vocab *ns_triples_entities(const ns_triples *t);
const ns_vocab *ns_triples_relations(const ns_triples *t);
/* The Bernoulli trick (Wang et al. 2014): for every relation r < nrel,
 * p_head[r] = tph / (tph + hph), the probability of corrupting the head,
 * where tph is r's mean number of tails per head and hph its mean number of
 * heads per tail; 0.5 for a relation without triples. */
ns_status ns_triples_bernoulli(const ns_triples *t, int32_t nrel, double *p_head, ns_error *err);

/* Scorers over entity vectors h, t and relation vector r, with dim d
 * (ComplEx and RotatE: d complex numbers, stored as d real parts then d
 * imaginary parts):
 *   TRANSE_L1/L2: f = -|h + r - t|_1 or _2
 *   DISTMULT:     f = sum_k h_k r_k t_k
 *   COMPLEX:      f = Re(sum_k h_k r_k conj(t_k))
 *   ROTATE:       f = -sum_k |h_k r_k - t_k|, |r_k| = 1: r_k = exp(i theta_k)
 *                 with theta_k = pi * x_k / range, x_k the stored value and
 *                 range = (gamma + 2) / d the initialisation range (the
 *                 RotatE paper's code; it makes the paper's learning rates
 *                 carry over) */
typedef enum ns_kg_model {
    NS_KG_TRANSE_L1 = 0,
    NS_KG_TRANSE_L2 = 1,
    NS_KG_DISTMULT = 2,
    NS_KG_COMPLEX = 3,
    NS_KG_ROTATE = 4
} ns_kg_model;

/* For a positive with score f and its negatives f_j:
 *   MARGIN:   -log s(gamma + f) - sum_j w_j log s(-gamma - f_j), sum w_j = 1
 *             (the RotatE paper's loss; gamma applies to the distance
 *             scorers, DistMult and ComplEx use f as it is)
 *   LOGISTIC: -log s(f) - sum_j w_j log s(-f_j), sum w_j = k (every negative
 *             a full logistic term, as in the ComplEx paper)
 * w_j is uniform, or with adv_temperature a > 0 the self-adversarial
 * softmax(a f_j) over the negatives, taken as constants (no gradient). */
typedef enum ns_kg_loss { NS_KG_LOSS_MARGIN = 0, NS_KG_LOSS_LOGISTIC = 1 } ns_kg_loss;
/* ADAM: Adam as on dense tables (PyTorch's Adam, which the published
 * settings assume): a row a step does not touch still moves along its
 * decaying first moment; computed lazily, when the row is next touched.
 * LAZY_ADAM: rows a step does not touch keep their moments and values
 * (PyTorch's SparseAdam); the bias correction uses the global step. */
typedef enum ns_kg_optim { NS_KG_ADAM = 0, NS_KG_ADAGRAD = 1, NS_KG_LAZY_ADAM = 2 } ns_kg_optim;
/* Penalty on the rows of each positive triple (h, r, t), divided by the
 * batch size: L2 weight * sum x^2, N3 weight * sum |x|^3. */
typedef enum ns_kg_reg { NS_KG_REG_NONE = 0, NS_KG_REG_L2 = 1, NS_KG_REG_N3 = 2 } ns_kg_reg;

/* "transe-l1", "transe-l2" ("transe" = l1), "distmult", "complex",
 * "rotate"; -1 if unknown. */
int ns_kg_model_parse(const char *name);
const char *ns_kg_model_name(ns_kg_model m);

typedef struct ns_kg_opts {
    ns_kg_model model;       /* (ROTATE) */
    int32_t dim;             /* real or complex dimension (500) */
    double gamma;            /* margin of the distance scorers (6) */
    ns_kg_loss loss;         /* (MARGIN) */
    ns_kg_optim optim;       /* (ADAM) */
    double lr;               /* lr/10 after half the steps, as the RotatE
                                code does (NS_AUTO: from the data: Adam
                                (gamma + 2) / dim x min(0.04, 250 / steps),
                                the paper's 5e-5 at its 80,000 steps on
                                WN18RR with dim 500; Adagrad 0.1) */
    ns_kg_reg reg;           /* (NONE) */
    double reg_weight;       /* (0) */
    int32_t batch;           /* positives a step (512) */
    int32_t neg;             /* negatives a positive, k (256) */
    int32_t chunk;           /* positives that share their k negatives (the
                                batch; 1 = every positive its own) */
    int64_t steps;           /* optimiser steps in all (0: from epochs) */
    int32_t epochs;          /* passes over the training triples when steps
                                is 0 (100) */
    double adv_temperature;  /* self-adversarial temperature a (0 = uniform
                                weights) */
    int bernoulli;           /* corrupt heads with the relation's Bernoulli
                                probability instead of 1/2 (0) */
    int exclude_true;        /* a negative that makes a training triple is
                                given weight 0 (0) */
    int32_t threads;         /* Hogwild workers, each with its own batches (2) */
    uint64_t seed;           /* (1) */
    int64_t valid_every;     /* steps between validations, which are also
                                pauses where the progress callback may save
                                the model (0 = none) */
    int32_t patience;        /* validations without a better filtered MRR
                                before training stops (0 = never stop) */
    int64_t valid_max;       /* validate on the first this many triples of
                                the validation set (0 = all) */
} ns_kg_opts;

void ns_kg_opts_default(ns_kg_opts *o);
/* NS_EINVAL with a message naming the option when one is out of range. */
ns_status ns_kg_opts_check(const ns_kg_opts *o, ns_error *err);

/* Entity and relation vectors, the options they were made with, and the
 * optimiser's state (so that training resumes from a saved model). */
typedef struct ns_kg ns_kg;

/* A fresh model over copies of the training triples' vocabularies: entity
 * values uniform in [-range, range], range = (gamma + 2) / dim. */
ns_status ns_kg_create(ns_kg **out, const ns_triples *train, const ns_kg_opts *o, ns_error *err);
void ns_kg_free(ns_kg *m);
const ns_vocab *ns_kg_entities(const ns_kg *m);
const ns_vocab *ns_kg_relations(const ns_kg *m);
const ns_kg_opts *ns_kg_options(const ns_kg *m);
/* Optimiser steps taken so far (across resumed runs). */
int64_t ns_kg_steps_done(const ns_kg *m);
/* The score f of a triple (see ns_kg_model) into *out. */
ns_status ns_kg_score(const ns_kg *m, int32_t head, int32_t rel, int32_t tail, float *out, ns_error *err);
/* Borrowed rows (entity: 2 * dim floats for ComplEx and RotatE, else dim;
 * relation: dim floats). */
float *ns_kg_entity(ns_kg *m, int32_t id);
float *ns_kg_relation(ns_kg *m, int32_t id);

/* Known true triples, for filtered ranking and for exclude_true. */
typedef struct ns_kg_filter ns_kg_filter;
/* From n sets of triples (borrowed; over the same vocabularies; triples
 * with unknown ids are left out). */
ns_status ns_kg_filter_create(ns_kg_filter **out, const ns_triples *const *sets, int n, ns_error *err);
void ns_kg_filter_free(ns_kg_filter *f);
int ns_kg_filter_has(const ns_kg_filter *f, int32_t head, int32_t rel, int32_t tail);

typedef struct ns_kg_metrics {
    int64_t n;        /* rankings (two a triple: head and tail) */
    double mr, mrr;   /* mean rank, mean reciprocal rank */
    double hits1, hits3, hits10;
} ns_kg_metrics;

typedef struct ns_kg_report {
    ns_kg_metrics all, head, tail;
    int64_t triples;          /* ranked */
    int64_t unknown;          /* with an entity or relation the model does
                                 not know: counted in the metrics as rank
                                 entities (the worst), twice */
    int32_t relations;        /* entries of per_relation */
    ns_kg_metrics *per_relation;  /* malloc'ed when asked for, else NULL */
    double seconds;
} ns_kg_report;

/* Filtered link prediction: every triple (h, r, t) of `test` is ranked
 * against ALL entities, as a tail (h, r, ?) and as a head (?, r, t); other
 * triples of `filter` (NULL: none, the raw setting) are left out of the
 * candidates. Rank = 1 + #(higher) + #(equal)/2 (ties averaged: a constant
 * scorer gets the middle rank, neither the best nor the worst). Hits@k
 * counts rank <= k. `test` must be over the model's vocabularies; max > 0
 * ranks only its first max triples. Frees nothing; release with
 * ns_kg_report_free. */
ns_status ns_kg_eval(const ns_kg *m, const ns_triples *test, const ns_kg_filter *filter, int32_t threads,
                     int per_relation, int64_t max, ns_kg_report *out, ns_error *err);
void ns_kg_report_free(ns_kg_report *r);

/* The k (>= 1) best answers of (head, rel, ?) when tail < 0, or of
 * (?, rel, tail) when head < 0 (exactly one must be < 0), best first, ties
 * to the lower id; answers that make a triple of `filter` (may be NULL) are
 * left out. *n receives how many were written (<= k). */
ns_status ns_kg_predict(const ns_kg *m, int32_t head, int32_t rel, int32_t tail, const ns_kg_filter *filter,
                        int32_t k, ns_hit *hits, int32_t *n, ns_error *err);

/* Trains m on `train` (over the model's vocabularies) until o->steps (or
 * o->epochs) steps in all, counting the steps already done (so a loaded
 * model resumes). o must keep the model's scorer, dim and gamma; lr,
 * batch, negatives, threads etc. may change. With `valid` (may be NULL) and
 * o->valid_every, filtered MRR on it is measured every valid_every steps
 * (and at the end) against `filter` (may be NULL); the model ends in the
 * state of the best validation (its parameters, optimiser moments and step
 * count), and training stops after o->patience validations without
 * improvement. Every validation is a pause (p->paused in the report). */
ns_status ns_kg_train(ns_kg *m, const ns_triples *train, const ns_triples *valid, const ns_kg_filter *filter,
                      const ns_kg_opts *o, const ns_train_hooks *h, ns_error *err);

/* The model file: options, vocabularies, tables and optimiser state, with
 * a checksum; written through a temporary file. */
ns_status ns_kg_save(const ns_kg *m, const char *path, ns_error *err);
ns_status ns_kg_load(ns_kg **out, const char *path, ns_error *err);

/* ---- graphs (node embeddings) ------------------------------------------ */

/* A graph read from an edge list: "u v [weight]" lines, fields separated by
 * tabs or spaces, string node ids, '#' comments, gzip read through. Nodes
 * are the vocabulary (ids by degree, descending; a node's count is its
 * degree: undirected the number of its neighbours, directed its in- plus
 * out-degree). Self loops are dropped and repeated edges merged (the
 * largest weight kept), both counted; with `undirected` each line is an
 * edge both ways. Neighbour lists are sorted by id. */
typedef struct ns_graph ns_graph;

typedef struct ns_graph_stats {
    int64_t lines;       /* edge lines read */
    int64_t edges;       /* distinct edges kept (undirected: each once) */
    int64_t arcs;        /* directed arcs (undirected: 2 x edges) */
    int64_t self_loops;  /* lines with u = v, dropped */
    int64_t duplicates;  /* lines repeating an edge kept, merged */
    int32_t nodes;
    int32_t sinks;       /* nodes without an out-arc: a walk stops there */
    int weighted;        /* some weight differs from 1 */
    int undirected;
} ns_graph_stats;

ns_status ns_graph_load(ns_graph **out, const char *path, int undirected, ns_error *err);
void ns_graph_free(ns_graph *g);
const ns_vocab *ns_graph_vocab(const ns_graph *g);
const ns_graph_stats *ns_graph_info(const ns_graph *g);
/* Node u's out-neighbours (sorted) and, when the graph is weighted, their
 * weights (*w NULL otherwise); *n of them. */
const int32_t *ns_graph_neighbors(const ns_graph *g, int32_t u, int64_t *n, const float **w);
/* Whether the arc u -> v exists (binary search, O(log degree)). */
int ns_graph_has_arc(const ns_graph *g, int32_t u, int32_t v);

typedef enum ns_graph_method {
    NS_GRAPH_DEEPWALK = 0, /* uniform (weighted: by weight) random walks -> skip-gram */
    NS_GRAPH_NODE2VEC = 1, /* second-order walks biased by p and q -> skip-gram */
    NS_GRAPH_LINE = 2      /* LINE: edges drawn by weight, first/second order */
} ns_graph_method;

typedef struct ns_graph_opts {
    ns_graph_method method;  /* (NS_GRAPH_DEEPWALK) */
    int32_t walks_per_node;  /* walks from every node each epoch (10) */
    int32_t walk_length;     /* nodes a walk visits, the start included (80) */
    double p, q;             /* node2vec: return and in-out parameters (1, 1):
                                from v reached from t the next node x is drawn
                                with weight w(v,x) / p if x = t, w(v,x) if x is
                                a neighbour of t, w(v,x) / q otherwise */
    int32_t order;           /* LINE: 1, 2 or 3 = both, each half of dim,
                                L2-normalised and concatenated (2) */
    int undirected;          /* how the edge list is read (ns_graph_load's
                                argument; ns_opts keeps it here) (0) */
} ns_graph_opts;

void ns_graph_opts_default(ns_graph_opts *o);
/* The graph options a model was trained with (ns_graph_train; kept in its
 * .model file), or NULL when it was not trained on a graph. */
const ns_graph_opts *ns_model_graph_opts(const ns_model *m);
ns_status ns_graph_opts_check(const ns_graph_opts *o, ns_error *err);
const char *ns_graph_method_name(ns_graph_method m);
int ns_graph_method_parse(const char *name);

/* Trains node vectors on the graph. DeepWalk and node2vec generate their
 * walks on the fly, walks_per_node from every node each epoch (in a shuffled
 * order, fresh walks every epoch), and feed them to the skip-gram (or CBOW)
 * trainer of ns_train_words with every option of it (o->task SKIPGRAM or
 * CBOW); *m is a model over ns_graph_vocab (ns_model_create), and a
 * checkpoint of it resumes (given the same graph). node2vec draws each step
 * by rejection (proposal: a first-order step by weight; accepted with the
 * bias over its largest value max(1/p, 1, 1/q)), which needs no memory
 * beyond the graph: a trial costs one O(log degree) look-up, and a step
 * takes max(1/p,1,1/q) / E[bias] trials on average. LINE draws arcs by
 * weight from an alias table, negatives by degree^o->ns_exponent; an epoch
 * is as many draws as the graph has arcs. Orders 1 and 2 train *m (order 1
 * scores in.in, order 2 in.out); order 3 trains two models of dim/2 and
 * replaces *m by a model whose input rows are both, each L2-normalised,
 * concatenated (its output table zero: a result, not a checkpoint). */
ns_status ns_graph_train(ns_model **m, const ns_graph *g, const ns_graph_opts *go, const ns_train_opts *o,
                         const ns_train_hooks *h, ns_error *err);

/* Writes walks_per_node walks from every node (one epoch's, seed `seed`),
 * one line of node names each, to path (temporary file + rename). */
ns_status ns_graph_save_walks(const ns_graph *g, const ns_graph_opts *go, uint64_t seed, const char *path,
                              ns_error *err);

/* Node classification: one-vs-rest L2-regularised logistic regression
 * (liblinear, C = 1, with a bias term, as DeepWalk's and node2vec's
 * evaluations ran it through scikit-learn) on the vectors of the labelled
 * nodes, trained on a random `ratio` of them and tested on the rest, each
 * test node given as many labels as it truly has (its highest-scored ones).
 * Micro-F1 over all (node, label) decisions; Macro-F1 the mean over every
 * label of its F1 (0 for a label neither true nor predicted in a split, as
 * scikit-learn counts it); means and standard deviations over `repeats`
 * random splits. Labels file: "node label" lines, tabs or spaces (several
 * lines for several labels). */
typedef struct ns_nodeclass_report {
    double ratio;
    int32_t repeats;
    double micro_f1, macro_f1;          /* means over the repeats */
    double micro_sd, macro_sd;          /* their standard deviations */
    int64_t train_nodes, test_nodes;    /* per split */
    int32_t labels;                     /* distinct labels */
    int64_t unknown;                    /* label lines naming a node the
                                           embedding lacks, skipped */
} ns_nodeclass_report;

/* Whether node classification and link prediction are built in (liblinear
 * found at build time). */
int ns_have_classifier(void);

ns_status ns_eval_nodeclass(const ns_emb *e, const char *labels_path, double ratio, int32_t repeats, uint64_t seed,
                            ns_nodeclass_report *out, ns_error *err);

/* Link prediction (node2vec's protocol): ns_graph_split removes `fraction`
 * of the graph's edges at random but never one of a random spanning forest,
 * so that the residual graph has the components of the original, and draws
 * as many node pairs that are not edges; it writes PREFIX.train (the
 * residual edges, an edge list), PREFIX.train.pairs (a sample of residual
 * edges "u v 1" and as many other non-edges "u v 0", what the classifier
 * learns from) and PREFIX.test.pairs (the removed edges "u v 1" and their
 * non-edges "u v 0"). *removed: the edges removed (fewer than asked when
 * the forest needs more). */
ns_status ns_graph_split(const ns_graph *g, double fraction, uint64_t seed, const char *prefix, int64_t *removed,
                         ns_error *err);

typedef enum ns_edge_op { NS_EDGE_HADAMARD = 0, NS_EDGE_AVERAGE = 1, NS_EDGE_L1 = 2, NS_EDGE_L2 = 3 } ns_edge_op;
const char *ns_edge_op_name(ns_edge_op op);

/* AUC of logistic regression (as above) on edge features op(x_u, x_v),
 * trained on train_pairs and tested on test_pairs ("u v label" lines,
 * label 1 or 0); pairs with a node outside the embedding are counted in
 * *skipped and left out. */
ns_status ns_eval_links(const ns_emb *e, const char *train_pairs, const char *test_pairs, ns_edge_op op, double *auc,
                        int64_t *skipped, ns_error *err);

/* ---- options by name --------------------------------------------------- */

/* Every training option of every task is defined once, in a table the
 * library holds: its names, its kind, its help text and its default for
 * each task. The command-line program, the Python package and `negsamp CMD
 * --help` all read it; ns_opts holds the values of one task. */
typedef enum ns_opt_kind {
    NS_OPT_INT = 0,
    NS_OPT_REAL = 1,    /* a number; where the help says so also "auto" */
    NS_OPT_FLAG = 2,    /* set without a value, or with 1/0, true/false */
    NS_OPT_CHOICE = 3,  /* one of info->choices */
    NS_OPT_TEXT = 4
} ns_opt_kind;

typedef struct ns_opt_info {
    const char *name;     /* "dim" */
    const char *aliases;  /* other spellings, '|'-separated ("size"), or "" */
    ns_opt_kind kind;
    const char *arg;      /* what the value is, for help ("N") */
    const char *help;     /* one line; a default that depends on other
                             options is described at its end in brackets */
    const char *choices;  /* NS_OPT_CHOICE: the names, '|'-separated */
} ns_opt_info;

/* All the options of one task, set by name or directly. */
typedef struct ns_opts {
    ns_task task;
    ns_train_opts train;    /* skip-gram, CBOW, pairs, recommendation (its
                               task: NS_TASK_REC for matrix factorisation,
                               NS_TASK_SKIPGRAM for item2vec) */
    ns_corpus_opts corpus;  /* skip-gram, CBOW: how the text is read */
    ns_pairs_opts pairs;    /* pairs: how they are read */
    ns_inter_opts inter;    /* recommendation: how interactions are read */
    ns_kg_opts kg;          /* knowledge graphs */
    ns_graph_opts graph;    /* graph node embeddings (train: skip-gram's) */
    int64_t checkpoint_every;   /* checkpoints every this many epochs
                                   (knowledge graphs: steps), 0: none */
    double checkpoint_seconds;  /* ... or seconds, 0: none */
    unsigned char given[128];   /* which options were set (ns_opts_given) */
} ns_opts;

/* The task's defaults (every option's, as `negsamp CMD --help` shows). */
void ns_opts_default(ns_opts *o, ns_task task);
/* The task's options: ns_opts_info(task, i) for i < ns_opts_count(task);
 * ns_opts_find by name or alias (NULL: the task has no such option). */
int ns_opts_count(ns_task task);
const ns_opt_info *ns_opts_info(ns_task task, int i);
const ns_opt_info *ns_opts_find(ns_task task, const char *name);
/* Sets an option of o's task from text (value may be NULL for a flag);
 * NS_EINVAL with a message naming the option when the name or the value
 * is wrong for the task. The ranges are checked by ns_opts_check. */
ns_status ns_opts_set(ns_opts *o, const char *name, const char *value, ns_error *err);
/* The value as text ("100", "0.025", "sgns", "1"), into buf of n bytes. */
ns_status ns_opts_get(const ns_opts *o, const char *name, char *buf, size_t n, ns_error *err);
/* Whether the option was set (by ns_opts_set or ns_opts_from_*). */
int ns_opts_given(const ns_opts *o, const char *name);
/* Gives the options whose default follows others their value (e.g.
 * knowledge graphs' lr by -optim, item2vec's lr, loss and L2), then checks
 * every range and combination: NS_EINVAL with a message naming the
 * option. */
ns_status ns_opts_check(ns_opts *o, ns_error *err);
/* For a run without validation data: NS_EINVAL naming the first option
 * that only acts on validation data (valid-every, patience, valid-max,
 * those the task has) that is asked for with a value other than 0;
 * asked(name, user) says what the caller asked for (NULL: ns_opts_given,
 * which counts the options a model carried over, see below). */
ns_status ns_opts_check_unvalidated(const ns_opts *o, int (*asked)(const char *name, void *user), void *user,
                                    ns_error *err);
/* The options a model was trained with, marked as set (to resume it or
 * train it on: options set afterwards override them); a model trained on
 * a graph gives the graph task's, its graph options included. */
void ns_opts_from_model(ns_opts *o, const ns_model *m);
void ns_opts_from_rec(ns_opts *o, const ns_rec *r);
void ns_opts_from_kg(ns_opts *o, const ns_kg *m);

#ifdef __cplusplus
}
#endif
#endif
