/*
 * kg.c - knowledge-graph options, the model's tables and its scorers
 * (see kg.h for the query/candidate form of each).
 *
 * ComplEx: f = Re(sum h r conj(t)). With q = h r (tail side) f = Re(q
 * conj(t)) = q_re t_re + q_im t_im. On the head side f = Re(h conj(q')) with
 * q' = conj(r) t, i.e. q'_re = r_re t_re + r_im t_im, q'_im = r_re t_im -
 * r_im t_re.
 * RotatE: |h r - t| = |h - conj(r) t| since |r| = 1, so the head side uses
 * q = conj(r) t. A phase theta = pi x / range; dtheta/dx = pi / range.
 */
#include "tasks/kg/kg.h"

#include "core/core.h"
#include "tasks/kg/triples.h"
#include "data/vocab.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const model_names[] = {"transe-l1", "transe-l2", "distmult", "complex", "rotate"};

const char *ns_kg_model_name(ns_kg_model m) {
    return (unsigned)m < sizeof model_names / sizeof *model_names ? model_names[m] : "?";
}

int ns_kg_model_parse(const char *name) {
    if (strcmp(name, "transe") == 0) return NS_KG_TRANSE_L1;
    for (int i = 0; i < (int)(sizeof model_names / sizeof *model_names); i++)
        if (strcmp(name, model_names[i]) == 0) return i;
    return -1;
}

void ns_kg_opts_default(ns_kg_opts *o) {
    memset(o, 0, sizeof *o);
    o->model = NS_KG_ROTATE;
    o->dim = 500;
    o->gamma = 6.0;
    o->loss = NS_KG_LOSS_MARGIN;
    o->optim = NS_KG_ADAM;
    o->lr = NS_AUTO; /* from the data: ns__kg_lr */
    o->reg = NS_KG_REG_NONE;
    o->batch = 512;
    o->neg = 256;
    o->chunk = 0;
    o->epochs = 100;
    o->threads = 2;
    o->seed = 1;
}

ns_status ns_kg_opts_check(const ns_kg_opts *o, ns_error *err) {
    ns__err_clear(err);
    if ((unsigned)o->model > NS_KG_ROTATE) return ns__fail(err, NS_EINVAL, "unknown scorer %d", (int)o->model);
    if (o->dim < 1 || o->dim > 65536) return ns__fail(err, NS_EINVAL, "dim must be in 1..65536 (got %d)", o->dim);
    if (!(o->gamma >= 0 && o->gamma < 1e6)) return ns__fail(err, NS_EINVAL, "gamma must be in [0, 1e6) (got %g)", o->gamma);
    if ((unsigned)o->loss > NS_KG_LOSS_LOGISTIC) return ns__fail(err, NS_EINVAL, "unknown loss %d", (int)o->loss);
    if ((unsigned)o->optim > NS_KG_LAZY_ADAM) return ns__fail(err, NS_EINVAL, "unknown optimiser %d", (int)o->optim);
    if (!(o->lr == NS_AUTO || (o->lr > 0 && o->lr <= 10)))
        return ns__fail(err, NS_EINVAL, "lr must be in (0, 10] or auto (got %g)", o->lr);
    if ((unsigned)o->reg > NS_KG_REG_N3) return ns__fail(err, NS_EINVAL, "unknown regulariser %d", (int)o->reg);
    if (!(o->reg_weight >= 0 && o->reg_weight < 1e6))
        return ns__fail(err, NS_EINVAL, "the regularisation weight must be in [0, 1e6) (got %g)", o->reg_weight);
    if (o->batch < 1 || o->batch > 1 << 20) return ns__fail(err, NS_EINVAL, "batch must be in 1..1048576 (got %d)", o->batch);
    if (o->neg < 1 || o->neg > 1 << 16) return ns__fail(err, NS_EINVAL, "neg must be in 1..65536 (got %d)", o->neg);
    if (o->chunk < 0) return ns__fail(err, NS_EINVAL, "chunk must be >= 0 (got %d; 0 = the batch)", o->chunk);
    if (o->steps < 0) return ns__fail(err, NS_EINVAL, "steps must be >= 0 (got %lld)", (long long)o->steps);
    if (o->epochs < 1 && o->steps == 0) return ns__fail(err, NS_EINVAL, "epochs must be >= 1 (got %d)", o->epochs);
    if (!(o->adv_temperature >= 0 && o->adv_temperature <= 1e3))
        return ns__fail(err, NS_EINVAL, "the adversarial temperature must be in [0, 1000] (got %g)", o->adv_temperature);
    if (o->threads < 1 || o->threads > 1024) return ns__fail(err, NS_EINVAL, "threads must be in 1..1024 (got %d)", o->threads);
    if (o->valid_every < 0 || o->patience < 0 || o->valid_max < 0)
        return ns__fail(err, NS_EINVAL, "valid-every, patience and valid-max must be >= 0");
    return NS_OK;
}

