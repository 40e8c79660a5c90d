/*
 * cmd_train.c - `negsamp skipgram` and `negsamp cbow`: read a corpus, train,
 * write PREFIX.model and PREFIX.vec (and PREFIX.bin on request).
 */
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


static void fmt_time(double s, char *buf, size_t n) {
    if (!isfinite(s) || s < 0) snprintf(buf, n, "--");
    else if (s < 60) snprintf(buf, n, "%.0fs", s);
    else if (s < 3600) snprintf(buf, n, "%dm%02ds", (int)s / 60, (int)s % 60);
    else snprintf(buf, n, "%dh%02dm", (int)s / 3600, (int)s % 3600 / 60);
}

/* Ends a live line before a line of its own. */
static void end_live(progress_state *ps) {
    if (ps->live) fputc('\n', stderr), ps->live = 0;
}

int on_progress(const ns_progress *p, void *user) {
    progress_state *ps = user;
    if (ps->quiet) return 0;
    if (p->epoch_done) {
        end_live(ps);
        fprintf(stderr, "epoch %d/%d done: mean loss %.5f, %.1fs elapsed\n", p->epoch_done, p->epochs, p->epoch_loss,
                p->elapsed_sec);
        return 0;
    }
    if (p->paused) {
        if (p->metric) {
            end_live(ps);
            if (p->epochs)
                fprintf(stderr, "epoch %d/%d: valid %s %.4f (best %.4f after %lld %s), %.0fs\n", p->epoch, p->epochs,
                        p->metric, p->valid, p->best, (long long)p->best_at, p->unit, p->elapsed_sec);
            else
                fprintf(stderr, "step %lld/%lld: valid %s %.4f (best %.4f at step %lld), %.0fs\n", (long long)p->done,
                        (long long)p->total, p->metric, p->valid, p->best, (long long)p->best_at, p->elapsed_sec);
        }
        if (p->checkpointed && ps->checkpoint) {
            end_live(ps);
            fprintf(stderr, "checkpoint %s (%lld of %lld %s)\n", ps->checkpoint, (long long)p->done,
                    (long long)p->total, p->unit);
        }
        return 0;
    }
    char eta[32];
    fmt_time(p->eta_sec, eta, sizeof eta);
    if (p->epochs)
        fprintf(stderr, "%sprogress %5.1f%%  epoch %d/%d  %s/s/thread %.0fk  lr %.6f  loss %.4f  eta %s%s",
                ps->tty ? "\r" : "", 100 * p->fraction, p->epoch, p->epochs, p->unit, p->units_per_sec / 1e3, p->lr,
                p->loss, eta, ps->tty ? "  " : "\n");
    else
        fprintf(stderr, "%sstep %lld/%lld  loss %.4f  lr %.2g  %.1f steps/s  eta %s%s", ps->tty ? "\r" : "",
                (long long)p->done, (long long)p->total, p->loss, p->lr, p->units_per_sec * ps->threads, eta,
                ps->tty ? "  " : "\n");
    ps->live = ps->tty;
    fflush(stderr);
    return 0;
}

char *join(const char *prefix, const char *ext) {
    size_t n = strlen(prefix), m = strlen(ext);
    char *s = malloc(n + m + 1);
    if (s) memcpy(s, prefix, n), memcpy(s + n, ext, m + 1);
    return s;
}

int check_outputs(const char *prefix, const char *const *exts, int n) {
    for (int i = 0; i < n; i++) {
        char *path = join(prefix, exts[i]);
        ns_error err;
        ns_status s = path ? ns_output_check(path, &err) : NS_ENOMEM;
        free(path);
        if (s != NS_OK) return report_error(s, path ? &err : NULL);
    }
    return 0;
}

