/*
 * _core.c - the CPython extension under the negsamp package: thin types
 * over the C library's objects (options, corpus, word model, recommender,
 * knowledge-graph model) and its calls. Everything the package does is
 * done by the library; this file converts arguments, raises the library's
 * errors as exceptions, releases the GIL while the library works, and
 * turns progress reports into Python callbacks (and Ctrl-C into a
 * cancelled run that leaves the model usable).
 *
 * Tables are exported through the buffer protocol (a 2-d float32 view with
 * the row stride of the library's padded rows), so numpy.asarray(table)
 * shares memory with the model; a view keeps its model alive.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "negsamp.h"
#include "tasks/kg/kg.h" /* the layout of the tables, for views */
#include "loss/loss.h"     /* the losses, as building blocks */
#include "sample/sample.h" /* the alias sampler */
#include "eval/emb.h"      /* queries without the n-gram rows */

#include <stdlib.h>
#include <string.h>

/* ---- errors ------------------------------------------------------------ */

/* The module's exception classes, created once when it is imported. */
typedef struct core_state {
    PyObject *error, *invalid, *file_error, *format_error, *empty_error, *diverged;
} core_state;

static struct PyModuleDef core_def;

static core_state *state_of(PyObject *module) { return PyModule_GetState(module); }

/* Raises the library's error as a subclass of negsamp.Error:
 * InvalidError (a ValueError) for a bad argument or option, FileError (an
 * OSError) for a file that cannot be read or written, FormatError (a
 * ValueError) for a malformed one, EmptyError, Diverged (an
 * ArithmeticError); MemoryError for memory. The message is the library's
 * ("file:line: problem"); the exception's `status` is the ns_status. */
static PyObject *raise_ns(ns_status s, const ns_error *err) {
    PyObject *mod = PyState_FindModule(&core_def);
    if (!mod) {
        PyErr_SetString(PyExc_RuntimeError, "negsamp._core is not initialised");
        return NULL;
    }
    core_state *st = state_of(mod);
    PyObject *type = st->error;
    switch (s) {
    case NS_EINVAL: type = st->invalid; break;
    case NS_ENOMEM: type = PyExc_MemoryError; break;
    case NS_EIO: type = st->file_error; break;
    case NS_EFORMAT: type = st->format_error; break;
    case NS_EEMPTY: type = st->empty_error; break;
    case NS_EDIVERGED: type = st->diverged; break;
    case NS_ECANCELED: type = PyExc_KeyboardInterrupt; break;
    default: break;
    }
    const char *msg = err && err->msg[0] ? err->msg : ns_status_str(s);
    PyObject *text = PyUnicode_DecodeUTF8(msg, (Py_ssize_t)strlen(msg), "backslashreplace"); /* file names */
    PyObject *exc = text ? PyObject_CallOneArg(type, text) : NULL;
    Py_XDECREF(text);
    if (!exc) return NULL;
    PyObject *code = PyLong_FromLong((long)s);
    if (code) PyObject_SetAttrString(exc, "status", code);
    Py_XDECREF(code);
    PyErr_SetObject(type, exc);
    Py_DECREF(exc);
    return NULL;
}

/* ---- tasks and options ------------------------------------------------- */

static const struct {
    const char *name;
    ns_task task;
} task_names[] = {
    {"skipgram", NS_TASK_SKIPGRAM}, {"cbow", NS_TASK_CBOW}, {"pairs", NS_TASK_PAIRS},
    {"rec", NS_TASK_REC},           {"kg", NS_TASK_KG},     {"graph", NS_TASK_GRAPH},
};

static int task_parse(const char *name, ns_task *out) {
    for (size_t i = 0; i < sizeof task_names / sizeof task_names[0]; i++)
        if (strcmp(task_names[i].name, name) == 0) return *out = task_names[i].task, 1;
    PyErr_Format(PyExc_ValueError, "unknown task '%s' (skipgram, cbow, pairs, rec, kg, graph)", name);
    return 0;
}

static const char *task_name(ns_task t) {
    for (size_t i = 0; i < sizeof task_names / sizeof task_names[0]; i++)
        if (task_names[i].task == t) return task_names[i].name;
    return "?";
}

/* Options: one task's ns_opts, set by name as the command line sets them. */
typedef struct {
    PyObject_HEAD ns_opts o;
} OptionsObject;

static PyTypeObject OptionsType;

/* A new Options object, for a copy or a model's options (ns_opts_from_*). */
static OptionsObject *options_alloc(void) { return (OptionsObject *)OptionsType.tp_alloc(&OptionsType, 0); }

static PyObject *options_new(PyTypeObject *type, PyObject *args, PyObject *kw) {
    static char *names[] = {"task", NULL};
    const char *task;
    ns_task t;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "s", names, &task) || !task_parse(task, &t)) return NULL;
    OptionsObject *self = (OptionsObject *)type->tp_alloc(type, 0);
    if (self) ns_opts_default(&self->o, t);
    return (PyObject *)self;
}

static PyObject *options_set(OptionsObject *self, PyObject *args) {
    const char *name, *value = NULL;
    if (!PyArg_ParseTuple(args, "sz", &name, &value)) return NULL;
    ns_error err;
    ns_status s = ns_opts_set(&self->o, name, value, &err);
    if (s != NS_OK) return raise_ns(s, &err);
    Py_RETURN_NONE;
}

static PyObject *options_get(OptionsObject *self, PyObject *args) {
    const char *name;
    if (!PyArg_ParseTuple(args, "s", &name)) return NULL;
    char buf[1024];
    ns_error err;
    ns_status s = ns_opts_get(&self->o, name, buf, sizeof buf, &err);
    if (s != NS_OK) return raise_ns(s, &err);
    return PyUnicode_FromString(buf);
}

static PyObject *options_given(OptionsObject *self, PyObject *args) {
    const char *name;
    if (!PyArg_ParseTuple(args, "s", &name)) return NULL;
    return PyBool_FromLong(ns_opts_given(&self->o, name));
}

static PyObject *options_check(OptionsObject *self, PyObject *unused) {
    (void)unused;
    ns_error err;
    ns_status s = ns_opts_check(&self->o, &err);
    if (s != NS_OK) return raise_ns(s, &err);
    Py_RETURN_NONE;
}

static PyObject *options_check_unvalidated(OptionsObject *self, PyObject *unused) {
    (void)unused;
    ns_error err;
    ns_status s = ns_opts_check_unvalidated(&self->o, NULL, NULL, &err);
    if (s != NS_OK) return raise_ns(s, &err);
    Py_RETURN_NONE;
}

static PyObject *options_copy(OptionsObject *self, PyObject *unused) {
    (void)unused;
    OptionsObject *c = options_alloc();
    if (c) c->o = self->o;
    return (PyObject *)c;
}

static PyObject *options_task(OptionsObject *self, void *unused) {
    (void)unused;
    return PyUnicode_FromString(task_name(self->o.task));
}

static PyMethodDef options_methods[] = {
    {"set", (PyCFunction)options_set, METH_VARARGS, "set(name, value): sets an option from text (None: a flag)"},
    {"get", (PyCFunction)options_get, METH_VARARGS, "get(name) -> str: the value as text"},
    {"given", (PyCFunction)options_given, METH_VARARGS, "given(name) -> bool: whether it was set"},
    {"check", (PyCFunction)options_check, METH_NOARGS, "derives the dependent defaults and checks every range"},
    {"check_unvalidated", (PyCFunction)options_check_unvalidated, METH_NOARGS,
     "for a run without validation data: refuses the validation options that were set"},
    {"copy", (PyCFunction)options_copy, METH_NOARGS, "an independent copy"},
    {NULL, NULL, 0, NULL}};

static PyGetSetDef options_getset[] = {{"task", (getter)options_task, NULL, "the task's name", NULL},
                                       {NULL, NULL, NULL, NULL, NULL}};

static PyTypeObject OptionsType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "negsamp._core.Options",
    .tp_basicsize = sizeof(OptionsObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Options(task): one task's training options, with the library's defaults",
    .tp_new = options_new,
    .tp_methods = options_methods,
    .tp_getset = options_getset,
};

static const char *kind_name(ns_opt_kind k) {
    switch (k) {
    case NS_OPT_INT: return "int";
    case NS_OPT_REAL: return "real";
    case NS_OPT_FLAG: return "flag";
    case NS_OPT_CHOICE: return "choice";
    default: return "text";
    }
}

/* option_table(task): (name, aliases, kind, arg, help, choices, default)
 * for every option of the task, in the library's order. */
static PyObject *option_table(PyObject *mod, PyObject *args) {
    (void)mod;
    const char *task;
    ns_task t;
    if (!PyArg_ParseTuple(args, "s", &task) || !task_parse(task, &t)) return NULL;
    ns_opts o;
    ns_opts_default(&o, t);
    int n = ns_opts_count(t);
    PyObject *list = PyList_New(n);
    for (int i = 0; list && i < n; i++) {
        const ns_opt_info *info = ns_opts_info(t, i);
        char buf[1024];
        if (ns_opts_get(&o, info->name, buf, sizeof buf, NULL) != NS_OK) buf[0] = 0;
        PyObject *row = Py_BuildValue("(ssssszs)", info->name, info->aliases, kind_name(info->kind), info->arg,
                                      info->help, info->choices, buf);
        if (!row) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, i, row);
    }
    return list;
}

/* ---- training calls: the GIL, progress, Ctrl-C --------------------------- */

/* What a progress report needs while the library works without the GIL. */
typedef struct run_ctx {
    PyObject *callback;  /* may be NULL */
    PyThreadState *ts;   /* the thread's state while the GIL is released */
    int failed;          /* a Python exception is set (Ctrl-C, the callback) */
} run_ctx;

static PyObject *progress_dict(const ns_progress *p) {
    PyObject *d = Py_BuildValue(
        "{s:s,s:L,s:L,s:d,s:i,s:i,s:d,s:d,s:d,s:d,s:d,s:i,s:d,s:O,s:d,s:d,s:L,s:O,s:O}", "unit", p->unit ? p->unit : "",
        "done", (long long)p->done, "total", (long long)p->total, "fraction", p->fraction, "epoch", p->epoch, "epochs",
        p->epochs, "lr", p->lr, "units_per_sec", p->units_per_sec, "loss", p->loss, "elapsed_sec", p->elapsed_sec,
        "eta_sec", p->eta_sec, "epoch_done", p->epoch_done, "epoch_loss", p->epoch_loss, "paused",
        p->paused ? Py_True : Py_False, "valid", p->valid, "best", p->best, "best_at", (long long)p->best_at,
        "stop_early", p->stop_early ? Py_True : Py_False, "checkpointed", p->checkpointed ? Py_True : Py_False);
    if (d && p->metric) {
        PyObject *m = PyUnicode_FromString(p->metric);
        if (!m || PyDict_SetItemString(d, "metric", m) < 0) Py_CLEAR(d);
        Py_XDECREF(m);
    }
    return d;
}

/* Called by the library in the thread that called the trainer: takes the
 * GIL, runs pending signal handlers (Ctrl-C raises KeyboardInterrupt
 * there) and the callback; a raised exception, or a callback returning
 * True, stops the run. */
static int on_progress(const ns_progress *p, void *user) {
    run_ctx *c = user;
    if (c->failed) return 1;
    PyEval_RestoreThread(c->ts);
    int stop = 0;
    if (PyErr_CheckSignals() < 0) stop = c->failed = 1;
    if (!stop && c->callback) {
        PyObject *d = progress_dict(p), *r = d ? PyObject_CallOneArg(c->callback, d) : NULL;
        if (!r) stop = c->failed = 1;
        else stop = PyObject_IsTrue(r) == 1;
        Py_XDECREF(d);
        Py_XDECREF(r);
    }
    c->ts = PyEval_SaveThread();
    return stop;
}

/* Marks a model as training; a second train call on it (from another
 * thread, while the first runs without the GIL) is refused. */
static int claim(int *busy) {
    if (*busy) {
        PyErr_SetString(PyExc_RuntimeError, "this model is already training (in another thread)");
        return 0;
    }
    return *busy = 1;
}

/* The end of a training call: a Python exception raised during it wins
 * over the library's NS_ECANCELED; a stop the callback asked for is not an
 * error. */
static PyObject *run_result(const run_ctx *c, ns_status s, const ns_error *err) {
    if (c->failed) return NULL;
    if (s == NS_ECANCELED) Py_RETURN_FALSE;
    if (s != NS_OK) return raise_ns(s, err);
    Py_RETURN_TRUE;
}

/* The hooks of a run: reports to on_progress every `every` seconds, and
 * checkpoints to `checkpoint` (may be NULL) by the options'
 * checkpoint-every. */
