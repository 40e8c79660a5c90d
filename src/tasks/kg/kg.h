/*
 * kg.h - the knowledge-graph model's layout and its scorers, shared by the
 * trainer, the evaluation and the model file.
 *
 * Entity rows hold n floats (n a multiple of 16, 64-byte aligned): dim
 * reals rounded up to 16, or for ComplEx and RotatE the real parts in
 * [0, half) and the imaginary parts in [half, 2 half), half = dim rounded
 * up to 16. Relation rows hold nrel floats (RotatE: half phases; otherwise
 * n). Padding is zero and stays zero (every gradient there is zero).
 *
 * Every scorer is a query vector q against a candidate entity e:
 *   corrupting the tail (side 0), q is built from the head and relation
 *   and e is the tail; corrupting the head (side 1), from the tail and
 *   relation, and e is the head:
 *   TransE   q = h + r | t - r          f = -|q - e|_1 or _2
 *   DistMult q = h * r | r * t          f = q . e
 *   ComplEx  q = h r | conj(r) t        f = Re(q conj(e)) = q . e (as reals)
 *   RotatE   q = h r | conj(r) t        f = -sum_k |q_k - e_k|  (|r_k| = 1)
 * so that ranking every entity is one distance or dot product each.
 */
#ifndef NS_KG_H
#define NS_KG_H

#include "negsamp.h"

#include "core/progress.h"
#include "kernels/kernels.h"

struct ns_kg {
    ns_kg_opts o;
    ns_vocab *ents, *rels;
    int32_t ne, nr;
    int n, nrel, half;   /* row lengths; half: complex models' n / 2 */
    float range;         /* initialisation range (gamma + 2) / dim */
    float *E, *R;        /* tables */
    float *E1, *R1;      /* Adam: first moments (NULL for Adagrad) */
    float *E2, *R2;      /* Adam: second moments; Adagrad: sums of squares */
    ns__run_state run;   /* how far training has come (run.done: steps) */
    float *best;         /* the best validated state's tables (all of the
                            above, in the file's order), or NULL */
    ns__run_state best_run; /* its run state (best_run.done = 0: none) */
};

/* The tables in file order (E, R, then E1, R1 under Adam, then E2, R2),
 * with their sizes in floats; returns how many. */
int ns__kg_tables(const ns_kg *m, float *t[6], size_t len[6]);

static inline float *ns__kg_ent(const ns_kg *m, int32_t id) { return m->E + (size_t)id * (size_t)m->n; }
static inline float *ns__kg_rel(const ns_kg *m, int32_t id) { return m->R + (size_t)id * (size_t)m->nrel; }

#define NS_PI 3.14159265358979323846

/* The distance of the scorer (NS_DIST_*), or -1 for a dot product. */
int ns__kg_metric(const ns_kg *m);

/* RotatE: cs[0..half) = cos theta, cs[half..2 half) = sin theta of a
 * relation row. Other scorers ignore cs. */
void ns__kg_phases(const ns_kg *m, const float *rel, float *cs);

/* q (n floats) from the known entity x and the relation (see above). */
void ns__kg_query(const ns_kg *m, int side, const float *x, const float *rel, const float *cs, float *q);
/* Given gq = dL/dq, adds dL/dx to gx and dL/drel to grel. */
void ns__kg_query_back(const ns_kg *m, int side, const float *x, const float *rel, const float *cs, const float *gq,
                       float *gx, float *grel);

/* f from the raw kernel value (dot product or distance). */
static inline float ns__kg_f(int metric, float raw) { return metric < 0 ? raw : -raw; }

/* Allocates the tables (zeroed) and optimiser state for copies of the
 * vocabularies (taken over: freed with the model, also on failure). */
ns_status ns__kg_alloc(ns_kg **out, ns_vocab *ents, ns_vocab *rels, const ns_kg_opts *o, ns_error *err);
/* The bytes of the tables and moments ns__kg_alloc makes (as the file
 * holds them), to check a file's size before allocating. */
double ns__kg_state_bytes(const ns_kg_opts *o, int32_t ne, int32_t nr);

#endif
