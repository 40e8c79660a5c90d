/*
 * The options table: each task's defaults, setting by name and alias, the
 * errors, the defaults that follow other options, every option's value
 * surviving get -> set -> get, and the table's own consistency (within a
 * task no name or alias is used twice, every option has help).
 */
#include "check.h"
#include "negsamp.h"

static const ns_task tasks[] = {NS_TASK_SKIPGRAM, NS_TASK_CBOW, NS_TASK_PAIRS, NS_TASK_REC, NS_TASK_KG};

static void defaults(void) {
    ns_opts o;
    ns_opts_default(&o, NS_TASK_SKIPGRAM);
    CHECK_EQ(o.train.dim, 100); CHECK_NEAR(o.train.lr, 0.025, 0); CHECK_EQ(o.train.epochs, 5);
    CHECK_EQ(o.corpus.min_count, 5); CHECK_NEAR(o.train.sample, NS_AUTO, 0);
    ns_opts_default(&o, NS_TASK_CBOW);
    CHECK_NEAR(o.train.lr, 0.05, 0);
    ns_opts_default(&o, NS_TASK_REC);
    CHECK_EQ(o.train.task, NS_TASK_REC); CHECK_EQ(o.train.loss, NS_LOSS_BPR); CHECK_EQ(o.train.dim, 64);
    CHECK_EQ(o.train.epochs, 30); CHECK_NEAR(o.train.lr, 0.05, 0); CHECK_NEAR(o.train.l2, 0.05, 0);
    CHECK_NEAR(o.train.ns_exponent, 0, 0);
    ns_opts_default(&o, NS_TASK_KG);
    CHECK_EQ(o.kg.model, NS_KG_ROTATE); CHECK_EQ(o.kg.dim, 500);
    CHECK_NEAR(o.kg.lr, NS_AUTO, 0); /* from the data when training (test_kg) */
    for (size_t t = 0; t < sizeof tasks / sizeof *tasks; t++) {
        ns_opts_default(&o, tasks[t]);
        ns_error err;
        CHECK_EQ(ns_opts_check(&o, &err), NS_OK); /* the defaults pass their own checks */
    }
}

static void by_name(void) {
    ns_opts o;
    ns_error err;
    ns_opts_default(&o, NS_TASK_SKIPGRAM);
    CHECK_EQ(ns_opts_set(&o, "size", "32", &err), NS_OK); /* word2vec's spelling */
    CHECK_EQ(o.train.dim, 32);
    CHECK(ns_opts_given(&o, "dim") && !ns_opts_given(&o, "window"));
    CHECK_EQ(ns_opts_set(&o, "bias", NULL, &err), NS_OK);
    CHECK_EQ(o.train.bias, 1);
    CHECK_EQ(ns_opts_set(&o, "no-lines", "1", &err), NS_OK);
    CHECK_EQ(o.corpus.lines_are_sentences, 0);
    /* A default derived from the data reads and writes as "auto". */
    char buf[64];
    CHECK_EQ(ns_opts_get(&o, "sample", buf, sizeof buf, &err), NS_OK);
    CHECK(strcmp(buf, "auto") == 0);
    CHECK_EQ(ns_opts_set(&o, "t", "1e-5", &err), NS_OK);
    CHECK_NEAR(o.train.sample, 1e-5, 0);
    CHECK_EQ(ns_opts_set(&o, "sample", "auto", &err), NS_OK);
    CHECK_NEAR(o.train.sample, NS_AUTO, 0);
    CHECK_EQ(ns_opts_set(&o, "lr", "auto", &err), NS_EINVAL); /* the words' lr has no rule from the data */
    CHECK_EQ(ns_opts_set(&o, "loss", "ns", &err), NS_OK); /* fastText's name of sgns */
    CHECK_EQ(o.train.loss, NS_LOSS_SGNS);
    CHECK_EQ(ns_opts_set(&o, "dim", "abc", &err), NS_EINVAL);
    CHECK_CONTAINS(err.msg, "'abc' is not an integer");
    CHECK_EQ(ns_opts_set(&o, "lr", "1e", &err), NS_EINVAL);
    CHECK_CONTAINS(err.msg, "is not a number");
    CHECK_EQ(ns_opts_set(&o, "loss", "hs", &err), NS_EINVAL);
    CHECK_CONTAINS(err.msg, "-loss hs is not supported");
    CHECK_EQ(ns_opts_set(&o, "loss", "bpr", &err), NS_EINVAL);
    CHECK_CONTAINS(err.msg, "for recommendation");
    CHECK_EQ(ns_opts_set(&o, "gamma", "6", &err), NS_EINVAL); /* a knowledge-graph option */
    CHECK_CONTAINS(err.msg, "unknown option 'gamma'");
    CHECK_EQ(ns_opts_set(&o, "window", NULL, &err), NS_EINVAL);
    CHECK_CONTAINS(err.msg, "needs a value");
    CHECK(ns_opts_find(NS_TASK_KG, "gamma") && !ns_opts_find(NS_TASK_SKIPGRAM, "gamma"));
    CHECK(ns_opts_find(NS_TASK_PAIRS, "negative") && ns_opts_find(NS_TASK_PAIRS, "negative")->name[0] == 'n');
    /* Ranges are the checks' (one place): a set value out of range is
     * caught by ns_opts_check with the message the trainers give. */
    CHECK_EQ(ns_opts_set(&o, "dim", "0", &err), NS_OK);
    CHECK_EQ(ns_opts_check(&o, &err), NS_EINVAL);
    CHECK_CONTAINS(err.msg, "dim must be in 1..10000, got 0");
    /* -checkpoint-every: epochs, or a clock interval. */
    CHECK_EQ(ns_opts_set(&o, "checkpoint-every", "3", &err), NS_OK);
    CHECK(o.checkpoint_every == 3 && o.checkpoint_seconds == 0);
    CHECK_EQ(ns_opts_set(&o, "checkpoint-every", "2m", &err), NS_OK);
    CHECK(o.checkpoint_every == 0 && o.checkpoint_seconds == 120);
    CHECK_EQ(ns_opts_set(&o, "checkpoint-every", "1.5h", &err), NS_OK);
    CHECK_NEAR(o.checkpoint_seconds, 5400, 0);
    CHECK_EQ(ns_opts_set(&o, "checkpoint-every", "3x", &err), NS_EINVAL);
    CHECK_EQ(ns_opts_set(&o, "checkpoint-every", "-1s", &err), NS_EINVAL);
}