int cmd_train(ns_task task, int argc, char **argv) {
    ns_train_opts o;
    ns_train_opts_default(&o, task);
    ns_corpus_opts co;
    ns_corpus_opts_default(&co);
    const char *input = NULL, *output = NULL, *init = NULL, *save_vocab = NULL, *noise_file = NULL;
    double *noise = NULL, l2 = 0;
    int reject_anchor = 0, bias = 0;
    int dim = -1, window = o.window, neg = o.neg, epochs = o.epochs, threads = o.threads;
    int max_vocab = 0, max_sentence = co.max_sentence, no_lines = 0, bin = 0, quiet = 0;
    int64_t min_count = co.min_count, seed = (int64_t)o.seed;
    double lr = o.lr, sample = o.sample, alpha = o.ns_exponent, interval = -1;
    const char *loss = "sgns";
    int minn = 0, maxn = 0, verbose = 2;
    const opt opts[] = {
        {"input|train", OPT_STRING, &input, "FILE", "training text, UTF-8, '-' = stdin, .gz ok (required)"},
        {"output", OPT_STRING, &output, "PREFIX", "writes PREFIX.model and PREFIX.vec (required)"},
        {"dim|size", OPT_INT, &dim, "N", "vector size [100]"},
        {"window|ws", OPT_INT, &window, "N", "max distance of a context word; each centre uses 1..N [5]"},
        {"neg|negative", OPT_INT, &neg, "K", "negatives per positive [5]"},
        {"ns-exponent|noise-alpha", OPT_DOUBLE, &alpha, "A", "negatives drawn by count^A; 0 = uniform, 1 = unigram [0.75]"},
        {"noise-file", OPT_STRING, &noise_file, "FILE", "draw negatives by the weights of 'token weight' lines instead of count^A; unlisted words get 0"},
        {"l2", OPT_DOUBLE, &l2, "L", "L2 penalty L/2 |row|^2 on every updated row (MAP with a Gaussian prior) [0]"},
        {"bias", OPT_FLAG, &bias, "", "learn a bias per output word, started at -ln k: with k negatives per positive the base rate of a positive is 1/(1+k) = sigma(-ln k)"},
        {"reject-anchor", OPT_FLAG, &reject_anchor, "", "never draw a negative equal to a context word of the window"},
        {"sample|t", OPT_DOUBLE, &sample, "T", "subsampling threshold for frequent words, 0 = off [1e-4]"},
        {"min-count|minCount", OPT_I64, &min_count, "N", "ignore words seen fewer than N times [5]"},
        {"max-vocab", OPT_INT, &max_vocab, "N", "keep only the N most frequent words, 0 = all [0]"},
        {"epochs|epoch|iter", OPT_INT, &epochs, "N", "passes over the corpus [5]"},
        {"lr", OPT_DOUBLE, &lr, "LR", "start learning rate, decays linearly to ~0 [0.025 skipgram, 0.05 cbow]"},
        {"threads|thread", OPT_INT, &threads, "N", "worker threads [2]"},
        {"seed", OPT_I64, &seed, "N", "random seed; 1 thread + same seed = same result [1]"},
        {"max-sentence", OPT_INT, &max_sentence, "N", "cut sentences (and files without line breaks) every N words [10000]"},
        {"no-lines", OPT_FLAG, &no_lines, "", "line breaks do not end sentences (one stream)"},
        {"init", OPT_STRING, &init, "MODEL", "continue training MODEL (.model): its words keep their ids and vectors, new words are appended; its dim and -bias setting are kept, other options come from this command"},
        {"bin|binary", OPT_FLAG, &bin, "", "also write PREFIX.bin (word2vec binary)"},
        {"save-vocab", OPT_STRING, &save_vocab, "FILE", "also write the vocabulary as 'word count' lines, most frequent first"},
        {"progress", OPT_DOUBLE, &interval, "SEC", "seconds between progress lines [1 on a terminal, 10 otherwise]"},
        {"quiet", OPT_FLAG, &quiet, "", "no progress output"},
        {"loss", OPT_STRING, &loss, "NAME", "sgns (= fastText's ns): word2vec's loss; nce: noise-contrastive, exp(score) ~ P(centre|context); softmax-sampled: softmax over the positive and its negatives, log(k Pn) subtracted; softmax: the exact softmax over all words, no sampling (small vocabularies: V dot products a pair) [sgns]"},
        {"minn", OPT_INT, &minn, "0", "fastText compatibility: subword n-grams are not supported, 0 only"},
        {"maxn", OPT_INT, &maxn, "0", "fastText compatibility: 0 only"},
        {"verbose", OPT_INT, &verbose, "N", "0 = like -quiet [2]"},
        {"alpha", OPT_REJECT, NULL, "", "ambiguous: word2vec's -alpha is the learning rate; use -lr, or -ns-exponent for the noise exponent"},
    };
    cmd_spec spec = {task == NS_TASK_CBOW ? "cbow" : "skipgram", "-input FILE -output PREFIX [options]",
                     task == NS_TASK_CBOW
                         ? "Trains CBOW word vectors with negative sampling: the mean of the context\n"
                           "words' vectors predicts the centre word against K sampled negatives."
                         : "Trains skip-gram word vectors with negative sampling: each context word\n"
                           "predicts the centre word against K sampled negatives (shared by the window).",
                     opts, (int)(sizeof opts / sizeof opts[0]), 0, 0};
    char *pos[1];
    int npos;
    int r = parse_opts(&spec, argc, argv, pos, &npos);
    if (r) return r > 0 ? 0 : EXIT_USAGE;
    if (!input || !output) {
        fprintf(stderr, "negsamp %s: -input and -output are required (see 'negsamp %s --help')\n",
                spec.name, spec.name);
        return EXIT_USAGE;
    }
    int loss_id = strcmp(loss, "ns") == 0 ? (int)NS_LOSS_SGNS : ns_loss_parse(loss);
    if (loss_id == NS_LOSS_INFONCE) {
        fprintf(stderr, "negsamp %s: -loss infonce needs pair data for its in-batch negatives: "
                "use negsamp pairs-train\n", spec.name);
        return EXIT_USAGE;
    }
    if (loss_id < 0) {
        fprintf(stderr, "negsamp %s: -loss %s is not supported; choose sgns (fastText's ns), nce, "
                "softmax-sampled or softmax\n", spec.name, loss);
        return EXIT_USAGE;
    }
    if (minn != 0 || maxn != 0) {
        fprintf(stderr, "negsamp %s: -minn/-maxn other than 0 are not supported (no subword "
                "n-grams)\n", spec.name);
        return EXIT_USAGE;
    }
    o.loss = (ns_loss)loss_id;
    if (verbose == 0) quiet = 1;
    if (min_count < 1 || max_vocab < 0 || max_sentence < 1) {
        fprintf(stderr, "negsamp %s: min-count and max-sentence must be >= 1, max-vocab >= 0\n", spec.name);
        return EXIT_USAGE;
    }
    o.window = window, o.neg = neg, o.epochs = epochs, o.threads = threads, o.lr = lr;
    o.sample = sample, o.ns_exponent = alpha, o.seed = (uint64_t)seed, o.l2 = l2;
    co.min_count = min_count, co.max_vocab = max_vocab, co.max_sentence = max_sentence;
    co.lines_are_sentences = !no_lines;

    ns_error err = {{0}};
    ns_status s;
    ns_model *m = NULL;
    ns_corpus *c = NULL;
    const char *exts[4] = {".model", ".vec", ".bin", ""};
    int code = check_outputs(output, exts, bin ? 3 : 2);
    if (!code && save_vocab) code = check_outputs(save_vocab, exts + 3, 1);
    if (code) return code;
    if (init) {
        if ((s = ns_model_load(&m, init, &err)) != NS_OK) return report_error(s, &err);
        if (ns_model_opts(m)->task == NS_TASK_PAIRS) {
            fprintf(stderr, "negsamp %s: %s is a pair model (pairs-train); -init needs a word model\n",
                    spec.name, init);
            ns_model_free(m);
            return EXIT_USAGE;
        }
        if (dim >= 0 && dim != ns_model_dim(m)) {
            fprintf(stderr, "negsamp %s: -dim %d differs from %s's dim %d\n", spec.name, dim, init,
                    ns_model_dim(m));
            ns_model_free(m);
            return EXIT_USAGE;
        }
        o.dim = ns_model_dim(m);
        if (bias && !ns_model_opts(m)->bias) {
            fprintf(stderr, "negsamp %s: -bias: %s was trained without biases\n", spec.name, init);
            ns_model_free(m);
            return EXIT_USAGE;
        }
        bias = ns_model_opts(m)->bias;
    } else if (dim >= 0) {
        o.dim = dim;
    }
    if ((s = ns_train_opts_check(&o, &err)) != NS_OK) {
        fprintf(stderr, "negsamp %s: %s\n", spec.name, err.msg);
        ns_model_free(m);
        return EXIT_USAGE;
    }
    if ((s = ns_corpus_load(&c, input, &co, m ? ns_model_vocab(m) : NULL, &err)) != NS_OK) {
        code = report_error(s, &err);
        goto done;
    }
    const ns_vocab *v = ns_corpus_vocab(c);
    if (!quiet)
        fprintf(stderr, "corpus: %lld tokens kept in %lld sentences, vocabulary %d words%s\n",
                (long long)ns_corpus_tokens(c), (long long)ns_corpus_sentences(c), ns_vocab_size(v),
                m ? " (model's words first)" : "");
    if (noise_file) {
        int64_t unknown;
        if ((s = ns_noise_weights_load(v, noise_file, &noise, &unknown, &err)) != NS_OK) {
            code = report_error(s, &err);
            goto done;
        }
        if (unknown && !quiet)
            fprintf(stderr, "%s: %lld tokens not in the vocabulary, ignored\n", noise_file, (long long)unknown);
        o.noise_weights = noise;
    }
    o.reject_anchor = reject_anchor;
    o.bias = bias;
    s = m ? ns_model_extend(m, v, &err) : ns_model_create(&m, v, &o, &err);
    if (s != NS_OK) {
        code = report_error(s, &err);
        goto done;
    }
    progress_state ps = {isatty(STDERR_FILENO), quiet, 0, o.threads, NULL};
    ns_train_hooks hooks = {on_progress, &ps, interval > 0 ? interval : ps.tty ? 1.0 : 10.0, NULL, 0, 0};
    if ((s = ns_train_words(m, c, &o, &hooks, &err)) != NS_OK) {
        code = report_error(s, &err);
        goto done;
    }
    if (save_vocab) {
        if ((s = ns_vocab_save(ns_model_vocab(m), save_vocab, &err)) != NS_OK) {
            code = report_error(s, &err);
            goto done;
        }
        if (!quiet) fprintf(stderr, "wrote %s\n", save_vocab);
    }
    for (int i = 0; i < (bin ? 3 : 2) && code == 0; i++) {
        char *path = join(output, exts[i]);
        if (!path) {
            code = report_error(NS_ENOMEM, NULL);
            break;
        }
        s = i == 0 ? ns_model_save(m, path, &err)
                   : i == 1 ? ns_model_export_vec(m, path, &err) : ns_model_export_bin(m, path, &err);
        if (s != NS_OK) code = report_error(s, &err);
        else if (!quiet) fprintf(stderr, "wrote %s\n", path);
        free(path);
    }
done:
    free(noise);
    ns_corpus_free(c);
    ns_model_free(m);
    return code;
}