static ns_train_hooks hooks_for(run_ctx *c, double every, const ns_opts *o, const char *checkpoint) {
    return (ns_train_hooks){on_progress, c, every > 0 ? every : 0.1, checkpoint,
                            checkpoint ? o->checkpoint_every : 0, checkpoint ? o->checkpoint_seconds : 0};
}

/* A training call's start and end: claims the model (a second train call
 * on it, from another thread while this one runs, is refused) and
 * releases the GIL; gives both back. */
static int train_begin(run_ctx *c, int *busy) {
    if (!claim(busy)) return 0;
    c->ts = PyEval_SaveThread();
    return 1;
}

static void train_end(run_ctx *c, int *busy) {
    PyEval_RestoreThread(c->ts);
    *busy = 0;
}

/* ---- arguments --------------------------------------------------------- */

/* An optional path argument: NULL for None. */
static int opt_path(PyObject *obj, PyObject **out) {
    *out = NULL;
    return obj == Py_None || PyUnicode_FSConverter(obj, out);
}

/* Parses one path argument and runs fn(obj, path, err) on it without the
 * GIL: 0, or -1 with the library's error raised. Every load and save. */
static int with_path(PyObject *args, ns_status (*fn)(void *obj, const char *path, ns_error *err), void *obj) {
    PyObject *path;
    if (!PyArg_ParseTuple(args, "O&", PyUnicode_FSConverter, &path)) return -1;
    ns_error err;
    ns_status s;
    Py_BEGIN_ALLOW_THREADS
    s = fn(obj, PyBytes_AS_STRING(path), &err);
    Py_END_ALLOW_THREADS
    Py_DECREF(path);
    if (s != NS_OK) return raise_ns(s, &err), -1;
    return 0;
}

/* The ints of a sequence (None: none) into out[0..cap): their count, or
 * -1 with an error naming `what`. */
static int ints_of(PyObject *obj, int32_t *out, Py_ssize_t cap, const char *what) {
    if (!obj || obj == Py_None) return 0;
    PyObject *seq = PySequence_Fast(obj, what);
    if (!seq) return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    if (n > cap) {
        PyErr_Format(PyExc_ValueError, "%s: at most %zd", what, cap);
        n = -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        long v = PyLong_AsLong(PySequence_Fast_GET_ITEM(seq, i));
        if (v == -1 && PyErr_Occurred()) {
            n = -1;
            break;
        }
        out[i] = (int32_t)v;
    }
    Py_DECREF(seq);
    return (int)n;
}

/* Room for the k (>= 1) best of `avail` answers: *kk = min(k, avail);
 * NULL with an error for k < 1 or no memory. */
static ns_hit *hits_for(int k, int32_t avail, int32_t *kk) {
    if (k < 1) {
        PyErr_SetString(PyExc_ValueError, "k must be at least 1");
        return NULL;
    }
    *kk = k < avail ? k : avail;
    ns_hit *hits = PyMem_Malloc((size_t)(*kk > 0 ? *kk : 1) * sizeof *hits);
    if (!hits) PyErr_NoMemory();
    return hits;
}

/* ---- tables as buffers ------------------------------------------------- */

/* A 2-d float32 view of rows of a table the owner holds (rows `stride`
 * bytes apart); keeps the owner alive. */
typedef struct {
    PyObject_HEAD PyObject *owner;
    float *base;
    Py_ssize_t shape[2], strides[2];
} TableObject;

static PyTypeObject TableType;

static PyObject *table_new(PyObject *owner, float *base, Py_ssize_t rows, Py_ssize_t cols, Py_ssize_t stride) {
    TableObject *t = (TableObject *)TableType.tp_alloc(&TableType, 0);
    if (!t) return NULL;
    Py_INCREF(owner);
    t->owner = owner, t->base = base;
    t->shape[0] = rows, t->shape[1] = cols;
    t->strides[0] = stride * (Py_ssize_t)sizeof(float), t->strides[1] = sizeof(float);
    return (PyObject *)t;
}

static void table_dealloc(TableObject *t) {
    Py_XDECREF(t->owner);
    Py_TYPE(t)->tp_free((PyObject *)t);
}

static int table_getbuffer(TableObject *t, Py_buffer *view, int flags) {
    static float empty;
    if (!(flags & PyBUF_STRIDES) && t->shape[0] > 1 && t->strides[0] != t->shape[1] * (Py_ssize_t)sizeof(float)) {
        PyErr_SetString(PyExc_BufferError, "the table's rows are padded: ask for a strided buffer");
        return -1;
    }
    view->obj = (PyObject *)t;
    Py_INCREF(t);
    view->buf = t->base ? (void *)t->base : &empty;
    view->len = t->shape[0] * t->shape[1] * (Py_ssize_t)sizeof(float);
    view->readonly = 0;
    view->itemsize = sizeof(float);
    view->format = (flags & PyBUF_FORMAT) ? "f" : NULL;
    view->ndim = 2;
    view->shape = t->shape;
    view->strides = t->strides;
    view->suboffsets = NULL;
    view->internal = NULL;
    return 0;
}

static PyBufferProcs table_buffer = {(getbufferproc)table_getbuffer, NULL};

static PyTypeObject TableType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "negsamp._core.Table",
    .tp_basicsize = sizeof(TableObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "rows of a model's table as a float32 buffer (numpy.asarray shares its memory)",
    .tp_dealloc = (destructor)table_dealloc,
    .tp_as_buffer = &table_buffer,
};

/* The rows of a table whose row i starts at row(i): a view when they are
 * evenly spaced (the library's tables are), else NULL with an error. */
static PyObject *table_of(PyObject *owner, float *first, float *second, float *last, Py_ssize_t rows,
                          Py_ssize_t cols) {
    Py_ssize_t stride = rows > 1 ? second - first : cols;
    if (rows > 1 && (stride < cols || last != first + (rows - 1) * stride)) {
        PyErr_SetString(PyExc_RuntimeError, "negsamp: the table's rows are not evenly spaced");
        return NULL;
    }
    return table_new(owner, first, rows, cols, stride);
}

/* ---- vocabularies ------------------------------------------------------ */

static PyObject *vocab_words(const ns_vocab *v) {
    int32_t n = v ? ns_vocab_size(v) : 0;
    PyObject *list = PyList_New(n);
    for (int32_t i = 0; list && i < n; i++) {
        PyObject *w = PyUnicode_DecodeUTF8(ns_vocab_word(v, i), (Py_ssize_t)strlen(ns_vocab_word(v, i)), "surrogateescape");
        if (!w) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, i, w);
    }
    return list;
}

static PyObject *vocab_counts(const ns_vocab *v) {
    int32_t n = v ? ns_vocab_size(v) : 0;
    PyObject *list = PyList_New(n);
    for (int32_t i = 0; list && i < n; i++) {
        PyObject *c = PyLong_FromLongLong(ns_vocab_count(v, i));
        if (!c) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, i, c);
    }
    return list;
}

static PyObject *hits_list(const ns_hit *hits, int32_t n) {
    PyObject *list = PyList_New(n);
    for (int32_t i = 0; list && i < n; i++) {
        PyObject *h = Py_BuildValue("(if)", hits[i].id, hits[i].score);
        if (!h) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, i, h);
    }
    return list;
}

/* ---- corpus ------------------------------------------------------------ */

typedef struct {
    PyObject_HEAD ns_corpus *c;
} CorpusObject;

static PyTypeObject CorpusType, WordModelType;

typedef struct {
    PyObject_HEAD ns_model *m;
    int busy; /* a train call is under way (without the GIL) */
} WordModelObject;

static void corpus_dealloc(CorpusObject *c) {
    ns_corpus_free(c->c);
    Py_TYPE(c)->tp_free((PyObject *)c);
}

/* Corpus(path, options, base=None, resume=False): the text read as the
 * options' task reads it; over a model's words with `base` (its words keep
 * their ids; with resume exactly as that model's run read it). */
static PyObject *corpus_new(PyTypeObject *type, PyObject *args, PyObject *kw) {
    static char *names[] = {"path", "options", "base", "resume", NULL};
    PyObject *path_obj, *base = Py_None;
    OptionsObject *o;
    int resume = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O&O!|Op", names, PyUnicode_FSConverter, &path_obj, &OptionsType, &o,
                                     &base, &resume))
        return NULL;
    if (base != Py_None && !PyObject_TypeCheck(base, &WordModelType)) {
        Py_DECREF(path_obj);
        PyErr_SetString(PyExc_TypeError, "base must be a word model");
        return NULL;
    }
    ns_corpus_opts co = o->o.corpus;
    if (resume) co.fixed_vocab = 1;
    const ns_vocab *bv = base != Py_None ? ns_model_vocab(((WordModelObject *)base)->m) : NULL;
    ns_corpus *c = NULL;
    ns_error err;
    ns_status s;
    Py_BEGIN_ALLOW_THREADS
    s = ns_corpus_load(&c, PyBytes_AS_STRING(path_obj), &co, bv, &err);
    Py_END_ALLOW_THREADS
    Py_DECREF(path_obj);
    if (s != NS_OK) return raise_ns(s, &err);
    CorpusObject *self = (CorpusObject *)type->tp_alloc(type, 0);
    if (!self) {
        ns_corpus_free(c);
        return NULL;
    }
    self->c = c;
    return (PyObject *)self;
}

static PyObject *corpus_tokens(CorpusObject *c, void *u) {
    (void)u;
    return PyLong_FromLongLong(ns_corpus_tokens(c->c));
}
static PyObject *corpus_sentences(CorpusObject *c, void *u) {
    (void)u;
    return PyLong_FromLongLong(ns_corpus_sentences(c->c));
}
static PyObject *corpus_words(CorpusObject *c, void *u) {
    (void)u;
    return vocab_words(ns_corpus_vocab(c->c));
}

static PyGetSetDef corpus_getset[] = {
    {"tokens", (getter)corpus_tokens, NULL, "tokens kept", NULL},
    {"sentences", (getter)corpus_sentences, NULL, "sentences", NULL},
    {"words", (getter)corpus_words, NULL, "the vocabulary, by id", NULL},
    {NULL, NULL, NULL, NULL, NULL}};

static PyTypeObject CorpusType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "negsamp._core.Corpus",
    .tp_basicsize = sizeof(CorpusObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Corpus(path, options, base=None, resume=False): a tokenised text in memory",
    .tp_new = corpus_new,
    .tp_dealloc = (destructor)corpus_dealloc,
    .tp_getset = corpus_getset,
};

/* ---- word and pair models ---------------------------------------------- */

static void wordmodel_dealloc(WordModelObject *w) {
    ns_model_free(w->m);
    Py_TYPE(w)->tp_free((PyObject *)w);
}

static PyObject *wordmodel_wrap(ns_model *m) {
    WordModelObject *w = (WordModelObject *)WordModelType.tp_alloc(&WordModelType, 0);
    if (!w) {
        ns_model_free(m);
        return NULL;
    }
    w->m = m;
    return (PyObject *)w;
}

/* WordModel.create(corpus, options): a fresh model over the corpus's words. */
static PyObject *wordmodel_create(PyObject *cls, PyObject *args) {
    (void)cls;
    CorpusObject *c;
    OptionsObject *o;
    if (!PyArg_ParseTuple(args, "O!O!", &CorpusType, &c, &OptionsType, &o)) return NULL;
    ns_model *m = NULL;
    ns_error err;
    ns_status s = ns_model_create(&m, ns_corpus_vocab(c->c), &o->o.train, &err);
    if (s != NS_OK) return raise_ns(s, &err);
    return wordmodel_wrap(m);
}

static ns_status load_model(void *out, const char *path, ns_error *err) { return ns_model_load(out, path, err); }

/* WordModel.load(path): a .model file of skipgram, cbow or pairs-train. */
static PyObject *wordmodel_load(PyObject *cls, PyObject *args) {
    (void)cls;
    ns_model *m = NULL;
    return with_path(args, load_model, &m) < 0 ? NULL : wordmodel_wrap(m);
}

/* train(corpus, options, valid=None, progress=None, report_every=0.1,
 * checkpoint=None): True when done, False when the callback asked to
 * stop; Ctrl-C raises KeyboardInterrupt with the model where the workers
 * stopped. */
