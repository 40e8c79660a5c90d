/*
 * cmd_train.c - `negsamp skipgram` and `negsamp cbow`: read a corpus, train,
 * write PREFIX.model and PREFIX.vec (and PREFIX.bin on request). A run is
 * parse (the command line), options (defaults, or the model of -init or
 * -resume, then the options given) and run (read, train, write).
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

typedef struct words_cmd {
    ns_task task;
    train_cli t;
    const char *init, *save_vocab, *noise_file, *valid;
    int bin, fasttext_bin, verbose;
    ns_opts o;
} words_cmd;

static int words_parse(words_cmd *w, int argc, char **argv, cmd_spec *spec, opt *opts, int cap) {
    train_cli *t = &w->t;
    const opt own[] = {
        {"input|train", OPT_STRING, &t->input, "FILE", "training text, UTF-8, '-' = stdin, .gz ok (required)"},
        {"output", OPT_STRING, &t->output, "PREFIX", "writes PREFIX.model and PREFIX.vec (required)"},
        {"init", OPT_STRING, &w->init, "MODEL", "continue training MODEL (.model, or a fastText skip-gram/CBOW .bin) on this text, a new run: its words keep their ids and vectors, new words are appended; its dim, -bias setting and subwords (-minn, -maxn, -bucket) are kept, other options come from this command"},
        {"noise-file", OPT_STRING, &w->noise_file, "FILE", "draw negatives by the weights of 'token weight' lines instead of count^A; unlisted words get 0 (give it again with -resume)"},
        {"valid", OPT_STRING, &w->valid, "FILE", "analogy questions (questions-words.txt): 3CosAdd accuracy within the 30,000 most frequent words before training and every -valid-every epochs; PREFIX.model is the best validated model"},
        {"bin|binary", OPT_FLAG, &w->bin, "", "also write PREFIX.bin (word2vec binary)"},
        {"save-fasttext-bin", OPT_FLAG, &w->fasttext_bin, "", "also write PREFIX.fasttext.bin, a fastText model (fasttext print-word-vectors, nn, ... load it)"},
        {"save-vocab", OPT_STRING, &w->save_vocab, "FILE", "also write the vocabulary as 'word count' lines, most frequent first"},
        TRAIN_CLI_OPTS(t),
        {"verbose", OPT_INT, &w->verbose, "N", "fastText compatibility: 0 = like -quiet [2]"},
        {"alpha", OPT_REJECT, NULL, "", "ambiguous: word2vec's -alpha is the learning rate; use -lr, or -ns-exponent for the noise exponent"},
    };
    int n = (int)(sizeof own / sizeof own[0]);
    if (n > cap) return EXIT_USAGE;
    memcpy(opts, own, sizeof own);
    *spec = (cmd_spec){w->task == NS_TASK_CBOW ? "cbow" : "skipgram", "-input FILE -output PREFIX [options]",
                       w->task == NS_TASK_CBOW
                           ? "Trains CBOW word vectors with negative sampling: the mean of the context\n"
                             "words' vectors predicts the centre word against K sampled negatives."
                           : "Trains skip-gram word vectors with negative sampling: each context word\n"
                             "predicts the centre word against K sampled negatives (shared by the window).",
                       opts, n, 0, 0, (int)w->task};
    char *pos[1];
    int npos, r = parse_opts(spec, argc, argv, pos, &npos, &t->given);
    if (r) return r > 0 ? -1 : EXIT_USAGE;
    if (w->verbose == 0) t->quiet = 1;
    if (w->init && t->resume) {
        fprintf(stderr, "negsamp %s: -init (a new run on new text) and -resume (an interrupted run) exclude each other\n",
                spec->name);
        return EXIT_USAGE;
    }
    return train_require(spec, t, 0);
}

/* The options: the defaults, or the resumed model's; for -init its dim,
 * bias and subwords; then the ones given. *m: the -init or -resume model. */