int ns__kg_metric(const ns_kg *m) {
    switch (m->o.model) {
    case NS_KG_TRANSE_L1: return NS_DIST_L1;
    case NS_KG_TRANSE_L2: return NS_DIST_L2;
    case NS_KG_ROTATE: return NS_DIST_CL1;
    default: return -1;
    }
}

static int is_complex(ns_kg_model model) { return model == NS_KG_COMPLEX || model == NS_KG_ROTATE; }

void ns_kg_free(ns_kg *m) {
    if (!m) return;
    ns_vocab_free(m->ents), ns_vocab_free(m->rels);
    ns__free_aligned(m->E), ns__free_aligned(m->R);
    ns__free_aligned(m->E1), ns__free_aligned(m->R1);
    ns__free_aligned(m->E2), ns__free_aligned(m->R2);
    ns__free_aligned(m->best);
    ns__run_state_free(&m->run), ns__run_state_free(&m->best_run);
    free(m);
}

/* Floats a row: half (complex scorers' real part; 0 for the others),
 * entity rows n, relation rows nrel, padded to 16 floats. */
static void widths(const ns_kg_opts *o, int *half, int *n, int *nrel) {
    int padded = (o->dim + 15) / 16 * 16;
    *half = is_complex(o->model) ? padded : 0;
    *n = *half ? 2 * padded : padded;
    *nrel = o->model == NS_KG_ROTATE ? padded : *n;
}

double ns__kg_state_bytes(const ns_kg_opts *o, int32_t ne, int32_t nr) {
    int half, n, nrel;
    widths(o, &half, &n, &nrel);
    return ((double)ne * n + (double)nr * nrel) * sizeof(float) * (o->optim == NS_KG_ADAGRAD ? 2 : 3);
}

ns_status ns__kg_alloc(ns_kg **out, ns_vocab *ents, ns_vocab *rels, const ns_kg_opts *o, ns_error *err) {
    ns_kg *m = ns__calloc(1, sizeof *m, "a knowledge-graph model", err);
    if (!m) {
        ns_vocab_free(ents), ns_vocab_free(rels);
        return NS_ENOMEM;
    }
    m->o = *o, m->ents = ents, m->rels = rels;
    m->ne = ns_vocab_size(ents), m->nr = ns_vocab_size(rels);
    widths(o, &m->half, &m->n, &m->nrel);
    m->range = (float)((o->gamma + 2.0) / o->dim);
    size_t ne = (size_t)m->ne * (size_t)m->n, nr = (size_t)m->nr * (size_t)m->nrel;
    int adam = o->optim != NS_KG_ADAGRAD;
    if ((m->E = ns__aligned(ne, sizeof(float), "the entity table", err)) &&
        (m->R = ns__aligned(nr, sizeof(float), "the relation table", err)) &&
        (m->E2 = ns__aligned(ne, sizeof(float), "the entities' second moments", err)) &&
        (m->R2 = ns__aligned(nr, sizeof(float), "the relations' second moments", err)) &&
        (!adam || ((m->E1 = ns__aligned(ne, sizeof(float), "the entities' first moments", err)) &&
                   (m->R1 = ns__aligned(nr, sizeof(float), "the relations' first moments", err))))) {
        *out = m;
        return NS_OK;
    }
    ns_kg_free(m);
    return NS_ENOMEM;
}