static PyObject *wordmodel_train(WordModelObject *w, PyObject *args, PyObject *kw) {
    static char *names[] = {"corpus", "options", "valid", "progress", "report_every", "checkpoint", "noise_file", NULL};
    CorpusObject *c;
    OptionsObject *o;
    PyObject *valid_obj = Py_None, *valid = NULL, *cb = Py_None, *ck_obj = Py_None, *ck = NULL, *nf_obj = Py_None;
    PyObject *nf = NULL;
    double every = 0.1;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O!O!|OOdOO", names, &CorpusType, &c, &OptionsType, &o, &valid_obj,
                                     &cb, &every, &ck_obj, &nf_obj))
        return NULL;
    if (!opt_path(valid_obj, &valid)) return NULL;
    if (!opt_path(ck_obj, &ck) || !opt_path(nf_obj, &nf)) {
        Py_XDECREF(valid), Py_XDECREF(ck);
        return NULL;
    }
    run_ctx ctx = {cb != Py_None ? cb : NULL, NULL, 0};
    ns_train_hooks h = hooks_for(&ctx, every, &o->o, ck ? PyBytes_AS_STRING(ck) : NULL);
    ns_train_opts to = o->o.train;
    double *noise = NULL;
    int64_t unknown = 0;
    ns_error err;
    ns_status s = NS_OK;
    if (!train_begin(&ctx, &w->busy)) {
        Py_XDECREF(valid), Py_XDECREF(ck), Py_XDECREF(nf);
        return NULL;
    }
    if (nf) s = ns_noise_weights_load(ns_model_vocab(w->m), PyBytes_AS_STRING(nf), &noise, &unknown, &err);
    to.noise_weights = noise;
    if (s == NS_OK) s = ns_train_words(w->m, c->c, valid ? PyBytes_AS_STRING(valid) : NULL, &to, &h, &err);
    train_end(&ctx, &w->busy);
    free(noise);
    Py_XDECREF(valid), Py_XDECREF(ck), Py_XDECREF(nf);
    return run_result(&ctx, s, &err);
}

static ns_status save_model(void *m, const char *p, ns_error *e) { return ns_model_save(m, p, e); }
static ns_status export_vec(void *m, const char *p, ns_error *e) { return ns_model_export_vec(m, p, e); }
static ns_status export_bin(void *m, const char *p, ns_error *e) { return ns_model_export_bin(m, p, e); }
static ns_status export_out_vec(void *m, const char *p, ns_error *e) { return ns_model_export_out_vec(m, p, e); }
static ns_status export_fasttext(void *m, const char *p, ns_error *e) { return ns_model_export_fasttext(m, p, e); }

static PyObject *none_or_null(int rc) {
    if (rc < 0) return NULL;
    Py_RETURN_NONE;
}

static PyObject *wordmodel_save(WordModelObject *w, PyObject *a) { return none_or_null(with_path(a, save_model, w->m)); }
static PyObject *wordmodel_export_vec(WordModelObject *w, PyObject *a) {
    return none_or_null(with_path(a, export_vec, w->m));
}
static PyObject *wordmodel_export_bin(WordModelObject *w, PyObject *a) {
    return none_or_null(with_path(a, export_bin, w->m));
}
static PyObject *wordmodel_export_out_vec(WordModelObject *w, PyObject *a) {
    return none_or_null(with_path(a, export_out_vec, w->m));
}

static PyObject *wordmodel_export_fasttext(WordModelObject *w, PyObject *a) {
    return none_or_null(with_path(a, export_fasttext, w->m));
}

/* word_vector(word) -> (bytes of dim float32, rows averaged): any word's
 * input vector (ns_model_word_vector; 0 rows: zeros, no vector). */
static PyObject *wordmodel_word_vector(WordModelObject *w, PyObject *args) {
    const char *word;
    Py_ssize_t len;
    if (!PyArg_ParseTuple(args, "s#", &word, &len)) return NULL;
    PyObject *b = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)ns_model_dim(w->m) * (Py_ssize_t)sizeof(float));
    if (!b) return NULL;
    int n = ns_model_word_vector(w->m, word, (size_t)len, (float *)PyBytes_AS_STRING(b));
    return Py_BuildValue("(Ni)", b, n);
}

/* word_vectors() -> bytes of words x dim float32: every word's vector
 * (with subwords the mean of its bag), in id order. */
static PyObject *wordmodel_word_vectors(WordModelObject *w, PyObject *u) {
    (void)u;
    const ns_vocab *v = ns_model_vocab(w->m);
    int32_t n = ns_vocab_size(v), dim = ns_model_dim(w->m);
    PyObject *b = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)n * dim * (Py_ssize_t)sizeof(float));
    if (!b) return NULL;
    float *out = (float *)PyBytes_AS_STRING(b);
    Py_BEGIN_ALLOW_THREADS
    for (int32_t i = 0; i < n; i++) {
        const char *word = ns_vocab_word(v, i);
        ns_model_word_vector(w->m, word, strlen(word), out + (size_t)i * (size_t)dim);
    }
    Py_END_ALLOW_THREADS
    return b;
}

/* table(which): the input (0) or output (1) rows. */
static PyObject *wordmodel_table(WordModelObject *w, PyObject *args) {
    int which;
    if (!PyArg_ParseTuple(args, "i", &which)) return NULL;
    if (which != 0 && which != 1) {
        PyErr_SetString(PyExc_ValueError, "which: 0 (input) or 1 (output)");
        return NULL;
    }
    const ns_vocab *v = which ? ns_model_vocab_out(w->m) : ns_model_vocab(w->m);
    int32_t rows = ns_vocab_size(v);
    return table_of((PyObject *)w, ns_model_row(w->m, which, 0), ns_model_row(w->m, which, rows > 1 ? 1 : 0),
                    ns_model_row(w->m, which, rows - 1), rows, ns_model_dim(w->m));
}

static PyObject *wordmodel_words(WordModelObject *w, PyObject *args) {
    int which = 0;
    if (!PyArg_ParseTuple(args, "|i", &which)) return NULL;
    return vocab_words(which ? ns_model_vocab_out(w->m) : ns_model_vocab(w->m));
}

static PyObject *wordmodel_counts(WordModelObject *w, PyObject *args) {
    int which = 0;
    if (!PyArg_ParseTuple(args, "|i", &which)) return NULL;
    return vocab_counts(which ? ns_model_vocab_out(w->m) : ns_model_vocab(w->m));
}

static PyObject *wordmodel_options(WordModelObject *w, PyObject *unused) {
    (void)unused;
    OptionsObject *o = options_alloc();
    if (o) ns_opts_from_model(&o->o, w->m);
    return (PyObject *)o;
}

/* The model's input vectors for queries (copied and normalised; a query
 * sees the table as it is now, whatever was written into it), with the
 * n-gram rows (ngrams: evaluations answering unseen words) or without. */
static ns_emb *emb_now(WordModelObject *w, int ngrams) {
    ns_emb *e = NULL;
    ns_error err;
    ns_status s;
    Py_BEGIN_ALLOW_THREADS
    s = ns__emb_from_model(&e, w->m, ngrams, &err);
    Py_END_ALLOW_THREADS
    if (s != NS_OK) raise_ns(s, &err);
    return e;
}

/* nearest(query, k, exclude=()): the k rows closest by cosine to the
 * float32 vector `query` (a buffer of dim floats), as (id, score). */
static PyObject *wordmodel_nearest(WordModelObject *w, PyObject *args) {
    Py_buffer q;
    int k;
    PyObject *exclude = NULL;
    if (!PyArg_ParseTuple(args, "y*i|O", &q, &k, &exclude)) return NULL;
    PyObject *result = NULL;
    int32_t *ex = NULL, kk, n = 0;
    int nex = 0;
    ns_hit *hits = NULL;
    ns_emb *e = NULL;
    Py_ssize_t cap = exclude && exclude != Py_None ? PyObject_Length(exclude) : 0;
    if (q.len != (Py_ssize_t)ns_model_dim(w->m) * (Py_ssize_t)sizeof(float)) {
        PyErr_Format(PyExc_ValueError, "query: %zd bytes, the model's vectors have %d float32", q.len,
                     ns_model_dim(w->m));
        goto done;
    }
    if (cap < 0 || !(ex = PyMem_Malloc((size_t)(cap ? cap : 1) * sizeof *ex))) {
        if (cap >= 0) PyErr_NoMemory();
        goto done;
    }
    if ((nex = ints_of(exclude, ex, cap, "exclude (ids)")) < 0 ||
        !(hits = hits_for(k, ns_vocab_size(ns_model_vocab(w->m)), &kk)) || !(e = emb_now(w, 0)))
        goto done;
    ns_error err;
    ns_status s = kk ? ns_emb_nearest(e, q.buf, kk, ex, nex, hits, &n, &err) : NS_OK;
    result = s != NS_OK ? raise_ns(s, &err) : hits_list(hits, n);
done:
    ns_emb_free(e);
    PyMem_Free(hits);
    PyMem_Free(ex);
    PyBuffer_Release(&q);
    return result;
}

/* analogy(a, b, c, k, mul=False, restrict=0): a : b :: c : ? by ids. */
static PyObject *wordmodel_analogy(WordModelObject *w, PyObject *args) {
    int a, b, c, k, mul = 0, restrict_n = 0;
    if (!PyArg_ParseTuple(args, "iiii|pi", &a, &b, &c, &k, &mul, &restrict_n)) return NULL;
    int32_t kk, n = 0;
    ns_hit *hits = hits_for(k, ns_vocab_size(ns_model_vocab(w->m)), &kk);
    ns_emb *e = hits ? emb_now(w, 0) : NULL;
    PyObject *result = NULL;
    ns_error err;
    if (e) {
        ns_status s = kk ? ns_emb_analogy(e, a, b, c, mul ? NS_ANALOGY_MUL : NS_ANALOGY_ADD, restrict_n, kk, hits, &n,
                                          &err)
                         : NS_OK;
        result = s != NS_OK ? raise_ns(s, &err) : hits_list(hits, n);
    }
    PyMem_Free(hits);
    ns_emb_free(e);
    return result;
}

static PyObject *section_dict(const ns_analogy_section *s) {
    return Py_BuildValue("{s:s,s:L,s:L,s:L,s:L,s:L}", "name", s->name, "questions", (long long)s->questions,
                         "covered", (long long)s->covered, "correct_add", (long long)s->correct_add, "correct_mul",
                         (long long)s->correct_mul, "oov", (long long)s->oov);
}

/* eval_analogy(path, restrict=30000, case_sensitive=False, oov=True) -> dict. */
static PyObject *wordmodel_eval_analogy(WordModelObject *w, PyObject *args) {
    PyObject *path;
    int restrict_n = 30000, cs = 0, oov = 1;
    if (!PyArg_ParseTuple(args, "O&|ipp", PyUnicode_FSConverter, &path, &restrict_n, &cs, &oov)) return NULL;
    ns_emb *e = emb_now(w, oov);
    PyObject *result = NULL;
    if (e) {
        ns_analogy_report r;
        ns_error err;
        ns_status s;
        Py_BEGIN_ALLOW_THREADS
        s = ns_eval_analogy(e, PyBytes_AS_STRING(path), restrict_n, cs, &r, &err);
        Py_END_ALLOW_THREADS
        if (s != NS_OK) raise_ns(s, &err);
        else {
            PyObject *sections = PyList_New(r.n_sections);
            for (int32_t i = 0; sections && i < r.n_sections; i++) {
                PyObject *d = section_dict(&r.sections[i]);
                if (!d) {
                    Py_CLEAR(sections);
                    break;
                }
                PyList_SET_ITEM(sections, i, d);
            }
            PyObject *sem = section_dict(&r.semantic), *syn = section_dict(&r.syntactic), *tot = section_dict(&r.total);
            if (sections && sem && syn && tot)
                result = Py_BuildValue("{s:O,s:O,s:O,s:O}", "sections", sections, "semantic", sem, "syntactic", syn,
                                       "total", tot);
            Py_XDECREF(sections), Py_XDECREF(sem), Py_XDECREF(syn), Py_XDECREF(tot);
            ns_analogy_report_free(&r);
        }
        ns_emb_free(e);
    }
    Py_DECREF(path);
    return result;
}

/* eval_similarity(path, case_sensitive=False, oov=True) -> dict. */
static PyObject *wordmodel_eval_similarity(WordModelObject *w, PyObject *args) {
    PyObject *path;
    int cs = 0, oov = 1;
    if (!PyArg_ParseTuple(args, "O&|pp", PyUnicode_FSConverter, &path, &cs, &oov)) return NULL;
    ns_emb *e = emb_now(w, oov);
    PyObject *result = NULL;
    if (e) {
        ns_similarity_report r;
        ns_error err;
        ns_status s;
        Py_BEGIN_ALLOW_THREADS
        s = ns_eval_similarity(e, PyBytes_AS_STRING(path), cs, &r, &err);
        Py_END_ALLOW_THREADS
        if (s != NS_OK) raise_ns(s, &err);
        else result = Py_BuildValue("{s:L,s:L,s:d,s:d,s:L}", "pairs", (long long)r.pairs, "covered",
                                    (long long)r.covered, "spearman", r.spearman, "pearson", r.pearson, "oov",
                                    (long long)r.oov);
        ns_emb_free(e);
    }
    Py_DECREF(path);
    return result;
}