/* Options whose default follows others, unless they are given. */
static void dependent(void) {
    ns_opts o;
    ns_error err;
    ns_opts_default(&o, NS_TASK_KG);
    CHECK_EQ(ns_opts_set(&o, "lr", "0.3", &err), NS_OK);
    CHECK_EQ(ns_opts_check(&o, &err), NS_OK);
    CHECK_NEAR(o.kg.lr, 0.3, 0);
    CHECK_EQ(ns_opts_set(&o, "optim", "sgd", &err), NS_EINVAL);
    CHECK_CONTAINS(err.msg, "-optim sgd is not supported; choose adam, adagrad or lazy-adam");
    ns_opts_default(&o, NS_TASK_REC);
    CHECK_EQ(ns_opts_set(&o, "model", "item2vec", &err), NS_OK);
    CHECK_EQ(ns_opts_check(&o, &err), NS_OK);
    CHECK(o.train.task == NS_TASK_SKIPGRAM && o.train.loss == NS_LOSS_SGNS && o.train.lr == 0.025 && o.train.l2 == 0);
    ns_opts_default(&o, NS_TASK_REC);
    CHECK_EQ(ns_opts_set(&o, "model", "item2vec", &err), NS_OK);
    CHECK_EQ(ns_opts_set(&o, "lr", "0.01", &err), NS_OK);
    CHECK_EQ(ns_opts_set(&o, "loss", "bpr", &err), NS_OK);
    CHECK_EQ(ns_opts_check(&o, &err), NS_EINVAL);
    CHECK_CONTAINS(err.msg, "-model item2vec trains with sgns, nce, softmax-sampled or softmax, not bpr");
    CHECK_NEAR(o.train.lr, 0.01, 0);
    ns_opts_default(&o, NS_TASK_PAIRS);
    CHECK_EQ(ns_opts_set(&o, "reject-anchor", NULL, &err), NS_OK);
    CHECK_EQ(ns_opts_check(&o, &err), NS_EINVAL);
    CHECK_CONTAINS(err.msg, "-reject-anchor needs -shared-vocab");
}

/* Every option of every task: its value as text sets it back to the same
 * value, and the table names each once per task. */
static void round_trip_and_table(void) {
    for (size_t t = 0; t < sizeof tasks / sizeof *tasks; t++) {
        ns_opts a, b;
        ns_opts_default(&a, tasks[t]);
        ns_opts_default(&b, tasks[t]);
        int n = ns_opts_count(tasks[t]);
        CHECK(n > 10);
        for (int i = 0; i < n; i++) {
            const ns_opt_info *in = ns_opts_info(tasks[t], i);
            char va[128], vb[128];
            ns_error err;
            CHECK(in->help[0] != '\0' && in->name[0] != '\0');
            CHECK(ns_opts_find(tasks[t], in->name) == in);
            CHECK_EQ(ns_opts_get(&a, in->name, va, sizeof va, &err), NS_OK);
            ns_status s = ns_opts_set(&b, in->name, va, &err);
            if (s != NS_OK) fprintf(stderr, "-%s %s: %s\n", in->name, va, err.msg);
            CHECK_EQ(s, NS_OK);
            CHECK_EQ(ns_opts_get(&b, in->name, vb, sizeof vb, &err), NS_OK);
            if (strcmp(va, vb)) fprintf(stderr, "task %d, -%s: '%s' came back as '%s'\n", (int)tasks[t], in->name, va, vb);
            CHECK(strcmp(va, vb) == 0);
            for (int j = 0; j < i; j++) { /* no name or alias twice */
                const ns_opt_info *other = ns_opts_info(tasks[t], j);
                CHECK(strcmp(other->name, in->name) != 0);
                CHECK(ns_opts_find(tasks[t], other->name) != in);
            }
        }
        CHECK(memcmp(&a.train, &b.train, sizeof a.train) == 0);
        CHECK(memcmp(&a.kg, &b.kg, sizeof a.kg) == 0);
    }
}

int main(void) {
    defaults();
    by_name();
    dependent();
    round_trip_and_table();
    return check_exit("test_options");
}
