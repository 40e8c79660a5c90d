/*
 * cmd_pairs.c - `negsamp pairs-train` and `negsamp pairs-eval`: embeddings
 * of left and right items from "left<TAB>right[<TAB>negative...]" lines,
 * and their ranking quality on held-out pairs.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cmd_pairs_train(int argc, char **argv) {
    ns_train_opts o;
    ns_train_opts_default(&o, NS_TASK_PAIRS);
    ns_pairs_opts po;
    ns_pairs_opts_default(&po);
    const char *input = NULL, *output = NULL, *loss = "sgns", *noise_file = NULL;
    int dim = o.dim, neg = o.neg, epochs = o.epochs, threads = o.threads, batch = o.batch;
    int shared = 0, bias = 0, reject_anchor = 0, quiet = 0;
    int64_t min_count = po.min_count, seed = (int64_t)o.seed;
    double lr = o.lr, alpha = o.ns_exponent, temperature = o.temperature, l2 = 0, interval = -1;
    const opt opts[] = {
        {"input|train", OPT_STRING, &input, "FILE", "'left<TAB>right[<TAB>negative...]' lines, '-' = stdin, .gz ok (required)"},
        {"output", OPT_STRING, &output, "PREFIX", "writes PREFIX.model, PREFIX.vec (left items) and PREFIX.right.vec (right items) (required)"},
        {"shared-vocab", OPT_FLAG, &shared, "", "left and right items are one kind (word/word, node/node); default: two vocabularies"},
        {"loss", OPT_STRING, &loss, "NAME", "sgns, nce, softmax-sampled (K sampled negatives), softmax (every right item), infonce (in-batch negatives) [sgns]"},
        {"dim|size", OPT_INT, &dim, "N", "vector size [100]"},
        {"neg|negative", OPT_INT, &neg, "K", "sampled negatives per pair (not infonce/softmax) [5]"},
        {"ns-exponent|noise-alpha", OPT_DOUBLE, &alpha, "A", "negatives drawn by (right-item count)^A; 0 = uniform [0.75]"},
        {"noise-file", OPT_STRING, &noise_file, "FILE", "draw negatives by the weights of 'item weight' lines instead"},
        {"reject-anchor", OPT_FLAG, &reject_anchor, "", "with -shared-vocab: never draw the left item itself as a negative"},
        {"batch", OPT_INT, &batch, "N", "infonce: pairs per mini-batch; the other N-1 positives are each pair's negatives [256]"},
        {"temperature", OPT_DOUBLE, &temperature, "T", "infonce: scores are u.v / T; the vectors are not normalised, so their norms already act as 1/T, and score steps grow as lr/T^2: lower -lr with T [1]"},
        {"l2", OPT_DOUBLE, &l2, "L", "L2 penalty L/2 |row|^2 on every updated row [0]"},
        {"bias", OPT_FLAG, &bias, "", "learn a bias per right item, started at -ln k (sigma(-ln k) = 1/(1+k), the base rate of a positive)"},
        {"min-count|minCount", OPT_I64, &min_count, "N", "drop items seen fewer than N times as left or right [1]"},
        {"epochs|epoch|iter", OPT_INT, &epochs, "N", "passes over the pairs [5]"},
        {"lr", OPT_DOUBLE, &lr, "LR", "start learning rate, decays linearly to ~0 [0.025]"},
        {"threads|thread", OPT_INT, &threads, "N", "worker threads [2]"},
        {"seed", OPT_I64, &seed, "N", "random seed; 1 thread + same seed = same result [1]"},
        {"progress", OPT_DOUBLE, &interval, "SEC", "seconds between progress lines [1 on a terminal, 10 otherwise]"},
        {"quiet", OPT_FLAG, &quiet, "", "no progress output"},
    };
    cmd_spec spec = {"pairs-train", "-input FILE -output PREFIX [options]",
                     "Trains left and right item vectors from pairs so that u_left . v_right ranks\n"
                     "each left item's right items first. Each line's explicit negatives (items the\n"
                     "user knows are wrong for it) are trained on alongside the sampled or in-batch\n"
                     "ones. Lines starting with '#' and blank lines are skipped.",
                     opts, (int)(sizeof opts / sizeof opts[0]), 0, 0};
    char *pos[1];
    int npos, r = parse_opts(&spec, argc, argv, pos, &npos);
    if (r) return r > 0 ? 0 : EXIT_USAGE;
    if (!input || !output) {
        fprintf(stderr, "negsamp pairs-train: -input and -output are required (see 'negsamp pairs-train --help')\n");
        return EXIT_USAGE;
    }
    int loss_id = ns_loss_parse(loss);
    if (loss_id < 0) {
        fprintf(stderr, "negsamp pairs-train: -loss %s is not supported; choose sgns, nce, "
                "softmax-sampled, softmax or infonce\n", loss);
        return EXIT_USAGE;
    }
    if (min_count < 1) {
        fprintf(stderr, "negsamp pairs-train: -min-count must be >= 1\n");
        return EXIT_USAGE;
    }
    if (reject_anchor && !shared) {
        fprintf(stderr, "negsamp pairs-train: -reject-anchor needs -shared-vocab (left items are never right items otherwise)\n");
        return EXIT_USAGE;
    }
    o.loss = (ns_loss)loss_id, o.dim = dim, o.neg = neg, o.epochs = epochs, o.threads = threads;
    o.batch = batch, o.temperature = temperature, o.lr = lr, o.ns_exponent = alpha, o.l2 = l2;
    o.seed = (uint64_t)seed, o.bias = bias, o.reject_anchor = reject_anchor;
    po.shared_vocab = shared, po.min_count = min_count;
    ns_error err = {{0}};
    ns_status s;
    if ((s = ns_train_opts_check(&o, &err)) != NS_OK) {
        fprintf(stderr, "negsamp pairs-train: %s\n", err.msg);
        return EXIT_USAGE;
    }
    ns_pairs *p = NULL;
    ns_model *m = NULL;
    double *noise = NULL;
    const char *exts[3] = {".model", ".vec", ".right.vec"};
    int code = check_outputs(output, exts, 3);
    if (code) return code;
    if ((s = ns_pairs_load(&p, input, &po, NULL, &err)) != NS_OK) return report_error(s, &err);
    const ns_vocab *vl = ns_pairs_left_vocab(p), *vr = ns_pairs_right_vocab(p);
    if (!quiet)
        fprintf(stderr, "pairs: %lld (%lld skipped by min-count), %d left and %d right items%s\n",
                (long long)ns_pairs_count(p), (long long)ns_pairs_skipped(p), ns_vocab_size(vl),
                ns_vocab_size(vr), shared ? " (one vocabulary)" : "");
    if (noise_file) {
        int64_t unknown;
        if ((s = ns_noise_weights_load(vr, noise_file, &noise, &unknown, &err)) != NS_OK) {
            code = report_error(s, &err);
            goto done;
        }
        if (unknown && !quiet)
            fprintf(stderr, "%s: %lld items not among the right items, ignored\n", noise_file, (long long)unknown);
        o.noise_weights = noise;
    }
    if ((s = ns_model_create_pairs(&m, vl, shared ? NULL : vr, &o, &err)) != NS_OK) {
        code = report_error(s, &err);
        goto done;
    }
    progress_state ps = {isatty(STDERR_FILENO), quiet, 0, o.threads, NULL};
    ns_train_hooks hooks = {on_progress, &ps, interval > 0 ? interval : ps.tty ? 1.0 : 10.0, NULL, 0, 0};
    if ((s = ns_train_pairs(m, p, &o, &hooks, &err)) != NS_OK) {
        code = report_error(s, &err);
        goto done;
    }
    for (int i = 0; i < 3 && code == 0; i++) {
        char *path = join(output, exts[i]);
        if (!path) {
            code = report_error(NS_ENOMEM, NULL);
            break;
        }
        s = i == 0 ? ns_model_save(m, path, &err)
                   : i == 1 ? ns_model_export_vec(m, path, &err) : ns_model_export_out_vec(m, path, &err);
        if (s != NS_OK) code = report_error(s, &err);
        else if (!quiet) fprintf(stderr, "wrote %s\n", path);
        free(path);
    }
done:
    free(noise);
    ns_model_free(m);
    ns_pairs_free(p);
    return code;
}

int cmd_pairs_eval(int argc, char **argv) {
    const char *filter = NULL, *kspec = "1,10,100";
    const opt opts[] = {
        {"filter", OPT_STRING, &filter, "FILE[,FILE...]", "pair files whose right items are left out of each query's ranking (e.g. the training pairs)"},
        {"k", OPT_STRING, &kspec, "K[,K...]", "Recall@K cut-offs, at most 8 [1,10,100]"},
    };
    cmd_spec spec = {"pairs-eval", "MODEL PAIRS [options]",
                     "Ranks every right item for the left item of each held-out pair in PAIRS by the\n"
                     "model's score and prints Recall@K and the mean reciprocal rank of the true right\n"
                     "item. Filtered: the left item's other right items in PAIRS and in -filter files\n"
                     "are left out of its ranking. Pairs with an item the model does not know are\n"
                     "counted and left out. Ties count half.",
                     opts, 2, 2, 2};
    char *pos[2];
    int npos, r = parse_opts(&spec, argc, argv, pos, &npos);
    if (r) return r > 0 ? 0 : EXIT_USAGE;
    int32_t ks[NS_RANK_MAX_K];
    int n_ks = parse_ks(kspec, ks, NS_RANK_MAX_K);
    if (n_ks < 1) {
        fprintf(stderr, "negsamp pairs-eval: -k wants 1 to %d comma-separated integers >= 1, got '%s'\n",
                NS_RANK_MAX_K, kspec);
        return EXIT_USAGE;
    }
    ns_error err = {{0}};
    ns_model *m;
    ns_status s = ns_model_load(&m, pos[0], &err);
    if (s != NS_OK) return report_error(s, &err);
    ns_pairs_opts po;
    ns_pairs_opts_default(&po);
    ns_pairs *test = NULL, *filters[16] = {0};
    int n_filter = 0, code = 0;
    char *list = filter ? strdup(filter) : NULL;
    if ((s = ns_pairs_load(&test, pos[1], &po, m, &err)) != NS_OK) {
        code = report_error(s, &err);
        goto done;
    }
    for (char *f = list ? strtok(list, ",") : NULL; f; f = strtok(NULL, ",")) {
        if (n_filter == 16) {
            fprintf(stderr, "negsamp pairs-eval: at most 16 -filter files\n");
            code = EXIT_USAGE;
            goto done;
        }
        if ((s = ns_pairs_load(&filters[n_filter], f, &po, m, &err)) != NS_OK) {
            code = report_error(s, &err);
            goto done;
        }
        n_filter++;
    }
    ns_rank_report rep;
    if ((s = ns_eval_pairs(m, test, (const ns_pairs *const *)filters, n_filter, ks, n_ks, &rep, &err)) != NS_OK) {
        code = report_error(s, &err);
        goto done;
    }
    printf("queries %lld, covered %lld, MRR %.4f, mean rank %.1f", (long long)rep.queries,
           (long long)rep.covered, rep.mrr, rep.mean_rank);
    for (int i = 0; i < rep.n_k; i++) printf(", recall@%d %.4f", rep.k[i], rep.recall[i]);
    printf("\n");
done:
    for (int i = 0; i < n_filter; i++) ns_pairs_free(filters[i]);
    free(list);
    ns_pairs_free(test);
    ns_model_free(m);
    return code;
}