static PyObject *wordmodel_dim(WordModelObject *w, void *u) {
    (void)u;
    return PyLong_FromLong(ns_model_dim(w->m));
}

static PyObject *wordmodel_task(WordModelObject *w, void *u) {
    (void)u;
    return PyUnicode_FromString(task_name(ns_model_opts(w->m)->task));
}

/* Pair models' calls (below, with the pair data). */
static PyObject *wordmodel_create_pairs(PyObject *cls, PyObject *args);
static PyObject *wordmodel_train_pairs(WordModelObject *w, PyObject *args, PyObject *kw);
static PyObject *wordmodel_eval_pairs(WordModelObject *w, PyObject *args);

static PyMethodDef wordmodel_methods[] = {
    {"create", (PyCFunction)wordmodel_create, METH_VARARGS | METH_CLASS, "create(corpus, options): a fresh model"},
    {"load", (PyCFunction)wordmodel_load, METH_VARARGS | METH_CLASS, "load(path): a .model file"},
    {"create_pairs", (PyCFunction)wordmodel_create_pairs, METH_VARARGS | METH_CLASS,
     "create_pairs(data, options): a fresh pair model"},
    {"train_pairs", (PyCFunction)(void (*)(void))wordmodel_train_pairs, METH_VARARGS | METH_KEYWORDS,
     "train_pairs(data, options, valid=None, progress=None, report_every=0.1, checkpoint=None, noise_file=None) -> bool"},
    {"eval_pairs", (PyCFunction)wordmodel_eval_pairs, METH_VARARGS, "eval_pairs(test, filters=(), ks=(1, 10, 100))"},
    {"train", (PyCFunction)(void (*)(void))wordmodel_train, METH_VARARGS | METH_KEYWORDS,
     "train(corpus, options, valid=None, progress=None, report_every=0.1, checkpoint=None, noise_file=None) -> bool"},
    {"save", (PyCFunction)wordmodel_save, METH_VARARGS, "save(path): the .model file"},
    {"export_vec", (PyCFunction)wordmodel_export_vec, METH_VARARGS, "export_vec(path): word2vec text"},
    {"export_bin", (PyCFunction)wordmodel_export_bin, METH_VARARGS, "export_bin(path): word2vec binary"},
    {"export_out_vec", (PyCFunction)wordmodel_export_out_vec, METH_VARARGS, "export_out_vec(path): output vectors"},
    {"export_fasttext", (PyCFunction)wordmodel_export_fasttext, METH_VARARGS, "export_fasttext(path): fastText .bin"},
    {"word_vector", (PyCFunction)wordmodel_word_vector, METH_VARARGS,
     "word_vector(word) -> (bytes, rows): any word's input vector, n-grams for unseen words"},
    {"word_vectors", (PyCFunction)wordmodel_word_vectors, METH_NOARGS, "word_vectors() -> bytes: the words' vectors"},
    {"table", (PyCFunction)wordmodel_table, METH_VARARGS, "table(which): 0 input, 1 output rows"},
    {"words", (PyCFunction)wordmodel_words, METH_VARARGS, "words(which=0): the vocabulary by id"},
    {"counts", (PyCFunction)wordmodel_counts, METH_VARARGS, "counts(which=0): counts by id"},
    {"options", (PyCFunction)wordmodel_options, METH_NOARGS, "the options the model was trained with"},
    {"nearest", (PyCFunction)wordmodel_nearest, METH_VARARGS, "nearest(query, k, exclude=()) -> [(id, score)]"},
    {"analogy", (PyCFunction)wordmodel_analogy, METH_VARARGS, "analogy(a, b, c, k, mul=False, restrict=0)"},
    {"eval_analogy", (PyCFunction)wordmodel_eval_analogy, METH_VARARGS,
     "eval_analogy(path, restrict=30000, case_sensitive=False, oov=True) -> dict"},
    {"eval_similarity", (PyCFunction)wordmodel_eval_similarity, METH_VARARGS,
     "eval_similarity(path, case_sensitive=False, oov=True) -> dict"},
    {NULL, NULL, 0, NULL}};

static PyObject *wordmodel_subwords(WordModelObject *w, void *u) {
    (void)u;
    return PyBool_FromLong(ns_model_opts(w->m)->maxn > 0);
}

static PyGetSetDef wordmodel_getset[] = {{"dim", (getter)wordmodel_dim, NULL, "vector length", NULL},
                                         {"subwords", (getter)wordmodel_subwords, NULL, "whether it has n-grams", NULL},
                                         {"task", (getter)wordmodel_task, NULL, "the task it was trained for", NULL},
                                         {NULL, NULL, NULL, NULL, NULL}};

static PyTypeObject WordModelType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "negsamp._core.WordModel",
    .tp_basicsize = sizeof(WordModelObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "a word (or pair) model of the C library",
    .tp_dealloc = (destructor)wordmodel_dealloc,
    .tp_methods = wordmodel_methods,
    .tp_getset = wordmodel_getset,
};

/* ---- graphs ---------------------------------------------------------------- */

/* Graph(path, undirected=False): an edge list in memory. */
typedef struct {
    PyObject_HEAD ns_graph *g;
} GraphObject;

static PyTypeObject GraphType;

static void graph_dealloc(GraphObject *g) {
    ns_graph_free(g->g);
    Py_TYPE(g)->tp_free((PyObject *)g);
}

static PyObject *graph_new(PyTypeObject *type, PyObject *args, PyObject *kw) {
    static char *names[] = {"path", "undirected", NULL};
    PyObject *path;
    int undirected = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O&|p", names, PyUnicode_FSConverter, &path, &undirected)) return NULL;
    ns_graph *g = NULL;
    ns_error err;
    ns_status s;
    Py_BEGIN_ALLOW_THREADS
    s = ns_graph_load(&g, PyBytes_AS_STRING(path), undirected, &err);
    Py_END_ALLOW_THREADS
    Py_DECREF(path);
    if (s != NS_OK) return raise_ns(s, &err);
    GraphObject *self = (GraphObject *)type->tp_alloc(type, 0);
    if (!self) {
        ns_graph_free(g);
        return NULL;
    }
    self->g = g;
    return (PyObject *)self;
}

/* stats -> dict: what ns_graph_info counts. */
static PyObject *graph_stats(GraphObject *g, void *u) {
    (void)u;
    const ns_graph_stats *st = ns_graph_info(g->g);
    return Py_BuildValue("{s:L,s:L,s:L,s:L,s:L,s:i,s:i,s:O,s:O}", "lines", (long long)st->lines, "edges",
                         (long long)st->edges, "arcs", (long long)st->arcs, "self_loops", (long long)st->self_loops,
                         "duplicates", (long long)st->duplicates, "nodes", (int)st->nodes, "sinks", (int)st->sinks,
                         "weighted", st->weighted ? Py_True : Py_False, "undirected",
                         st->undirected ? Py_True : Py_False);
}

/* split(fraction, seed, prefix) -> edges removed (ns_graph_split). */
static PyObject *graph_split(GraphObject *g, PyObject *args) {
    double fraction;
    unsigned long long seed;
    PyObject *prefix;
    if (!PyArg_ParseTuple(args, "dKO&", &fraction, &seed, PyUnicode_FSConverter, &prefix)) return NULL;
    int64_t removed = 0;
    ns_error err;
    ns_status s;
    Py_BEGIN_ALLOW_THREADS
    s = ns_graph_split(g->g, fraction, (uint64_t)seed, PyBytes_AS_STRING(prefix), &removed, &err);
    Py_END_ALLOW_THREADS
    Py_DECREF(prefix);
    return s == NS_OK ? PyLong_FromLongLong(removed) : raise_ns(s, &err);
}

static PyMethodDef graph_methods[] = {
    {"split", (PyCFunction)graph_split, METH_VARARGS, "split(fraction, seed, prefix) -> edges removed"},
    {NULL, NULL, 0, NULL}};

static PyGetSetDef graph_getset[] = {{"stats", (getter)graph_stats, NULL, "what reading counted", NULL},
                                     {NULL, NULL, NULL, NULL, NULL}};

static PyTypeObject GraphType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "negsamp._core.Graph",
    .tp_basicsize = sizeof(GraphObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Graph(path, undirected=False): an edge list in memory",
    .tp_new = graph_new,
    .tp_dealloc = (destructor)graph_dealloc,
    .tp_methods = graph_methods,
    .tp_getset = graph_getset,
};

/* train_graph(graph, options, model=None, progress=None, report_every=0.1,
 * checkpoint=None) -> (model, finished): trains `model` (a WordModel over
 * the graph's nodes) or, when None, a new one (ns_graph_train). finished
 * is False when the callback asked to stop; Ctrl-C raises
 * KeyboardInterrupt. */
static PyObject *train_graph(PyObject *mod, PyObject *args, PyObject *kw) {
    (void)mod;
    static char *names[] = {"graph", "options", "model", "progress", "report_every", "checkpoint", NULL};
    GraphObject *g;
    OptionsObject *o;
    PyObject *model = Py_None, *cb = Py_None, *ck_obj = Py_None, *ck = NULL;
    double every = 0.1;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O!O!|OOdO", names, &GraphType, &g, &OptionsType, &o, &model, &cb,
                                     &every, &ck_obj))
        return NULL;
    if (model != Py_None && !PyObject_TypeCheck(model, &WordModelType)) {
        PyErr_SetString(PyExc_TypeError, "model must be a WordModel");
        return NULL;
    }
    if (o->o.task != NS_TASK_GRAPH) {
        PyErr_SetString(PyExc_ValueError, "options must be the graph task's");
        return NULL;
    }
    if (!opt_path(ck_obj, &ck)) return NULL;
    WordModelObject *w = model != Py_None ? (WordModelObject *)model : NULL;
    int busy = 0;
    ns_model *fresh = NULL, **mp = w ? &w->m : &fresh;
    run_ctx ctx = {cb != Py_None ? cb : NULL, NULL, 0};
    ns_train_hooks h = hooks_for(&ctx, every, &o->o, ck ? PyBytes_AS_STRING(ck) : NULL);
    ns_error err;
    if (!train_begin(&ctx, w ? &w->busy : &busy)) {
        Py_XDECREF(ck);
        return NULL;
    }
    ns_status s = ns_graph_train(mp, g->g, &o->o.graph, &o->o.train, &h, &err);
    train_end(&ctx, w ? &w->busy : &busy);
    Py_XDECREF(ck);
    PyObject *done = run_result(&ctx, s, &err);
    if (!done) {
        ns_model_free(fresh);
        return NULL;
    }
    PyObject *out = w ? Py_NewRef(model) : fresh ? wordmodel_wrap(fresh) : Py_NewRef(Py_None);
    if (!out) {
        Py_DECREF(done);
        return NULL;
    }
    return Py_BuildValue("(NN)", out, done);
}

/* eval_nodes(model, labels, ratio, repeats, seed) -> dict
 * (ns_eval_nodeclass on the model's vectors). */
static PyObject *eval_nodes(PyObject *mod, PyObject *args) {
    (void)mod;
    WordModelObject *w;
    PyObject *labels;
    double ratio;
    int repeats;
    unsigned long long seed;
    if (!PyArg_ParseTuple(args, "O!O&diK", &WordModelType, &w, PyUnicode_FSConverter, &labels, &ratio, &repeats, &seed))
        return NULL;
    ns_emb *e = NULL;
    ns_nodeclass_report r;
    ns_error err;
    ns_status s;
    Py_BEGIN_ALLOW_THREADS
    s = ns_emb_from_model(&e, w->m, &err);
    if (s == NS_OK) s = ns_eval_nodeclass(e, PyBytes_AS_STRING(labels), ratio, repeats, (uint64_t)seed, &r, &err);
    ns_emb_free(e);
    Py_END_ALLOW_THREADS
    Py_DECREF(labels);
    if (s != NS_OK) return raise_ns(s, &err);
    return Py_BuildValue("{s:d,s:i,s:d,s:d,s:d,s:d,s:L,s:L,s:i,s:L}", "ratio", r.ratio, "repeats", (int)r.repeats,
                         "micro_f1", r.micro_f1, "macro_f1", r.macro_f1, "micro_sd", r.micro_sd, "macro_sd",
                         r.macro_sd, "train_nodes", (long long)r.train_nodes, "test_nodes", (long long)r.test_nodes,
                         "labels", (int)r.labels, "unknown", (long long)r.unknown);
}