/* Fills the used entries of a row (dim values, or 2 x dim for complex
 * rows) uniformly in [-range, range]. */
static void init_row(float *row, int dim, int half, float range, ns_rng *rng) {
    for (int part = 0; part < (half ? 2 : 1); part++)
        for (int k = 0; k < dim; k++) row[part * half + k] = (2.0f * ns__rng_float(rng) - 1.0f) * range;
}

ns_status ns_kg_create(ns_kg **out, const ns_triples *train, const ns_kg_opts *o, ns_error *err) {
    ns__err_clear(err);
    ns_status s = ns_kg_opts_check(o, err);
    if (s != NS_OK) return s;
    ns_vocab *e = NULL, *r = NULL;
    if ((s = ns__vocab_clone(&e, train->ents, err)) != NS_OK || (s = ns__vocab_clone(&r, train->rels, err)) != NS_OK) {
        ns_vocab_free(e);
        return s;
    }
    ns_kg *m;
    if ((s = ns__kg_alloc(&m, e, r, o, err)) != NS_OK) return s;
    ns_rng rng;
    ns__rng_seed(&rng, o->seed, 0x6b67);
    int cplx = is_complex(o->model);
    for (int32_t i = 0; i < m->ne; i++) init_row(ns__kg_ent(m, i), o->dim, cplx ? m->half : 0, m->range, &rng);
    for (int32_t i = 0; i < m->nr; i++)
        init_row(ns__kg_rel(m, i), o->dim, o->model == NS_KG_COMPLEX ? m->half : 0, m->range, &rng);
    *out = m;
    return NS_OK;
}

const ns_vocab *ns_kg_entities(const ns_kg *m) { return m->ents; }
const ns_vocab *ns_kg_relations(const ns_kg *m) { return m->rels; }
const ns_kg_opts *ns_kg_options(const ns_kg *m) { return &m->o; }
int64_t ns_kg_steps_done(const ns_kg *m) { return m->run.done; }
float *ns_kg_entity(ns_kg *m, int32_t id) { return ns__kg_ent(m, id); }
float *ns_kg_relation(ns_kg *m, int32_t id) { return ns__kg_rel(m, id); }

NS_HOGWILD void ns__kg_phases(const ns_kg *m, const float *rel, float *cs) {
    if (m->o.model != NS_KG_ROTATE) return;
    float scale = (float)NS_PI / m->range;
    for (int k = 0; k < m->half; k++) {
        float th = rel[k] * scale;
        cs[k] = cosf(th), cs[m->half + k] = sinf(th);
    }
}

NS_HOGWILD void ns__kg_query(const ns_kg *m, int side, const float *x, const float *rel, const float *cs, float *q) {
    int n = m->n, h = m->half;
    switch (m->o.model) {
    case NS_KG_TRANSE_L1:
    case NS_KG_TRANSE_L2:
        for (int k = 0; k < n; k++) q[k] = side ? x[k] - rel[k] : x[k] + rel[k];
        break;
    case NS_KG_DISTMULT:
        for (int k = 0; k < n; k++) q[k] = x[k] * rel[k];
        break;
    case NS_KG_COMPLEX:
        for (int k = 0; k < h; k++) {
            float a = x[k], b = x[h + k], c = rel[k], d = rel[h + k];
            q[k] = side ? c * a + d * b : a * c - b * d;
            q[h + k] = side ? c * b - d * a : a * d + b * c;
        }
        break;
    case NS_KG_ROTATE:
        for (int k = 0; k < h; k++) {
            float a = x[k], b = x[h + k], c = cs[k], d = cs[h + k];
            q[k] = side ? a * c + b * d : a * c - b * d;
            q[h + k] = side ? b * c - a * d : a * d + b * c;
        }
        break;
    }
}