static int words_options(words_cmd *w, const cmd_spec *spec, ns_model **m) {
    const char *from = w->init ? w->init : w->t.resume;
    ns_error err;
    ns_status s;
    ns_opts_default(&w->o, w->task);
    if (from && (s = ns_model_load(m, from, &err)) != NS_OK) return report_error(s, &err);
    const ns_train_opts *mo = *m ? ns_model_opts(*m) : NULL;
    if (mo && mo->task != NS_TASK_SKIPGRAM && mo->task != NS_TASK_CBOW) {
        fprintf(stderr, "negsamp %s: %s is a %s; %s needs a word model\n", spec->name, from,
                mo->task == NS_TASK_PAIRS ? "pair model (pairs-train)" : "recommender (rec-train)",
                w->init ? "-init" : "-resume");
        return EXIT_USAGE;
    }
    if (mo && w->t.resume && mo->task != w->task) {
        fprintf(stderr, "negsamp %s: %s is a %s run; resume it with negsamp %s\n", spec->name, from,
                mo->task == NS_TASK_CBOW ? "cbow" : "skip-gram", mo->task == NS_TASK_CBOW ? "cbow" : "skipgram");
        return EXIT_USAGE;
    }
    if (mo && w->t.resume) ns_opts_from_model(&w->o, *m);
    /* -init: the model's subwords, unless others are given (then the
     * library refuses the difference). */
    if (mo && w->init) w->o.train.minn = mo->minn, w->o.train.maxn = mo->maxn, w->o.train.bucket = mo->bucket;
    int code = apply_opts(spec, &w->t.given, &w->o);
    if (!code) code = valid_require(spec, &w->t, &w->o, w->valid);
    if (code || !w->init) return code;
    if (was_given(&w->t.given, "dim") && w->o.train.dim != mo->dim) {
        fprintf(stderr, "negsamp %s: -dim %d differs from %s's dim %d\n", spec->name, w->o.train.dim, from, mo->dim);
        return EXIT_USAGE;
    }
    if (w->o.train.bias && !mo->bias) {
        fprintf(stderr, "negsamp %s: -bias: %s was trained without biases\n", spec->name, from);
        return EXIT_USAGE;
    }
    w->o.train.dim = mo->dim, w->o.train.bias = mo->bias;
    return 0;
}

/* The text: as read by the options, over the -init model's words, or (to
 * resume) exactly as the checkpoint's run read it. */
static int words_corpus(const words_cmd *w, const ns_model *m, ns_corpus **c) {
    ns_corpus_opts co = w->o.corpus;
    if (w->t.resume) co.fixed_vocab = 1;
    ns_error err;
    ns_status s = ns_corpus_load(c, w->t.input, &co, m ? ns_model_vocab(m) : NULL, &err);
    if (s != NS_OK) return report_error(s, &err);
    if (!w->t.quiet)
        fprintf(stderr, "corpus: %lld tokens kept in %lld sentences, vocabulary %d words%s\n",
                (long long)ns_corpus_tokens(*c), (long long)ns_corpus_sentences(*c), ns_vocab_size(ns_corpus_vocab(*c)),
                w->init ? " (model's words first)" : "");
    return 0;
}

static int words_run(words_cmd *w, ns_model *m) {
    /* .model and .vec, then those asked for */
    const char *exts[4] = {".model", ".vec"};
    model_writer fns[4] = {ns_model_save, ns_model_export_vec};
    int nout = 2;
    if (w->bin) exts[nout] = ".bin", fns[nout++] = ns_model_export_bin;
    if (w->fasttext_bin) exts[nout] = ".fasttext.bin", fns[nout++] = ns_model_export_fasttext;
    int code = check_outputs(w->t.output, exts, nout);
    if (!code && w->save_vocab) code = check_outputs(w->save_vocab, (const char *const[]){""}, 1);
    ns_corpus *c = NULL;
    double *noise = NULL;
    ns_error err;
    ns_status s = NS_OK;
    if (!code) code = words_corpus(w, m, &c);
    const ns_vocab *v = c ? ns_corpus_vocab(c) : NULL;
    if (!code && w->noise_file) {
        int64_t unknown;
        if ((s = ns_noise_weights_load(v, w->noise_file, &noise, &unknown, &err)) == NS_OK && unknown && !w->t.quiet)
            fprintf(stderr, "%s: %lld tokens not in the vocabulary, ignored\n", w->noise_file, (long long)unknown);
        w->o.train.noise_weights = noise;
    }
    if (!code && s == NS_OK) s = w->init ? ns_model_extend(m, v, &err) : m ? NS_OK : ns_model_create(&m, v, &w->o.train, &err);
    if (!code && s == NS_OK && !(code = train_hooks(&w->t, &w->o, w->o.train.threads))) {
        s = ns_train_words(m, c, w->valid, &w->o.train, &w->t.hooks, &err);
        train_done(&w->t);
        code = train_interrupted(&w->t, s, save_model_any, m);
    }
    if (!code && s != NS_OK) code = report_error(s, &err);
    if (!code && w->save_vocab && (s = ns_vocab_save(ns_model_vocab(m), w->save_vocab, &err)) != NS_OK)
        code = report_error(s, &err);
    if (!code) code = write_model_files(m, w->t.output, exts, fns, nout, w->t.quiet);
    free(noise);
    ns_corpus_free(c);
    ns_model_free(m);
    return code;
}

int cmd_train(ns_task task, int argc, char **argv) {
    words_cmd w = {.task = task, .verbose = 2};
    opt opts[24];
    cmd_spec spec;
    ns_model *m = NULL;
    int code = words_parse(&w, argc, argv, &spec, opts, 24);
    if (code) return code < 0 ? 0 : code;
    if ((code = words_options(&w, &spec, &m)) != 0) {
        ns_model_free(m);
        return code;
    }
    code = words_run(&w, m);
    train_cli_free(&w.t);
    return code;
}