/* eval_links(model, train_pairs, test_pairs, op) -> (auc, skipped). */
static PyObject *eval_links(PyObject *mod, PyObject *args) {
    (void)mod;
    WordModelObject *w;
    PyObject *tr, *te;
    int op;
    if (!PyArg_ParseTuple(args, "O!O&O&i", &WordModelType, &w, PyUnicode_FSConverter, &tr, PyUnicode_FSConverter, &te,
                          &op))
        return NULL;
    ns_emb *e = NULL;
    double auc = 0;
    int64_t skipped = 0;
    ns_error err;
    ns_status s;
    Py_BEGIN_ALLOW_THREADS
    s = ns_emb_from_model(&e, w->m, &err);
    if (s == NS_OK) s = ns_eval_links(e, PyBytes_AS_STRING(tr), PyBytes_AS_STRING(te), (ns_edge_op)op, &auc, &skipped, &err);
    ns_emb_free(e);
    Py_END_ALLOW_THREADS
    Py_DECREF(tr), Py_DECREF(te);
    if (s != NS_OK) return raise_ns(s, &err);
    return Py_BuildValue("(dL)", auc, (long long)skipped);
}

/* ---- pair models --------------------------------------------------------- */

/* PairData(path, options, model=None): "left<TAB>right[<TAB>negative...]"
 * lines, over a model's items when given (held-out data). */
typedef struct {
    PyObject_HEAD ns_pairs *p;
} PairDataObject;

static PyTypeObject PairDataType;

static void pairdata_dealloc(PairDataObject *p) {
    ns_pairs_free(p->p);
    Py_TYPE(p)->tp_free((PyObject *)p);
}

static PyObject *pairdata_new(PyTypeObject *type, PyObject *args, PyObject *kw) {
    static char *names[] = {"path", "options", "model", NULL};
    PyObject *path, *model = Py_None;
    OptionsObject *o;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O&O!|O", names, PyUnicode_FSConverter, &path, &OptionsType, &o,
                                     &model))
        return NULL;
    if (model != Py_None && !PyObject_TypeCheck(model, &WordModelType)) {
        Py_DECREF(path);
        PyErr_SetString(PyExc_TypeError, "model must be a pair model");
        return NULL;
    }
    const ns_model *m = model != Py_None ? ((WordModelObject *)model)->m : NULL;
    ns_pairs *p = NULL;
    ns_error err;
    ns_status s;
    Py_BEGIN_ALLOW_THREADS
    s = ns_pairs_load(&p, PyBytes_AS_STRING(path), &o->o.pairs, m, &err);
    Py_END_ALLOW_THREADS
    Py_DECREF(path);
    if (s != NS_OK) return raise_ns(s, &err);
    PairDataObject *self = (PairDataObject *)type->tp_alloc(type, 0);
    if (!self) {
        ns_pairs_free(p);
        return NULL;
    }
    self->p = p;
    return (PyObject *)self;
}

static PyObject *pairdata_count(PairDataObject *p, void *u) {
    (void)u;
    return PyLong_FromLongLong(ns_pairs_count(p->p));
}

static PyGetSetDef pairdata_getset[] = {{"count", (getter)pairdata_count, NULL, "pairs held", NULL},
                                        {NULL, NULL, NULL, NULL, NULL}};

static PyTypeObject PairDataType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "negsamp._core.PairData",
    .tp_basicsize = sizeof(PairDataObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "PairData(path, options, model=None): pairs in memory",
    .tp_new = pairdata_new,
    .tp_dealloc = (destructor)pairdata_dealloc,
    .tp_getset = pairdata_getset,
};

/* WordModel.create_pairs(data, options): a fresh pair model over the
 * pairs' left and right items (one vocabulary when they share it). */
static PyObject *wordmodel_create_pairs(PyObject *cls, PyObject *args) {
    (void)cls;
    PairDataObject *d;
    OptionsObject *o;
    if (!PyArg_ParseTuple(args, "O!O!", &PairDataType, &d, &OptionsType, &o)) return NULL;
    const ns_vocab *vl = ns_pairs_left_vocab(d->p), *vr = ns_pairs_right_vocab(d->p);
    ns_model *m = NULL;
    ns_error err;
    ns_status s = ns_model_create_pairs(&m, vl, vl == vr ? NULL : vr, &o->o.train, &err);
    if (s != NS_OK) return raise_ns(s, &err);
    return wordmodel_wrap(m);
}

/* train_pairs(data, options, valid=None, progress=None, report_every=0.1,
 * checkpoint=None) -> bool; valid: PairData over this model. */
static PyObject *wordmodel_train_pairs(WordModelObject *w, PyObject *args, PyObject *kw) {
    static char *names[] = {"data", "options", "valid", "progress", "report_every", "checkpoint", "noise_file", NULL};
    PairDataObject *d;
    OptionsObject *o;
    PyObject *valid = Py_None, *cb = Py_None, *ck_obj = Py_None, *ck = NULL, *nf_obj = Py_None, *nf = NULL;
    double every = 0.1;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O!O!|OOdOO", names, &PairDataType, &d, &OptionsType, &o, &valid, &cb,
                                     &every, &ck_obj, &nf_obj))
        return NULL;
    if (valid != Py_None && !PyObject_TypeCheck(valid, &PairDataType)) {
        PyErr_SetString(PyExc_TypeError, "valid must be PairData");
        return NULL;
    }
    if (!opt_path(ck_obj, &ck)) return NULL;
    if (!opt_path(nf_obj, &nf)) {
        Py_XDECREF(ck);
        return NULL;
    }
    run_ctx ctx = {cb != Py_None ? cb : NULL, NULL, 0};
    ns_train_hooks h = hooks_for(&ctx, every, &o->o, ck ? PyBytes_AS_STRING(ck) : NULL);
    const ns_pairs *vp = valid != Py_None ? ((PairDataObject *)valid)->p : NULL;
    ns_train_opts to = o->o.train;
    double *noise = NULL;
    int64_t unknown = 0;
    ns_error err;
    ns_status s = NS_OK;
    if (!train_begin(&ctx, &w->busy)) {
        Py_XDECREF(ck), Py_XDECREF(nf);
        return NULL;
    }
    if (nf) s = ns_noise_weights_load(ns_pairs_right_vocab(d->p), PyBytes_AS_STRING(nf), &noise, &unknown, &err);
    to.noise_weights = noise;
    if (s == NS_OK) s = ns_train_pairs(w->m, d->p, vp, &to, &h, &err);
    train_end(&ctx, &w->busy);
    free(noise);
    Py_XDECREF(ck), Py_XDECREF(nf);
    return run_result(&ctx, s, &err);
}

/* eval_pairs(test, filters=(), ks=(1, 10, 100)) -> dict; PairData over
 * this model. */
static PyObject *wordmodel_eval_pairs(WordModelObject *w, PyObject *args) {
    PairDataObject *test;
    PyObject *filt_obj = NULL, *ks_obj = NULL, *fseq = NULL, *res = NULL;
    if (!PyArg_ParseTuple(args, "O!|OO", &PairDataType, &test, &filt_obj, &ks_obj)) return NULL;
    enum { MAXF = 16 };
    const ns_pairs *filters[MAXF];
    int32_t ks[NS_RANK_MAX_K] = {1, 10, 100};
    int nf = 0, nk = 3;
    if (filt_obj && filt_obj != Py_None) {
        if (!(fseq = PySequence_Fast(filt_obj, "filters: a sequence of PairData"))) goto done;
        if (PySequence_Fast_GET_SIZE(fseq) > MAXF) {
            PyErr_Format(PyExc_ValueError, "at most %d filters", MAXF);
            goto done;
        }
        for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(fseq); i++) {
            PyObject *f = PySequence_Fast_GET_ITEM(fseq, i);
            if (!PyObject_TypeCheck(f, &PairDataType)) {
                PyErr_SetString(PyExc_TypeError, "filters: a sequence of PairData");
                goto done;
            }
            filters[nf++] = ((PairDataObject *)f)->p;
        }
    }
    if (ks_obj && ks_obj != Py_None && (nk = ints_of(ks_obj, ks, NS_RANK_MAX_K, "ks (cut-offs)")) < 0) goto done;
    ns_rank_report r;
    ns_error err;
    ns_status s;
    Py_BEGIN_ALLOW_THREADS
    s = ns_eval_pairs(w->m, test->p, filters, nf, ks, nk, &r, &err);
    Py_END_ALLOW_THREADS
    if (s != NS_OK) {
        raise_ns(s, &err);
        goto done;
    }
    res = Py_BuildValue("{s:L,s:L,s:d,s:d}", "queries", (long long)r.queries, "covered", (long long)r.covered, "mrr",
                        r.mrr, "mean_rank", r.mean_rank);
    for (int i = 0; res && i < r.n_k; i++) {
        char key[32];
        snprintf(key, sizeof key, "recall@%d", r.k[i]);
        PyObject *v = PyFloat_FromDouble(r.recall[i]);
        if (!v || PyDict_SetItemString(res, key, v) < 0) Py_CLEAR(res);
        Py_XDECREF(v);
    }
done:
    Py_XDECREF(fseq);
    return res;
}

/* ---- recommenders ------------------------------------------------------- */

typedef struct {
    PyObject_HEAD ns_rec *r;
    int busy; /* a train call is under way (without the GIL) */
} RecObject;

static PyTypeObject RecType;

static void rec_dealloc(RecObject *r) {
    ns_rec_free(r->r);
    Py_TYPE(r)->tp_free((PyObject *)r);
}

static PyObject *rec_wrap(ns_rec *r) {
    RecObject *o = (RecObject *)RecType.tp_alloc(&RecType, 0);
    if (!o) {
        ns_rec_free(r);
        return NULL;
    }
    o->r = r;
    return (PyObject *)o;
}

/* Rec.create(path, options, split=False): a fresh recommender over the
 * interactions of `path` as the options read them; with split, each
 * user's last positive is held out (kept with the model for evaluate). */
static PyObject *rec_create(PyObject *cls, PyObject *args) {
    (void)cls;
    PyObject *path;
    OptionsObject *o;
    int split = 0;
    if (!PyArg_ParseTuple(args, "O&O!|p", PyUnicode_FSConverter, &path, &OptionsType, &o, &split)) return NULL;
    ns_inter *all = NULL, *train = NULL, *test = NULL;
    ns_rec *r = NULL;
    ns_error err;
    ns_status s;
    Py_BEGIN_ALLOW_THREADS
    s = ns_inter_load(&all, PyBytes_AS_STRING(path), &o->o.inter, NULL, &err);
    if (s == NS_OK && split) s = ns_inter_split_last(all, &train, &test, &err);
    if (s == NS_OK) s = ns_rec_create(&r, split ? train : all, test, &o->o.train, &err);
    Py_END_ALLOW_THREADS
    ns_inter_free(all), ns_inter_free(train), ns_inter_free(test);
    Py_DECREF(path);
    if (s != NS_OK) return raise_ns(s, &err);
    return rec_wrap(r);
}

static ns_status load_rec(void *out, const char *p, ns_error *e) { return ns_rec_load(out, p, e); }
static ns_status save_rec(void *r, const char *p, ns_error *e) { return ns_rec_save(r, p, e); }

static PyObject *rec_load(PyObject *cls, PyObject *args) {
    (void)cls;
    ns_rec *r = NULL;
    return with_path(args, load_rec, &r) < 0 ? NULL : rec_wrap(r);
}

static PyObject *rec_save(RecObject *r, PyObject *args) { return none_or_null(with_path(args, save_rec, r->r)); }

/* Held-out interactions of `path` over the recommender's users and items,
 * read as its training data was (or by `options` when given). */
static ns_status rec_heldout(const RecObject *r, const char *path, const OptionsObject *o, ns_inter **out,
                             ns_error *err) {
    ns_inter_opts io;
    if (o) io = o->o.inter;
    else ns_inter_read_opts(ns_rec_train_data(r->r), &io);
    return ns_inter_load(out, path, &io, ns_rec_train_data(r->r), err);
}

/* train(options, valid=None, progress=None, report_every=0.1,
 * checkpoint=None) -> bool, as WordModel.train. */