NS_HOGWILD void ns__kg_query_back(const ns_kg *m, int side, const float *x, const float *rel, const float *cs, const float *gq,
                       float *gx, float *grel) {
    int n = m->n, h = m->half;
    switch (m->o.model) {
    case NS_KG_TRANSE_L1:
    case NS_KG_TRANSE_L2:
        for (int k = 0; k < n; k++) gx[k] += gq[k], grel[k] += side ? -gq[k] : gq[k];
        break;
    case NS_KG_DISTMULT:
        for (int k = 0; k < n; k++) gx[k] += gq[k] * rel[k], grel[k] += gq[k] * x[k];
        break;
    case NS_KG_COMPLEX:
        /* Tail side q = x r: dq_re/dx_re = c, dq_im/dx_re = d, dq_re/dx_im = -d,
         * dq_im/dx_im = c (and x, r swapped for the relation). Head side
         * q = conj(r) x: the same with d -> -d, and for the relation
         * dq_re/dc = a, dq_im/dc = b, dq_re/dd = b, dq_im/dd = -a. */
        for (int k = 0; k < h; k++) {
            float a = x[k], b = x[h + k], c = rel[k], d = rel[h + k], u = gq[k], v = gq[h + k];
            if (side) {
                gx[k] += u * c - v * d, gx[h + k] += u * d + v * c;
                grel[k] += u * a + v * b, grel[h + k] += u * b - v * a;
            } else {
                gx[k] += u * c + v * d, gx[h + k] += -u * d + v * c;
                grel[k] += u * a + v * b, grel[h + k] += -u * b + v * a;
            }
        }
        break;
    case NS_KG_ROTATE: {
        float scale = (float)NS_PI / m->range;
        for (int k = 0; k < h; k++) {
            float a = x[k], b = x[h + k], c = cs[k], d = cs[h + k], u = gq[k], v = gq[h + k];
            if (side) { /* q = (a c + b d, b c - a d) */
                gx[k] += u * c - v * d, gx[h + k] += u * d + v * c;
                grel[k] += scale * (u * (-a * d + b * c) + v * (-b * d - a * c));
            } else {    /* q = (a c - b d, a d + b c) */
                gx[k] += u * c + v * d, gx[h + k] += -u * d + v * c;
                grel[k] += scale * (u * (-a * d - b * c) + v * (a * c - b * d));
            }
        }
        break;
    }
    }
}

ns_status ns_kg_score(const ns_kg *m, int32_t head, int32_t rel, int32_t tail, float *out, ns_error *err) {
    ns__err_clear(err);
    if (head < 0 || tail < 0 || head >= m->ne || tail >= m->ne || rel < 0 || rel >= m->nr)
        return ns__fail(err, NS_EINVAL, "score: ids out of range (entities 0..%d, relations 0..%d)", m->ne - 1,
                        m->nr - 1);
    const float *r = ns__kg_rel(m, rel), *x = ns__kg_ent(m, head), *e = ns__kg_ent(m, tail);
    float *q = ns__aligned((size_t)m->n * 2, sizeof(float), "the query vector", err);
    if (!q) return NS_ENOMEM;
    float *cs = q + m->n;
    ns__kg_phases(m, r, cs);
    ns__kg_query(m, 0, x, r, cs, q);
    int metric = ns__kg_metric(m);
    float raw = 0;
    if (metric < 0)
        for (int k = 0; k < m->n; k++) raw += q[k] * e[k];
    else
        ns__kernels_scalar.dist((const float *const[]){q}, 1, (const float *const[]){e}, 1, m->n, metric, &raw);
    ns__free_aligned(q);
    *out = ns__kg_f(metric, raw);
    return NS_OK;
}
