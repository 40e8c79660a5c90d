/*
 * options.c - the training options every task shares: their defaults, the
 * names of the objectives and the range checks.
 */
#include "negsamp.h"

#include "core/core.h"

#include <string.h>

void ns_train_opts_default(ns_train_opts *o, ns_task task) {
    o->task = task;
    o->loss = NS_LOSS_SGNS;
    o->dim = 100;
    o->window = 5;
    o->neg = 5;
    o->ns_exponent = 0.75;
    o->sample = 1e-4;
    o->epochs = 5;
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
    if (!(o->sample >= 0 && o->sample < 1))
        return ns__fail(err, NS_EINVAL, "sample must be in [0, 1), got %g", o->sample);
    if (o->epochs < 1 || o->epochs > 100000)
        return ns__fail(err, NS_EINVAL, "epochs must be in 1..100000, got %d", o->epochs);
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
    return NS_OK;
}