static PyObject *rec_train(RecObject *r, PyObject *args, PyObject *kw) {
    static char *names[] = {"options", "valid", "progress", "report_every", "checkpoint", NULL};
    OptionsObject *o;
    PyObject *valid_obj = Py_None, *valid = NULL, *cb = Py_None, *ck_obj = Py_None, *ck = NULL;
    double every = 0.1;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O!|OOdO", names, &OptionsType, &o, &valid_obj, &cb, &every, &ck_obj))
        return NULL;
    if (!opt_path(valid_obj, &valid)) return NULL;
    if (!opt_path(ck_obj, &ck)) {
        Py_XDECREF(valid);
        return NULL;
    }
    run_ctx ctx = {cb != Py_None ? cb : NULL, NULL, 0};
    ns_train_hooks h = hooks_for(&ctx, every, &o->o, ck ? PyBytes_AS_STRING(ck) : NULL);
    ns_inter *vi = NULL;
    ns_error err;
    ns_status s = NS_OK;
    if (!train_begin(&ctx, &r->busy)) {
        Py_XDECREF(valid), Py_XDECREF(ck);
        return NULL;
    }
    if (valid) s = rec_heldout(r, PyBytes_AS_STRING(valid), o, &vi, &err);
    if (s == NS_OK) s = ns_rec_train(r->r, vi, &o->o.train, &h, &err);
    train_end(&ctx, &r->busy);
    ns_inter_free(vi);
    Py_XDECREF(valid);
    Py_XDECREF(ck);
    return run_result(&ctx, s, &err);
}

static int rec_item2vec(const RecObject *r) { return ns_model_opts(ns_rec_model(r->r))->task != NS_TASK_REC; }

/* table(which): 0 users (matrix factorisation only), 1 items. */
static PyObject *rec_table(RecObject *r, PyObject *args) {
    int which;
    if (!PyArg_ParseTuple(args, "i", &which)) return NULL;
    if (which != 0 && which != 1) {
        PyErr_SetString(PyExc_ValueError, "which: 0 (users) or 1 (items)");
        return NULL;
    }
    if (which == 0 && rec_item2vec(r)) {
        PyErr_SetString(PyExc_ValueError, "item2vec has no user vectors (a user is the mean of its items)");
        return NULL;
    }
    /* MF: users are the input side, items the output side; item2vec: the
     * input side holds the item vectors. */
    int side = rec_item2vec(r) ? 0 : which;
    ns_model *m = (ns_model *)ns_rec_model(r->r);
    int32_t rows = ns_vocab_size(side ? ns_model_vocab_out(m) : ns_model_vocab(m));
    return table_of((PyObject *)r, ns_model_row(m, side, 0), ns_model_row(m, side, rows > 1 ? 1 : 0),
                    ns_model_row(m, side, rows - 1), rows, ns_model_dim(m));
}

static PyObject *rec_users(RecObject *r, PyObject *u) {
    (void)u;
    return vocab_words(ns_inter_user_vocab(ns_rec_train_data(r->r)));
}

static PyObject *rec_items(RecObject *r, PyObject *u) {
    (void)u;
    return vocab_words(ns_inter_item_vocab(ns_rec_train_data(r->r)));
}

/* recommend(user, k) -> [(item, score)]; user -1: the most popular. */
static PyObject *rec_recommend(RecObject *r, PyObject *args) {
    int u, k;
    if (!PyArg_ParseTuple(args, "ii", &u, &k)) return NULL;
    int32_t kk, n = 0;
    ns_hit *hits = hits_for(k, ns_vocab_size(ns_inter_item_vocab(ns_rec_train_data(r->r))), &kk);
    if (!hits) return NULL;
    ns_error err;
    ns_status s = kk ? ns_rec_recommend(r->r, u, kk, hits, &n, &err) : NS_OK;
    PyObject *res = s != NS_OK ? raise_ns(s, &err) : hits_list(hits, n);
    PyMem_Free(hits);
    return res;
}

/* scores(user) -> bytes of float32 scores for every item. */
static PyObject *rec_scores(RecObject *r, PyObject *args) {
    int u;
    if (!PyArg_ParseTuple(args, "i", &u)) return NULL;
    int32_t items = ns_vocab_size(ns_inter_item_vocab(ns_rec_train_data(r->r)));
    PyObject *out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)items * (Py_ssize_t)sizeof(float));
    if (!out) return NULL;
    ns_error err;
    ns_status s = ns_rec_scores(r->r, u, (float *)PyBytes_AS_STRING(out), &err);
    if (s != NS_OK) {
        Py_DECREF(out);
        return raise_ns(s, &err);
    }
    return out;
}

static PyObject *rec_metrics(const ns_rec_metrics *m, const ns_rec_report *r) {
    PyObject *d = PyDict_New();
    for (int32_t i = 0; d && i < r->n_k; i++) {
        char key[32];
        const char *names[3] = {"recall", "ndcg", "hr"};
        const double *vals[3] = {m->recall, m->ndcg, m->hr};
        for (int j = 0; j < 3 && d; j++) {
            snprintf(key, sizeof key, "%s@%d", names[j], r->k[i]);
            PyObject *v = PyFloat_FromDouble(vals[j][i]);
            if (!v || PyDict_SetItemString(d, key, v) < 0) Py_CLEAR(d);
            Py_XDECREF(v);
        }
    }
    PyObject *v = d ? PyFloat_FromDouble(m->mrr) : NULL;
    if (d && (!v || PyDict_SetItemString(d, "mrr", v) < 0)) Py_CLEAR(d);
    Py_XDECREF(v);
    return d;
}

/* evaluate(test=None, ks=(10, 20), options=None) -> dict: full ranking on
 * a held-out file (None: the positives held out by split). */
static PyObject *rec_evaluate(RecObject *r, PyObject *args) {
    PyObject *test_obj = Py_None, *test = NULL, *ks_obj = NULL, *o_obj = Py_None;
    if (!PyArg_ParseTuple(args, "|OOO", &test_obj, &ks_obj, &o_obj) || !opt_path(test_obj, &test)) return NULL;
    int32_t ks[NS_REC_MAX_K] = {10, 20};
    int nk = 2;
    PyObject *res = NULL;
    if (o_obj != Py_None && !PyObject_TypeCheck(o_obj, &OptionsType)) {
        PyErr_SetString(PyExc_TypeError, "options: an Options object");
        goto done;
    }
    if (ks_obj && ks_obj != Py_None && (nk = ints_of(ks_obj, ks, NS_REC_MAX_K, "ks (cut-offs)")) < 0) goto done;
    if (!test && !ns_rec_test_data(r->r)) {
        PyErr_SetString(PyExc_ValueError, "no test data: give a file, or train with split=True");
        goto done;
    }
    ns_inter *own = NULL;
    ns_rec_report rep;
    ns_error err;
    ns_status s = NS_OK;
    Py_BEGIN_ALLOW_THREADS
    if (test) s = rec_heldout(r, PyBytes_AS_STRING(test), o_obj != Py_None ? (OptionsObject *)o_obj : NULL, &own, &err);
    if (s == NS_OK) s = ns_rec_eval(r->r, own ? own : ns_rec_test_data(r->r), ks, nk, &rep, &err);
    Py_END_ALLOW_THREADS
    ns_inter_free(own);
    if (s != NS_OK) {
        raise_ns(s, &err);
        goto done;
    }
    PyObject *model = rec_metrics(&rep.model, &rep), *pop = rec_metrics(&rep.popularity, &rep);
    if (model && pop)
        res = Py_BuildValue("{s:L,s:L,s:L,s:O,s:O,s:d}", "users", (long long)rep.users, "positives",
                            (long long)rep.positives, "seen", (long long)rep.seen, "model", model, "popularity", pop,
                            "seconds", rep.seconds);
    Py_XDECREF(model), Py_XDECREF(pop);
done:
    Py_XDECREF(test);
    return res;
}

static PyObject *rec_options(RecObject *r, PyObject *unused) {
    (void)unused;
    OptionsObject *o = options_alloc();
    if (o) ns_opts_from_rec(&o->o, r->r);
    return (PyObject *)o;
}

static PyObject *rec_kind(RecObject *r, void *u) {
    (void)u;
    return PyUnicode_FromString(rec_item2vec(r) ? "item2vec" : "mf");
}

static PyObject *rec_dim(RecObject *r, void *u) {
    (void)u;
    return PyLong_FromLong(ns_model_dim(ns_rec_model(r->r)));
}

static PyMethodDef rec_methods[] = {
    {"create", (PyCFunction)rec_create, METH_VARARGS | METH_CLASS, "create(path, options, split=False)"},
    {"load", (PyCFunction)rec_load, METH_VARARGS | METH_CLASS, "load(path): a rec-train .model file"},
    {"save", (PyCFunction)rec_save, METH_VARARGS, "save(path)"},
    {"train", (PyCFunction)(void (*)(void))rec_train, METH_VARARGS | METH_KEYWORDS,
     "train(options, valid=None, progress=None, report_every=0.1, checkpoint=None) -> bool"},
    {"table", (PyCFunction)rec_table, METH_VARARGS, "table(which): 0 users, 1 items"},
    {"users", (PyCFunction)rec_users, METH_NOARGS, "user names by id"},
    {"items", (PyCFunction)rec_items, METH_NOARGS, "item names by id"},
    {"recommend", (PyCFunction)rec_recommend, METH_VARARGS, "recommend(user, k) -> [(item, score)]"},
    {"scores", (PyCFunction)rec_scores, METH_VARARGS, "scores(user) -> float32 bytes, one per item"},
    {"evaluate", (PyCFunction)rec_evaluate, METH_VARARGS, "evaluate(test=None, ks=(10, 20), options=None) -> dict"},
    {"options", (PyCFunction)rec_options, METH_NOARGS, "the options it was trained with"},
    {NULL, NULL, 0, NULL}};

static PyGetSetDef rec_getset[] = {{"kind", (getter)rec_kind, NULL, "mf or item2vec", NULL},
                                   {"dim", (getter)rec_dim, NULL, "vector length", NULL},
                                   {NULL, NULL, NULL, NULL, NULL}};

static PyTypeObject RecType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "negsamp._core.Rec",
    .tp_basicsize = sizeof(RecObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "a recommender of the C library",
    .tp_dealloc = (destructor)rec_dealloc,
    .tp_methods = rec_methods,
    .tp_getset = rec_getset,
};

/* ---- knowledge graphs -------------------------------------------------- */

typedef struct {
    PyObject_HEAD ns_kg *m;
    ns_triples *train; /* the training triples (NULL for a loaded model until train) */
    ns_kg_filter *known; /* predict's filter of them, made at its first call */
    int busy;          /* a train call is under way (without the GIL) */
} KGObject;

static PyTypeObject KGType;

static void kg_dealloc(KGObject *k) {
    ns_kg_free(k->m);
    ns_triples_free(k->train);
    ns_kg_filter_free(k->known);
    Py_TYPE(k)->tp_free((PyObject *)k);
}

static PyObject *kg_wrap(ns_kg *m, ns_triples *train) {
    KGObject *o = (KGObject *)KGType.tp_alloc(&KGType, 0);
    if (!o) {
        ns_kg_free(m);
        ns_triples_free(train);
        return NULL;
    }
    o->m = m, o->train = train;
    return (PyObject *)o;
}

/* KG.create(path, options): a fresh model over the triples of `path`. */
static PyObject *kg_create(PyObject *cls, PyObject *args) {
    (void)cls;
    PyObject *path;
    OptionsObject *o;
    if (!PyArg_ParseTuple(args, "O&O!", PyUnicode_FSConverter, &path, &OptionsType, &o)) return NULL;
    ns_triples *t = NULL;
    ns_kg *m = NULL;
    ns_error err;
    ns_status s;
    Py_BEGIN_ALLOW_THREADS
    s = ns_triples_load(&t, PyBytes_AS_STRING(path), NULL, NULL, &err);
    if (s == NS_OK) s = ns_kg_create(&m, t, &o->o.kg, &err);
    Py_END_ALLOW_THREADS
    Py_DECREF(path);
    if (s != NS_OK) {
        ns_triples_free(t);
        return raise_ns(s, &err);
    }
    return kg_wrap(m, t);
}

static ns_status load_kg(void *out, const char *p, ns_error *e) { return ns_kg_load(out, p, e); }
static ns_status save_kg(void *m, const char *p, ns_error *e) { return ns_kg_save(m, p, e); }

static PyObject *kg_load(PyObject *cls, PyObject *args) {
    (void)cls;
    ns_kg *m = NULL;
    return with_path(args, load_kg, &m) < 0 ? NULL : kg_wrap(m, NULL);
}

static PyObject *kg_save(KGObject *k, PyObject *args) { return none_or_null(with_path(args, save_kg, k->m)); }

/* The filter of the triple files `paths` (a list of bytes paths, read
 * over the model's vocabularies) and extra[0..n_extra) (n_extra <= 2); no
 * filter when there is nothing in it. Callable without the GIL: `paths`
 * is only read. */
#define KG_MAX_FILTERS 16
static ns_status kg_filter_of(const KGObject *k, PyObject *paths, const ns_triples *const *extra, int n_extra,
                              ns_kg_filter **out, ns_error *err) {
    ns_triples *own[KG_MAX_FILTERS] = {0};
    const ns_triples *sets[KG_MAX_FILTERS + 2];
    Py_ssize_t n = PyList_GET_SIZE(paths);
    int ns = 0;
    ns_status s = NS_OK;
    *out = NULL;
    if (n > KG_MAX_FILTERS)
        return snprintf(err->msg, sizeof err->msg, "at most %d filter files", KG_MAX_FILTERS), NS_EINVAL;
    for (Py_ssize_t i = 0; i < n && s == NS_OK; i++) {
        s = ns_triples_load(&own[i], PyBytes_AS_STRING(PyList_GET_ITEM(paths, i)), ns_kg_entities(k->m),
                            ns_kg_relations(k->m), err);
        if (s == NS_OK) sets[ns++] = own[i];
    }
    for (int i = 0; i < n_extra; i++)
        if (extra[i]) sets[ns++] = extra[i];
    if (s == NS_OK && ns) s = ns_kg_filter_create(out, sets, ns, err);
    for (Py_ssize_t i = 0; i < n; i++) ns_triples_free(own[i]);
    return s;
}

/* A list of paths as bytes (PyUnicode_FSConverter), for use without the
 * GIL. */
static PyObject *paths_list(PyObject *obj) {
    PyObject *seq = obj && obj != Py_None ? PySequence_Fast(obj, "a sequence of paths") : PyList_New(0);
    if (!seq) return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject *out = PyList_New(n);
    for (Py_ssize_t i = 0; out && i < n; i++) {
        PyObject *b;
        if (!PyUnicode_FSConverter(PySequence_Fast_GET_ITEM(seq, i), &b)) Py_CLEAR(out);
        else PyList_SET_ITEM(out, i, b);
    }
    Py_DECREF(seq);
    return out;
}

/* train(options, path=None, valid=None, filters=(), progress=None,
 * report_every=0.1, checkpoint=None) -> bool: on the creation's triples,
 * or on `path` (a loaded model resumes on its own entities and
 * relations); with `valid`, filtered MRR against train, valid and
 * `filters`. */
static PyObject *kg_train(KGObject *k, PyObject *args, PyObject *kw) {
    static char *names[] = {"options", "path", "valid", "filters", "progress", "report_every", "checkpoint", NULL};
    OptionsObject *o;
    PyObject *path_obj = Py_None, *path = NULL, *valid_obj = Py_None, *valid = NULL, *filt_obj = NULL, *filt = NULL;
    PyObject *cb = Py_None, *ck_obj = Py_None, *ck = NULL, *res = NULL;
    double every = 0.1;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O!|OOOOdO", names, &OptionsType, &o, &path_obj, &valid_obj, &filt_obj,
                                     &cb, &every, &ck_obj))
        return NULL;
    if (!opt_path(path_obj, &path) || !opt_path(valid_obj, &valid) || !opt_path(ck_obj, &ck) ||
        !(filt = paths_list(filt_obj)))
        goto done;
    if (!path && !k->train) {
        PyErr_SetString(PyExc_ValueError, "a loaded model needs the training triples (path) to train on");
        goto done;
    }
    run_ctx ctx = {cb != Py_None ? cb : NULL, NULL, 0};
    ns_train_hooks h = hooks_for(&ctx, every, &o->o, ck ? PyBytes_AS_STRING(ck) : NULL);
    ns_triples *t = NULL, *vt = NULL;
    ns_kg_filter *f = NULL;
    ns_error err;
    ns_status s = NS_OK;
    if (!train_begin(&ctx, &k->busy)) goto done;
    if (path) {
        s = ns_triples_load(&t, PyBytes_AS_STRING(path), ns_kg_entities(k->m), ns_kg_relations(k->m), &err);
        if (s == NS_OK && ns_triples_unknown(t))
            s = NS_EINVAL, snprintf(err.msg, sizeof err.msg,
                                    "%s: %lld triples name an entity or relation the model lacks",
                                    PyBytes_AS_STRING(path), (long long)ns_triples_unknown(t));
    }
    if (s == NS_OK && valid) s = ns_triples_load(&vt, PyBytes_AS_STRING(valid), ns_kg_entities(k->m),
                                                 ns_kg_relations(k->m), &err);
    const ns_triples *tr = t ? t : k->train;
    if (s == NS_OK && valid) s = kg_filter_of(k, filt, (const ns_triples *const[]){tr, vt}, 2, &f, &err);
    if (s == NS_OK) s = ns_kg_train(k->m, tr, vt, f, &o->o.kg, &h, &err);
    train_end(&ctx, &k->busy);
    if (t && s != NS_ECANCELED && !ctx.failed) {
        ns_triples_free(k->train), k->train = t, t = NULL;
        ns_kg_filter_free(k->known), k->known = NULL;
    }
    ns_triples_free(t), ns_triples_free(vt);
    ns_kg_filter_free(f);
    res = run_result(&ctx, s, &err);
done:
    Py_XDECREF(path), Py_XDECREF(valid), Py_XDECREF(ck), Py_XDECREF(filt);
    return res;
}

static PyObject *kg_metrics(const ns_kg_metrics *m) {
    return Py_BuildValue("{s:L,s:d,s:d,s:d,s:d,s:d}", "n", (long long)m->n, "mr", m->mr, "mrr", m->mrr, "hits@1",
                         m->hits1, "hits@3", m->hits3, "hits@10", m->hits10);
}

/* evaluate(test, filters=(), raw=False, threads=2, max=0) -> dict: filtered
 * link prediction; the training triples (when the model has them) and the
 * test triples are always filtered unless raw. */
static PyObject *kg_evaluate(KGObject *k, PyObject *args) {
    PyObject *test_obj, *test = NULL, *filt_obj = NULL, *filt = NULL, *res = NULL;
    int raw = 0, threads = 2;
    long long max = 0;
    if (!PyArg_ParseTuple(args, "O|OpiL", &test_obj, &filt_obj, &raw, &threads, &max) || !opt_path(test_obj, &test) ||
        !(filt = paths_list(filt_obj)))
        goto done;
    ns_triples *t = NULL;
    ns_kg_filter *f = NULL;
    ns_kg_report rep;
    ns_error err;
    ns_status s;
    Py_BEGIN_ALLOW_THREADS
    s = ns_triples_load(&t, PyBytes_AS_STRING(test), ns_kg_entities(k->m), ns_kg_relations(k->m), &err);
    if (s == NS_OK && !raw) s = kg_filter_of(k, filt, (const ns_triples *const[]){k->train, t}, 2, &f, &err);
    if (s == NS_OK) s = ns_kg_eval(k->m, t, f, threads, 0, (int64_t)max, &rep, &err);
    Py_END_ALLOW_THREADS
    ns_kg_filter_free(f);
    ns_triples_free(t);
    if (s != NS_OK) {
        raise_ns(s, &err);
        goto done;
    }
    PyObject *all = kg_metrics(&rep.all), *head = kg_metrics(&rep.head), *tail = kg_metrics(&rep.tail);
    if (all && head && tail)
        res = Py_BuildValue("{s:O,s:O,s:O,s:L,s:L,s:d}", "both", all, "head", head, "tail", tail, "triples",
                            (long long)rep.triples, "unknown", (long long)rep.unknown, "seconds", rep.seconds);
    Py_XDECREF(all), Py_XDECREF(head), Py_XDECREF(tail);
    ns_kg_report_free(&rep);
done:
    Py_XDECREF(test), Py_XDECREF(filt);
    return res;
}

/* predict(head, rel, tail, k, filter_train=True) -> [(entity, score)]: the
 * best answers to (head, rel, ?) (tail = -1) or (?, rel, tail) (head = -1);
 * answers forming training triples are left out with filter_train. */
static PyObject *kg_predict(KGObject *k, PyObject *args) {
    int h, r, t, want, filter_train = 1;
    if (!PyArg_ParseTuple(args, "iiii|p", &h, &r, &t, &want, &filter_train)) return NULL;
    int32_t kk, n = 0;
    ns_hit *hits = hits_for(want, ns_vocab_size(ns_kg_entities(k->m)), &kk);
    if (!hits) return NULL;
    ns_error err;
    ns_status s = NS_OK;
    if (filter_train && k->train && !k->known) {
        const ns_triples *sets[1] = {k->train};
        s = ns_kg_filter_create(&k->known, sets, 1, &err);
    }
    if (s == NS_OK && kk) s = ns_kg_predict(k->m, h, r, t, filter_train ? k->known : NULL, kk, hits, &n, &err);
    PyObject *res = s != NS_OK ? raise_ns(s, &err) : hits_list(hits, n);
    PyMem_Free(hits);
    return res;
}

static PyObject *kg_score(KGObject *k, PyObject *args) {
    int h, r, t;
    if (!PyArg_ParseTuple(args, "iii", &h, &r, &t)) return NULL;
    float v;
    ns_error err;
    ns_status s = ns_kg_score(k->m, h, r, t, &v, &err);
    if (s != NS_OK) return raise_ns(s, &err);
    return PyFloat_FromDouble(v);
}

static PyObject *kg_entities(KGObject *k, PyObject *u) {
    (void)u;
    return vocab_words(ns_kg_entities(k->m));
}

static PyObject *kg_relations(KGObject *k, PyObject *u) {
    (void)u;
    return vocab_words(ns_kg_relations(k->m));
}

/* table(which, part=0): entity (0) or relation (1) rows, dim floats
 * each; for complex rows (ComplEx and RotatE entities, ComplEx
 * relations) part 0 is the real parts and part 1 the imaginary ones. */
static PyObject *kg_table(KGObject *k, PyObject *args) {
    int which, part = 0;
    if (!PyArg_ParseTuple(args, "i|i", &which, &part)) return NULL;
    const ns_kg *m = k->m;
    int len = which ? m->nrel : m->n, cplx = m->half && len == 2 * m->half;
    if ((which != 0 && which != 1) || part < 0 || part > cplx) {
        PyErr_SetString(PyExc_ValueError, cplx ? "which 0 or 1, part 0 (real) or 1 (imaginary)" : "which 0 or 1, part 0");
        return NULL;
    }
    float *base = (which ? m->R : m->E) + (part ? m->half : 0);
    return table_new((PyObject *)k, base, which ? m->nr : m->ne, ns_kg_options(m)->dim, len);
}

static PyObject *kg_options(KGObject *k, PyObject *unused) {
    (void)unused;
    OptionsObject *o = options_alloc();
    if (o) ns_opts_from_kg(&o->o, k->m);
    return (PyObject *)o;
}

static PyObject *kg_steps(KGObject *k, void *u) {
    (void)u;
    return PyLong_FromLongLong(ns_kg_steps_done(k->m));
}

static PyObject *kg_model_name(KGObject *k, void *u) {
    (void)u;
    return PyUnicode_FromString(ns_kg_model_name(ns_kg_options(k->m)->model));
}

static PyMethodDef kg_methods[] = {
    {"create", (PyCFunction)kg_create, METH_VARARGS | METH_CLASS, "create(path, options)"},
    {"load", (PyCFunction)kg_load, METH_VARARGS | METH_CLASS, "load(path): a kg-train .model file"},
    {"save", (PyCFunction)kg_save, METH_VARARGS, "save(path)"},
    {"train", (PyCFunction)(void (*)(void))kg_train, METH_VARARGS | METH_KEYWORDS,
     "train(options, path=None, valid=None, filters=(), progress=None, report_every=0.1, checkpoint=None) -> bool"},
    {"evaluate", (PyCFunction)kg_evaluate, METH_VARARGS, "evaluate(test, filters=(), raw=False, threads=2, max=0)"},
    {"predict", (PyCFunction)kg_predict, METH_VARARGS, "predict(head, rel, tail, k, filter_train=True)"},
    {"score", (PyCFunction)kg_score, METH_VARARGS, "score(head, rel, tail) -> float"},
    {"entities", (PyCFunction)kg_entities, METH_NOARGS, "entity names by id"},
    {"relations", (PyCFunction)kg_relations, METH_NOARGS, "relation names by id"},
    {"table", (PyCFunction)kg_table, METH_VARARGS, "table(which, part=-1): 0 entities, 1 relations"},
    {"options", (PyCFunction)kg_options, METH_NOARGS, "the options it was trained with"},
    {NULL, NULL, 0, NULL}};

static PyGetSetDef kg_getset[] = {{"steps", (getter)kg_steps, NULL, "steps trained", NULL},
                                  {"model", (getter)kg_model_name, NULL, "the scorer", NULL},
                                  {NULL, NULL, NULL, NULL, NULL}};

static PyTypeObject KGType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "negsamp._core.KG",
    .tp_basicsize = sizeof(KGObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "a knowledge-graph model of the C library",
    .tp_dealloc = (destructor)kg_dealloc,
    .tp_methods = kg_methods,
    .tp_getset = kg_getset,
};

/* ---- building blocks: the sampler and the losses ------------------------ */

/* Sampler(weights, seed=1): the alias table the trainers draw negatives
 * from, over float64 weights (a buffer), with its own random stream. */
typedef struct {
    PyObject_HEAD ns_alias alias;
    ns_rng rng;
    int32_t n;
} SamplerObject;

static PyTypeObject SamplerType;

static void sampler_dealloc(SamplerObject *o) {
    ns__alias_destroy(&o->alias);
    Py_TYPE(o)->tp_free((PyObject *)o);
}

static PyObject *sampler_new(PyTypeObject *type, PyObject *args, PyObject *kw) {
    static char *names[] = {"weights", "seed", NULL};
    Py_buffer w;
    unsigned long long seed = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "y*|K", names, &w, &seed)) return NULL;
    PyObject *res = NULL;
    Py_ssize_t n = w.len / (Py_ssize_t)sizeof(double);
    if (n < 1 || n > INT32_MAX || w.len % (Py_ssize_t)sizeof(double)) {
        PyErr_SetString(PyExc_ValueError, "weights: 1 to 2^31-1 float64 values");
        goto done;
    }
    SamplerObject *o = (SamplerObject *)type->tp_alloc(type, 0);
    if (!o) goto done;
    ns_error err;
    ns_status s = ns__alias_init(&o->alias, w.buf, (int32_t)n, &err);
    if (s != NS_OK) {
        Py_DECREF(o);
        raise_ns(s, &err);
        goto done;
    }
    ns__rng_seed(&o->rng, (uint64_t)seed, 0);
    o->n = (int32_t)n;
    res = (PyObject *)o;
done:
    PyBuffer_Release(&w);
    return res;
}

/* draw(n, exclude=b"") -> bytes of int32 ids: n draws, each redrawn up to
 * 8 times while it is in exclude (int32 buffer) and dropped after that, as
 * the trainers do; so fewer than n when exclude covers most of the mass. */
static PyObject *sampler_draw(SamplerObject *o, PyObject *args) {
    Py_ssize_t n;
    Py_buffer ex = {0};
    if (!PyArg_ParseTuple(args, "n|y*", &n, &ex)) return NULL;
    PyObject *out = NULL;
    if (n < 0 || n > INT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "n: 0 to 2^31-1");
        goto done;
    }
    if (!(out = PyBytes_FromStringAndSize(NULL, n * (Py_ssize_t)sizeof(int32_t)))) goto done;
    ns_noise nz = {o->alias, NULL};
    int32_t *ids = (int32_t *)PyBytes_AS_STRING(out);
    int nex = ex.buf ? (int)(ex.len / (Py_ssize_t)sizeof(int32_t)) : 0;
    Py_ssize_t got = 0;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t done = 0; done < n;) {
        int chunk = n - done > 1 << 20 ? 1 << 20 : (int)(n - done);
        got += ns__noise_draw(&nz, &o->rng, chunk, ex.buf, nex, ids + got);
        done += chunk;
    }
    Py_END_ALLOW_THREADS
    if (got < n && _PyBytes_Resize(&out, got * (Py_ssize_t)sizeof(int32_t)) < 0) out = NULL;
done:
    if (ex.buf) PyBuffer_Release(&ex);
    return out;
}

static PyObject *sampler_len(SamplerObject *o, void *u) {
    (void)u;
    return PyLong_FromLong(o->n);
}

static PyMethodDef sampler_methods[] = {
    {"draw", (PyCFunction)sampler_draw, METH_VARARGS, "draw(n, exclude=b'') -> int32 bytes"},
    {NULL, NULL, 0, NULL}};

static PyGetSetDef sampler_getset[] = {{"n", (getter)sampler_len, NULL, "outcomes", NULL},
                                       {NULL, NULL, NULL, NULL, NULL}};

static PyTypeObject SamplerType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "negsamp._core.Sampler",
    .tp_basicsize = sizeof(SamplerObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Sampler(weights, seed=1): the trainers' alias sampler",
    .tp_new = sampler_new,
    .tp_dealloc = (destructor)sampler_dealloc,
    .tp_methods = sampler_methods,
    .tp_getset = sampler_getset,
};

/* A writable copy of a float32 buffer of `count` values, as bytes. */
static PyObject *floats_copy(Py_buffer *b, Py_ssize_t count) {
    if (b->len != count * (Py_ssize_t)sizeof(float)) {
        PyErr_Format(PyExc_ValueError, "%zd bytes where %zd float32 were expected", b->len, count);
        return NULL;
    }
    return PyBytes_FromStringAndSize(b->buf, b->len);
}

/* loss_logistic(scores, labels) -> (sum, losses, grads): the SGNS loss of
 * each float32 score with its 0/1 label, and dL/ds. */
static PyObject *loss_logistic(PyObject *mod, PyObject *args) {
    (void)mod;
    Py_buffer s, y;
    if (!PyArg_ParseTuple(args, "y*y*", &s, &y)) return NULL;
    Py_ssize_t n = s.len / (Py_ssize_t)sizeof(float);
    PyObject *ls = floats_copy(&s, n), *gs = ls ? floats_copy(&y, n) : NULL, *res = NULL;
    if (gs && n > INT32_MAX) PyErr_SetString(PyExc_ValueError, "too many scores");
    else if (gs) {
        double total = ns__loss_logistic((float *)PyBytes_AS_STRING(ls), (float *)PyBytes_AS_STRING(gs), (int)n);
        res = Py_BuildValue("(dOO)", total, ls, gs);
    }
    Py_XDECREF(ls), Py_XDECREF(gs);
    PyBuffer_Release(&s), PyBuffer_Release(&y);
    return res;
}

/* loss_rows(kind, scores, rows, cols, pos=None, weight=1) -> (sum, grads):
 * per row of a rows x cols float32 matrix, softmax cross-entropy (kind 0),
 * BPR (1) or WARP's hinge (2) with the positive in column pos[i] (int32;
 * None: column 0). */
static PyObject *loss_rows(PyObject *mod, PyObject *args) {
    (void)mod;
    int kind, rows, cols;
    float w = 1.0f;
    Py_buffer s, p = {0};
    PyObject *pobj = Py_None;
    if (!PyArg_ParseTuple(args, "iy*ii|Of", &kind, &s, &rows, &cols, &pobj, &w)) return NULL;
    PyObject *res = NULL, *sc = NULL, *g = NULL;
    if (pobj != Py_None && PyObject_GetBuffer(pobj, &p, PyBUF_SIMPLE) < 0) goto done;
    if (kind < 0 || kind > 2 || rows < 0 || cols < 1 ||
        (p.buf && p.len != (Py_ssize_t)rows * (Py_ssize_t)sizeof(int))) {
        PyErr_SetString(PyExc_ValueError, "kind 0..2, rows >= 0, cols >= 1, pos: rows int32");
        goto done;
    }
    for (int i = 0; p.buf && i < rows; i++)
        if (((const int *)p.buf)[i] < 0 || ((const int *)p.buf)[i] >= cols) {
            PyErr_Format(PyExc_ValueError, "pos[%d] = %d is not a column (0..%d)", i, ((const int *)p.buf)[i], cols - 1);
            goto done;
        }
    if (!(sc = floats_copy(&s, (Py_ssize_t)rows * cols))) goto done;
    if (!(g = PyBytes_FromStringAndSize(NULL, s.len))) goto done;
    float *sv = (float *)PyBytes_AS_STRING(sc), *gv = (float *)PyBytes_AS_STRING(g);
    double total = kind == 0 ? ns__loss_softmax(sv, gv, rows, cols, p.buf)
                             : ns__loss_pairwise(sv, gv, rows, cols, p.buf, kind == 2, w);
    res = Py_BuildValue("(dO)", total, g);
done:
    Py_XDECREF(sc), Py_XDECREF(g);
    if (p.buf) PyBuffer_Release(&p);
    PyBuffer_Release(&s);
    return res;
}

/* ---- the module -------------------------------------------------------- */

static PyObject *have_classifier(PyObject *mod, PyObject *u) {
    (void)mod, (void)u;
    return PyBool_FromLong(ns_have_classifier());
}

static PyMethodDef module_methods[] = {
    {"option_table", option_table, METH_VARARGS,
     "option_table(task) -> [(name, aliases, kind, arg, help, choices, default)]"},
    {"loss_logistic", loss_logistic, METH_VARARGS, "loss_logistic(scores, labels) -> (sum, losses, grads)"},
    {"loss_rows", loss_rows, METH_VARARGS, "loss_rows(kind, scores, rows, cols, pos=None, weight=1) -> (sum, grads)"},
    {"train_graph", (PyCFunction)(void (*)(void))train_graph, METH_VARARGS | METH_KEYWORDS,
     "train_graph(graph, options, model=None, progress=None, report_every=0.1, checkpoint=None) -> (model, finished)"},
    {"eval_nodes", eval_nodes, METH_VARARGS, "eval_nodes(model, labels, ratio, repeats, seed) -> dict"},
    {"eval_links", eval_links, METH_VARARGS, "eval_links(model, train_pairs, test_pairs, op) -> (auc, skipped)"},
    {"have_classifier", have_classifier, METH_NOARGS, "whether graph evaluations are built in (liblinear)"},
    {NULL, NULL, 0, NULL}};

/* A class negsamp.NAME deriving from negsamp.Error and `also` (may be
 * NULL). */
static PyObject *error_class(const char *name, const char *doc, PyObject *error, PyObject *also) {
    PyObject *bases = also ? PyTuple_Pack(2, error, also) : PyTuple_Pack(1, error);
    PyObject *c = bases ? PyErr_NewExceptionWithDoc(name, doc, bases, NULL) : NULL;
    Py_XDECREF(bases);
    return c;
}

static int module_exec(PyObject *m) {
    core_state *st = state_of(m);
    st->error = PyErr_NewExceptionWithDoc("negsamp.Error", "an error the negsamp library reported", NULL, NULL);
    if (!st->error) return -1;
    st->invalid = error_class("negsamp.InvalidError", "an argument or option out of range", st->error, PyExc_ValueError);
    st->file_error = error_class("negsamp.FileError", "a file that could not be opened, read or written", st->error,
                                 PyExc_OSError);
    st->format_error = error_class("negsamp.FormatError", "a malformed, truncated or foreign file (file:line: problem)",
                                   st->error, PyExc_ValueError);
    st->empty_error = error_class("negsamp.EmptyError", "nothing to work on (an empty corpus, no word kept)", st->error,
                                  PyExc_ValueError);
    st->diverged = error_class("negsamp.Diverged", "training diverged (a loss that is not finite)", st->error,
                               PyExc_ArithmeticError);
    if (!st->invalid || !st->file_error || !st->format_error || !st->empty_error || !st->diverged) return -1;
    PyTypeObject *types[] = {&OptionsType, &TableType, &CorpusType, &WordModelType, &PairDataType, &RecType, &KGType,
                             &SamplerType, &GraphType};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (PyType_Ready(types[i]) < 0 || PyModule_AddObjectRef(m, strrchr(types[i]->tp_name, '.') + 1,
                                                                (PyObject *)types[i]) < 0)
            return -1;
    PyObject *classes[] = {st->error, st->invalid, st->file_error, st->format_error, st->empty_error, st->diverged};
    const char *names[] = {"Error", "InvalidError", "FileError", "FormatError", "EmptyError", "Diverged"};
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++)
        if (PyModule_AddObjectRef(m, names[i], classes[i]) < 0) return -1;
    return PyModule_AddStringConstant(m, "version", NS_VERSION_STRING);
}

static int module_traverse(PyObject *m, visitproc visit, void *arg) {
    core_state *st = state_of(m);
    PyObject *all[] = {st->error, st->invalid, st->file_error, st->format_error, st->empty_error, st->diverged};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) Py_VISIT(all[i]);
    return 0;
}

static int module_clear(PyObject *m) {
    core_state *st = state_of(m);
    Py_CLEAR(st->error);
    Py_CLEAR(st->invalid);
    Py_CLEAR(st->file_error);
    Py_CLEAR(st->format_error);
    Py_CLEAR(st->empty_error);
    Py_CLEAR(st->diverged);
    return 0;
}

static struct PyModuleDef core_def = {
    PyModuleDef_HEAD_INIT, "negsamp._core", "the C library's objects and calls", sizeof(core_state), module_methods,
    NULL, module_traverse, module_clear, NULL,
};

PyMODINIT_FUNC PyInit__core(void) {
    PyObject *m = PyState_FindModule(&core_def);
    if (m) return Py_NewRef(m);
    m = PyModule_Create(&core_def);
    if (m && (module_exec(m) < 0 || PyState_AddModule(m, &core_def) < 0)) Py_CLEAR(m);
    return m;
}
