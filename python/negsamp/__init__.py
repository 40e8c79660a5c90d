"""negsamp: embeddings trained with negative sampling, from Python.

The package is a thin client of the negsamp C library (the same code as
the ``negsamp`` command): its options, with their names and defaults, come
from the library's option table; models are the ``.model`` files the
command line writes and reads; errors are the library's messages.

    >>> import negsamp
    >>> w = negsamp.Words(dim=100, epochs=5)
    >>> w.fit("text.txt")                      # or an iterable of token lists
    >>> w.most_similar("king", topn=5)
    >>> w.vectors                              # numpy float32 view, no copy

Option names are the command line's with ``-`` written ``_``
(``min_count=5`` is ``-min-count 5``); ``help(negsamp.Words)`` lists them.
"""
from __future__ import annotations

import functools
import os
import sys
import tempfile
import time
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple, Union

import numpy as np

from . import _core
from ._core import Diverged, EmptyError, Error, FileError, FormatError, InvalidError

__all__ = ["Words", "Pairs", "Recommender", "KnowledgeGraph", "Graph", "graph_split", "Sampler", "sgns_loss", "nce_loss",
           "sampled_softmax_loss", "infonce_loss", "bpr_loss", "warp_loss", "Options", "options", "Error", "InvalidError", "FileError",
           "FormatError", "EmptyError", "Diverged", "__version__"]
__version__ = _core.version

PathLike = Union[str, "os.PathLike[str]"]
Progress = Union[None, bool, Callable[[Dict[str, Any]], Any]]


# ---- options -----------------------------------------------------------

class Options:
    """One task's options, held by the library (``_core.Options``).

    ``Options("skipgram", dim=50)``; ``opts["min_count"]`` reads one as text.
    """

    def __init__(self, task: str, **values: Any) -> None:
        self._o = _core.Options(task)
        self.update(**values)

    @property
    def task(self) -> str:
        return self._o.task

    def update(self, **values: Any) -> "Options":
        for key, value in values.items():
            if value is None:
                continue
            name = key.replace("_", "-")
            if isinstance(value, bool):
                value = "1" if value else "0"
            self._o.set(name, str(value))
        return self

    def __getitem__(self, key: str) -> str:
        return self._o.get(key.replace("_", "-"))

    def given(self, key: str) -> bool:
        return self._o.given(key.replace("_", "-"))

    def copy(self) -> "Options":
        c = Options.__new__(Options)
        c._o = self._o.copy()
        return c

    def checked(self) -> "Options":
        """A copy with the dependent defaults filled in, every range checked."""
        c = self.copy()
        c._o.check()
        return c

    def as_dict(self) -> Dict[str, str]:
        return {row[0].replace("-", "_"): self._o.get(row[0]) for row in _core.option_table(self.task)}

    def __repr__(self) -> str:
        given = {k: v for k, v in self.as_dict().items() if self.given(k)}
        return f"Options({self.task!r}, {given})"


def options(task: str) -> List[Tuple[str, str, str, str]]:
    """Every option of a task: (python name, default, kind, help), in the library's order."""
    return [(r[0].replace("-", "_"), r[6], r[2], r[4]) for r in _core.option_table(task)]


def _options_doc(task: str) -> str:
    lines = ["", f"Options ({task}; the command line's -name, with - written _):", ""]
    for name, default, kind, help_ in options(task):
        lines.append(f"    {name} ({kind}, default {default or 'unset'}): {help_}")
    return "\n".join(lines)


# ---- progress ----------------------------------------------------------

class _Bar:
    """The default progress line on a terminal or in a notebook."""

    def __init__(self) -> None:
        self.last = 0.0
        self.live = False

    def __call__(self, p: Dict[str, Any]) -> None:
        now = time.monotonic()
        if p["paused"] and "metric" in p:
            self._end()
            print(f"valid {p['metric']} {p['valid']:.4f} (best {p['best']:.4f})", file=sys.stderr)
            return
        if now - self.last < 0.5 and p["done"] < p["total"]:
            return
        self.last = now
        eta = p["eta_sec"]
        where = f"epoch {p['epoch']}/{p['epochs']}" if p["epochs"] else f"step {p['done']}/{p['total']}"
        sys.stderr.write(f"\r{100 * p['fraction']:5.1f}%  {where}  loss {p['loss']:.4f}  lr {p['lr']:.2g}"
                         f"  eta {eta:.0f}s   ")
        sys.stderr.flush()
        self.live = True

    def _end(self) -> None:
        if self.live:
            sys.stderr.write("\n")
            self.live = False


def _interactive() -> bool:
    if "ipykernel" in sys.modules:
        return True
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def _progress_fn(progress: Progress) -> Tuple[Optional[Callable], Optional[_Bar]]:
    if progress is None:
        progress = _interactive()
    if progress is True:
        bar = _Bar()
        return bar, bar
    if progress is False:
        return None, None
    return progress, None


# ---- input -------------------------------------------------------------

def _is_path(data: Any) -> bool:
    return isinstance(data, (str, bytes, os.PathLike))


def _write_lines(rows: Iterable[Sequence[Any]], path: str, what: str, sep: str = " ",
                 widths: Optional[Tuple[int, ...]] = None) -> None:
    """Writes the rows of an iterable (or a 2-d numpy array) as the text lines the library reads:
    fields joined by ``sep``; no field may be empty or hold ``sep`` (white space for " ")."""
    if isinstance(rows, np.ndarray) and rows.ndim != 2:
        raise ValueError(f"{what}s: a 2-d array, one {what} a row (got {rows.ndim}-d)")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for n, row in enumerate(rows, 1):
            if isinstance(row, (str, bytes)):
                raise TypeError(f"{what} {n}: a sequence of fields, not a string (split it first)")
            fields = row if type(row) is list and all(type(x) is str for x in row) else [str(x) for x in row]
            if widths and len(fields) not in widths:
                raise ValueError(f"{what} {n}: {len(fields)} fields, expected {' or '.join(map(str, widths))}")
            line = sep.join(fields)
            # one split at C speed finds an empty field or one holding a separator
            ok = (len(line.split()) == len(fields) if sep == " " else
                  line.count(sep) == len(fields) - 1 and "\n" not in line and "" not in fields)
            if not ok:
                bad = next(x for x in fields if not x or (any(c.isspace() for c in x) if sep == " " else
                                                            sep in x or "\n" in x))
                raise ValueError(f"{what} {n}: field {bad!r} is empty or holds a separator")
            f.write(line)
            f.write("\n")


def _data_path(data: Any, tmp: str, name: str, what: str, sep: str = " ",
               widths: Optional[Tuple[int, ...]] = None) -> Any:
    """``data`` itself when it is a path, else the file its rows were written to."""
    if _is_path(data):
        return data
    path = os.path.join(tmp, name)
    _write_lines(data, path, what, sep, widths)
    return path


def _paths(files: Union[None, PathLike, Iterable[PathLike]]) -> List[Any]:
    if files is None:
        return []
    if _is_path(files):
        return [files]
    return list(files)


def _one_fit(fit: Callable[..., Any]) -> Callable[..., Any]:
    """One fit at a time on an object: fit releases the GIL, so another thread could call it."""
    @functools.wraps(fit)
    def run(self: Any, *args: Any, **kw: Any) -> Any:
        if self.__dict__.get("_fitting"):
            raise RuntimeError(f"{type(self).__name__}.fit is already running (in another thread)")
        self._fitting = True
        try:
            return fit(self, *args, **kw)
        finally:
            self._fitting = False
    return run


class _Trainer:
    """What every task's model does alike: options, progress, the fitted check."""

    _task = ""

    def __init__(self, **options: Any) -> None:
        self.options = Options(self._task, **options)
        self.options.checked()  # a bad option fails here, not after reading the data
        self._model: Any = None

    def _fitted(self) -> Any:
        if self._model is None:
            raise InvalidError("the model is not trained yet (call fit or load)")
        return self._model

    def _memo(self, name: str, make: Callable[[Any], Any]) -> Any:
        """make(model), kept while the model is the same one (vocabularies never change
        after a model is made)."""
        m = self._fitted()
        memo = self.__dict__.setdefault("_memos", {})
        if memo.get("model") is not m:
            memo.clear()
            memo["model"] = m
        if name not in memo:
            memo[name] = make(m)
        return memo[name]

    def _train(self, call: Callable[..., bool], progress: Progress, *args: Any, **kw: Any) -> None:
        fn, bar = _progress_fn(progress)
        try:
            call(*args, progress=fn, report_every=0.1, **kw)
        finally:
            if bar:
                bar._end()

    def _fit_options(self, valid: Any, more: Optional[Dict[str, Any]] = None) -> "Options":
        """The options of a fit (with ``more`` set on a copy), checked; without validation
        data, the validation options must not be set (the library's rule)."""
        opts = self.options if more is None else self.options.copy().update(**more)
        if valid is None:
            opts._o.check_unvalidated()
        return opts.checked()

    def _resume_options(self, overrides: Dict[str, Any]) -> "Options":
        """The model's options (those it was trained with, as ``-resume`` reads them), then
        the ones given here."""
        o = Options.__new__(Options)
        o._o = self._fitted().options()
        return o.update(**overrides).checked()

    @classmethod
    def _loaded(cls, model: Any) -> Any:
        self = cls.__new__(cls)
        self._model = model
        self.options = Options.__new__(Options)
        self.options._o = model.options()
        return self

    def save(self, path: PathLike) -> None:
        """The ``.model`` file the command line reads (written through a temporary file)."""
        self._fitted().save(path)


# ---- words -------------------------------------------------------------

class _Embedding(_Trainer):
    """What word and pair models share: a table of input vectors over a vocabulary, the
    output table, nearest neighbours, analogies, the evaluations, gensim."""

    def save_vec(self, path: PathLike, binary: bool = False) -> None:
        """The input vectors in word2vec's text (``.vec``) or binary (``.bin``) format."""
        m = self._fitted()
        m.export_bin(path) if binary else m.export_vec(path)

    # -- the model --

    @property
    def vectors(self) -> np.ndarray:
        """The input vectors, (words, dim) float32, sharing memory with the model; with
        subwords (``minn``/``maxn``) the words' vectors, means of their own and their
        n-grams' rows: a read-only copy."""
        m = self._fitted()
        if getattr(m, "subwords", False):
            return np.frombuffer(m.word_vectors(), dtype=np.float32).reshape(-1, m.dim)
        return np.asarray(m.table(0))

    @property
    def output_vectors(self) -> np.ndarray:
        """The output (negative-sampling side) vectors, sharing memory with the model."""
        return np.asarray(self._fitted().table(1))

    @property
    def words(self) -> List[str]:
        """The vocabulary in row order (most frequent first)."""
        return self._memo("words", lambda m: m.words())

    @property
    def counts(self) -> List[int]:
        return self._memo("counts", lambda m: m.counts())

    @property
    def index(self) -> Dict[str, int]:
        """word -> row."""
        return self._memo("index", lambda m: {w: i for i, w in enumerate(m.words())})

    @property
    def dim(self) -> int:
        return self._fitted().dim

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: str) -> bool:
        return word in self.index

    def __getitem__(self, word: str) -> np.ndarray:
        """A word's vector; with subwords any word's (an unseen one: its n-grams' mean)."""
        m = self._fitted()
        if getattr(m, "subwords", False):
            v, rows = m.word_vector(word)
            if rows == 0:
                raise KeyError(f"{word!r} is not in the vocabulary and has no n-gram")
            return np.frombuffer(v, dtype=np.float32)
        return self.vectors[self._id(word)]

    def _id(self, word: str, index: Optional[Dict[str, int]] = None) -> int:
        i = (index if index is not None else self.index).get(word)
        if i is None:
            raise KeyError(f"{word!r} is not in the vocabulary")
        return i

    # -- queries and evaluations --

    def most_similar(self, word: Union[str, np.ndarray], topn: int = 10) -> List[Tuple[str, float]]:
        """The ``topn`` words closest by cosine to a word (itself left out) or a vector."""
        m, index, words = self._fitted(), self.index, self.words
        if isinstance(word, str):
            i = index.get(word)
            query, exclude = np.array(self[word], dtype=np.float32), [] if i is None else [i]
        else:
            query, exclude = np.ascontiguousarray(word, dtype=np.float32), []
        return [(words[i], s) for i, s in m.nearest(query.tobytes(), topn, exclude)]

    def analogy(self, a: str, b: str, c: str, topn: int = 1, method: str = "add",
                restrict: int = 0) -> List[Tuple[str, float]]:
        """a : b :: c : ?  (3CosAdd, or 3CosMul with method="mul"), a, b and c left out."""
        if method not in ("add", "mul"):
            raise ValueError("method: 'add' or 'mul'")
        m, index, words = self._fitted(), self.index, self.words
        hits = m.analogy(self._id(a, index), self._id(b, index), self._id(c, index), topn, method == "mul", restrict)
        return [(words[i], s) for i, s in hits]

    def evaluate_analogy(self, path: PathLike, restrict: int = 30000,
                         case_sensitive: bool = False, oov: bool = True) -> Dict[str, Any]:
        """A questions-words file, as ``negsamp eval-analogy`` scores it: per section and in total
        (questions, covered, correct_add, correct_mul, oov), plus ``accuracy`` (3CosAdd over
        covered). With subwords and ``oov``, question words outside the first ``restrict``
        get their vectors (n-grams' for unseen ones; counted in ``oov``)."""
        r = self._fitted().eval_analogy(path, restrict, case_sensitive, oov)
        t = r["total"]
        r["accuracy"] = t["correct_add"] / t["covered"] if t["covered"] else float("nan")
        return r

    def evaluate_similarity(self, path: PathLike, case_sensitive: bool = False,
                            oov: bool = True) -> Dict[str, Any]:
        """A word-similarity file (WordSim-353 and the like): Spearman and Pearson over covered
        pairs; with subwords and ``oov`` unseen words get their n-grams' vectors (``oov``
        counts those pairs)."""
        return self._fitted().eval_similarity(path, case_sensitive, oov)

    def to_gensim(self):
        """The vectors as a gensim ``KeyedVectors`` (needs gensim)."""
        from gensim.models import KeyedVectors

        kv = KeyedVectors(self.dim)
        kv.add_vectors(self.words, np.array(self.vectors))
        for w, c in zip(self.words, self.counts):
            kv.set_vecattr(w, "count", c)
        return kv


class Words(_Embedding):
    """Word vectors: skip-gram or CBOW with negative sampling (every loss).

    ``Words(model="skipgram", **options)``; ``fit(data)`` trains on a text
    file (any format ``negsamp skipgram`` reads: UTF-8, whitespace
    tokenised, ``.gz``) or an iterable of sentences (lists of str).
    """

    def __init__(self, model: str = "skipgram", **options: Any) -> None:
        if model not in ("skipgram", "cbow"):
            raise ValueError(f"model: 'skipgram' or 'cbow', not {model!r}")
        self._task = model
        super().__init__(**options)

    # -- training --

    @_one_fit
    def fit(self, data: Union[PathLike, Iterable[Sequence[str]]], valid: Optional[PathLike] = None,
            progress: Progress = None, checkpoint: Optional[PathLike] = None,
            noise_file: Optional[PathLike] = None) -> "Words":
        """Trains a fresh model on ``data``.

        ``valid``: analogy questions for validation (``-valid``);
        ``progress``: a callable receiving a dict per report (return True to
        stop), True for the progress line, False for none (default: the line
        on a terminal or in a notebook); ``checkpoint``: where the run's
        checkpoints go (with the ``checkpoint_every`` option); ``noise_file``:
        ``token weight`` lines to draw negatives by (``-noise-file``). Ctrl-C stops
        within a second and raises KeyboardInterrupt; the model trained so
        far stays usable, ``resume`` continues the run (``save`` writes it as
        a checkpoint).
        """
        opts = self._fit_options(valid)
        with tempfile.TemporaryDirectory(prefix="negsamp-") as tmp:
            corpus = _core.Corpus(_data_path(data, tmp, "sentences.txt", "sentence"), opts._o)
        self._model = _core.WordModel.create(corpus, opts._o)
        self._train(self._model.train, progress, corpus, opts._o, valid, checkpoint=checkpoint,
                    noise_file=noise_file)
        return self

    @_one_fit
    def resume(self, data: Union[PathLike, Iterable[Sequence[str]]], valid: Optional[PathLike] = None,
               progress: Progress = None, checkpoint: Optional[PathLike] = None,
               noise_file: Optional[PathLike] = None, **options: Any) -> "Words":
        """Continues the run where it stopped (Ctrl-C, a callback's stop, a loaded checkpoint),
        or trains a finished model on to a larger ``epochs``, as ``-resume`` does: on the same
        text (read over the model's words), with the model's options and those given here.
        With one thread and the seed unchanged, a stopped and resumed run ends with the
        uninterrupted run's vectors (knowledge graphs under dense Adam: as good, not the
        same bits: its catch-up at the stop rounds differently)."""
        opts = self.options = self._resume_options(options)
        with tempfile.TemporaryDirectory(prefix="negsamp-") as tmp:
            corpus = _core.Corpus(_data_path(data, tmp, "sentences.txt", "sentence"), opts._o, self._model, True)
        self._train(self._model.train, progress, corpus, opts._o, valid, checkpoint=checkpoint,
                    noise_file=noise_file)
        return self

    # -- files --

    def save_fasttext(self, path: PathLike) -> None:
        """The model as fastText's ``.bin`` (``fasttext print-word-vectors`` and the like load it)."""
        self._fitted().export_fasttext(path)

    @classmethod
    def load(cls, path: PathLike) -> "Words":
        """A ``.model`` file written by ``negsamp skipgram``/``cbow`` or ``save``, or a fastText
        skip-gram/CBOW ``.bin``."""
        m = _core.WordModel.load(path)
        if m.task not in ("skipgram", "cbow"):
            raise InvalidError(f"{os.fspath(path)}: a {m.task} model, not a word model")
        self = cls._loaded(m)
        self._task = m.task
        return self

    def __repr__(self) -> str:
        if self._model is None:
            return f"Words({self.options.task!r}, not trained)"
        return f"Words({self._model.task!r}, {len(self)} words, dim {self.dim})"


Words.__doc__ = (Words.__doc__ or "") + _options_doc("skipgram")


# ---- pairs -------------------------------------------------------------

class Pairs(_Embedding):
    """Left and right item vectors from pairs (``negsamp pairs-train``): queries and their
    answers, users and items, a text and its label; every loss, InfoNCE included.

    ``fit(data)`` trains on a file of ``left<TAB>right[<TAB>negative...]`` lines or an
    iterable of ``(left, right, *negatives)`` tuples. ``vectors``/``words`` are the left
    side, ``right_vectors``/``right_items`` the right side (the same vocabulary with
    ``shared_vocab``).
    """

    _task = "pairs"

    @_one_fit
    def fit(self, data: Union[PathLike, Iterable[Sequence[Any]]], valid: Any = None, progress: Progress = None,
            checkpoint: Optional[PathLike] = None, noise_file: Optional[PathLike] = None) -> "Pairs":
        """Trains a fresh model. ``valid``: held-out pairs (a path or tuples) for filtered MRR
        every ``valid_every`` epochs; ``noise_file``: ``item weight`` lines to draw negative
        right items by. Progress, checkpoints and Ctrl-C as in ``Words.fit``."""
        opts = self._fit_options(valid)
        with tempfile.TemporaryDirectory(prefix="negsamp-") as tmp:
            data = _core.PairData(_data_path(data, tmp, "pairs.txt", "pair", "\t"), opts._o)
            self._model = _core.WordModel.create_pairs(data, opts._o)
            vd = None if valid is None else self._pairs(valid, tmp, "valid.txt")
        self._train(self._model.train_pairs, progress, data, opts._o, vd, checkpoint=checkpoint,
                    noise_file=noise_file)
        return self

    @_one_fit
    def resume(self, data: Union[PathLike, Iterable[Sequence[Any]]], valid: Any = None, progress: Progress = None,
               checkpoint: Optional[PathLike] = None, noise_file: Optional[PathLike] = None,
               **options: Any) -> "Pairs":
        """Continues the run on the same pairs (read over the model's items), as ``Words.resume``."""
        opts = self.options = self._resume_options(options)
        with tempfile.TemporaryDirectory(prefix="negsamp-") as tmp:
            data = self._pairs(data, tmp, "pairs.txt")
            vd = None if valid is None else self._pairs(valid, tmp, "valid.txt")
        self._train(self._model.train_pairs, progress, data, opts._o, vd, checkpoint=checkpoint,
                    noise_file=noise_file)
        return self

    def _pairs(self, rows: Any, tmp: str, name: str) -> "_core.PairData":
        """Held-out pairs over the model's items."""
        return _core.PairData(_data_path(rows, tmp, name, "pair", "\t"), self.options._o, self._fitted())

    @classmethod
    def load(cls, path: PathLike) -> "Pairs":
        """A ``.model`` file written by ``negsamp pairs-train`` or ``save``."""
        m = _core.WordModel.load(path)
        if m.task != "pairs":
            raise InvalidError(f"{os.fspath(path)}: a {m.task} model, not a pair model")
        return cls._loaded(m)

    @property
    def right_items(self) -> List[str]:
        return self._memo("right_items", lambda m: m.words(1))

    @property
    def right_vectors(self) -> np.ndarray:
        """(right items, dim) float32, sharing memory with the model."""
        return self.output_vectors

    def evaluate(self, test: Any, filters: Any = None, ks: Sequence[int] = (1, 10, 100)) -> Dict[str, Any]:
        """Every right item ranked for the left item of each held-out pair (a path or tuples):
        Recall@K and MRR of the true right item, filtered by the other right items of the same
        left item in ``test`` and in ``filters``: a path, or a list whose entries are each a path
        or a list of pair tuples (e.g. the training pairs), as ``negsamp pairs-eval`` ranks them."""
        m = self._fitted()
        sets = [] if filters is None else [filters] if _is_path(filters) else list(filters)
        with tempfile.TemporaryDirectory(prefix="negsamp-") as tmp:
            fs = [self._pairs(f, tmp, f"filter{i}.txt") for i, f in enumerate(sets)]
            return m.eval_pairs(self._pairs(test, tmp, "test.txt"), fs, list(ks))

    def __repr__(self) -> str:
        if self._model is None:
            return "Pairs(not trained)"
        return f"Pairs({len(self.words)} left, {len(self.right_items)} right items, dim {self.dim})"


Pairs.__doc__ = (Pairs.__doc__ or "") + _options_doc("pairs")


# ---- recommendation ----------------------------------------------------

# How the files written from rows are read (whatever the options say about
# the user's own files).
_ROWS_READ = {"columns": "1,2,3,4", "sep": "runs", "header": "0"}


class Recommender(_Trainer):
    """Users' and items' vectors from interactions (``negsamp rec-train``).

    ``Recommender(model="mf", loss="bpr", dns=5, ...)``; ``fit(data)`` trains on
    a file of ``user item [weight] [timestamp]`` lines (MovieLens ``u.data`` as
    is; the ``columns``, ``sep``, ``header`` and ``min_rating`` options say how
    to read it), an iterable of ``(user, item[, weight[, time]])`` tuples, or a
    2-d numpy array of such rows. ``model="item2vec"`` trains skip-gram over each
    user's items in time order.
    """

    _task = "rec"

    @_one_fit
    def fit(self, data: Union[PathLike, Iterable[Sequence[Any]], np.ndarray], valid: Any = None,
            split: Optional[str] = None, progress: Progress = None,
            checkpoint: Optional[PathLike] = None) -> "Recommender":
        """Trains a fresh recommender. ``split="leave-last-out"`` holds out each user's last
        positive (kept with the model: ``evaluate()`` ranks it); ``valid``: interactions for
        validation (NDCG@10 every ``valid_every`` epochs; a path or rows like ``data``).
        Progress, checkpoints and Ctrl-C as in ``Words.fit``."""
        if split not in (None, "leave-last-out"):
            raise ValueError(f"split: None or 'leave-last-out', not {split!r}")
        opts = self._fit_options(valid, None if _is_path(data) else _ROWS_READ)
        with tempfile.TemporaryDirectory(prefix="negsamp-") as tmp:
            path = _data_path(data, tmp, "interactions.txt", "interaction", widths=(2, 3, 4))
            valid_path = None if valid is None else _data_path(valid, tmp, "valid.txt", "interaction",
                                                               widths=(2, 3, 4))
            self._model = _core.Rec.create(path, opts._o, split is not None)
            self._train(self._model.train, progress, opts._o, valid_path, checkpoint=checkpoint)
        return self

    @_one_fit
    def resume(self, valid: Any = None, progress: Progress = None, checkpoint: Optional[PathLike] = None,
               **options: Any) -> "Recommender":
        """Continues the run on the interactions the model holds, as ``Words.resume``
        (``negsamp rec-train -resume``)."""
        opts = self.options = self._resume_options(options)
        with tempfile.TemporaryDirectory(prefix="negsamp-") as tmp:
            valid_path = None if valid is None else _data_path(valid, tmp, "valid.txt", "interaction",
                                                               widths=(2, 3, 4))
            self._train(self._model.train, progress, opts._o, valid_path, checkpoint=checkpoint)
        return self

    @classmethod
    def load(cls, path: PathLike) -> "Recommender":
        """A ``.model`` file written by ``negsamp rec-train`` or ``save`` (its interactions included)."""
        return cls._loaded(_core.Rec.load(path))

    @property
    def kind(self) -> str:
        """"mf" or "item2vec"."""
        return self._fitted().kind

    @property
    def users(self) -> List[str]:
        return self._memo("users", lambda m: m.users())

    @property
    def items(self) -> List[str]:
        return self._memo("items", lambda m: m.items())

    @property
    def user_vectors(self) -> np.ndarray:
        """(users, dim) float32, sharing memory with the model (matrix factorisation only)."""
        return np.asarray(self._fitted().table(0))

    @property
    def item_vectors(self) -> np.ndarray:
        """(items, dim) float32, sharing memory with the model."""
        return np.asarray(self._fitted().table(1))

    def _user(self, user: Any) -> int:
        if user is None:
            return -1
        i = self._memo("user_index", lambda m: {u: i for i, u in enumerate(m.users())}).get(str(user))
        if i is None:
            raise KeyError(f"{user!r} is not a training user")
        return i

    def recommend(self, user: Any, k: int = 10) -> List[Tuple[str, float]]:
        """The ``k`` best items for ``user`` that are not its training positives, best first
        (``user=None``: the most popular)."""
        items = self.items
        return [(items[i], s) for i, s in self._fitted().recommend(self._user(user), k)]

    def scores(self, user: Any) -> np.ndarray:
        """The user's score for every item (``user=None``: popularity), float32."""
        return np.frombuffer(self._fitted().scores(self._user(user)), dtype=np.float32).copy()

    def evaluate(self, test: Any = None, ks: Sequence[int] = (10, 20)) -> Dict[str, Any]:
        """Full ranking on held-out interactions (a path or rows; None: the split kept with the
        model): Recall, NDCG and HR at ``ks`` and MRR for the model and for popularity."""
        m = self._fitted()
        with tempfile.TemporaryDirectory(prefix="negsamp-") as tmp:
            if test is not None and not _is_path(test):
                o = m.options()
                for name, value in _ROWS_READ.items():
                    o.set(name, value)
                return m.evaluate(_data_path(test, tmp, "test.txt", "interaction", widths=(2, 3, 4)), list(ks), o)
            return m.evaluate(test, list(ks))

    def __repr__(self) -> str:
        if self._model is None:
            return "Recommender(not trained)"
        return f"Recommender({self.kind!r}, {len(self.users)} users, {len(self.items)} items, dim {self._model.dim})"


Recommender.__doc__ = (Recommender.__doc__ or "") + _options_doc("rec")


# ---- knowledge graphs --------------------------------------------------

# ---- graphs ------------------------------------------------------------

_EDGE_OPS = ("hadamard", "average", "l1", "l2")


def _graph(edges: Any, tmp: str, undirected: bool) -> Any:
    return _core.Graph(_data_path(edges, tmp, "edges.txt", "edge", " ", (2, 3)), undirected)


class Graph(_Embedding):
    """Node vectors from a graph (``negsamp graph-train``): DeepWalk, node2vec (``p``, ``q``)
    or LINE (``order``), walks made on the fly; node classification and link prediction.

    ``Graph(method="node2vec", p=0.25, q=0.25, undirected=True)``; ``fit(edges)`` trains on
    an edge list (``u v [weight]`` lines, ``.gz``) or an iterable of ``(u, v)`` /
    ``(u, v, weight)`` tuples.
    """

    _task = "graph"

    @_one_fit
    def fit(self, edges: Union[PathLike, Iterable[Sequence[Any]]], progress: Progress = None,
            checkpoint: Optional[PathLike] = None) -> "Graph":
        """Trains a fresh model. Progress, checkpoints and Ctrl-C as in ``Words.fit`` (a run
        stopped by Ctrl-C keeps no model here)."""
        opts = self._fit_options(None)
        with tempfile.TemporaryDirectory(prefix="negsamp-") as tmp:
            self._data = _graph(edges, tmp, opts["undirected"] == "1")
        self._model = None
        self._run(opts, None, progress, checkpoint)
        return self

    @_one_fit
    def resume(self, edges: Union[PathLike, Iterable[Sequence[Any]], None] = None, progress: Progress = None,
               checkpoint: Optional[PathLike] = None, **options: Any) -> "Graph":
        """Continues the run (stopped by a callback, or loaded from a checkpoint) or trains on to
        a larger ``epochs``: on the fitted graph, or on ``edges`` (needed for a loaded model),
        with the model's options and those given here."""
        opts = self.options = self.options.copy().update(**options).checked()
        if edges is not None or getattr(self, "_data", None) is None:
            if edges is None:
                raise InvalidError("resume: give the edges (a loaded model does not hold its graph)")
            with tempfile.TemporaryDirectory(prefix="negsamp-") as tmp:
                self._data = _graph(edges, tmp, opts["undirected"] == "1")
        self._run(opts, self._fitted(), progress, checkpoint)
        return self

    def _run(self, opts: "Options", model: Any, progress: Progress, checkpoint: Optional[PathLike]) -> None:
        fn, bar = _progress_fn(progress)
        try:
            m, _ = _core.train_graph(self._data, opts._o, model, progress=fn, report_every=0.1,
                                     checkpoint=checkpoint)
        finally:
            if bar:
                bar._end()
        self._model = m

    @property
    def stats(self) -> Dict[str, Any]:
        """What reading the edge list counted: nodes, edges, arcs, self loops, duplicates,
        sinks, weighted, undirected."""
        if getattr(self, "_data", None) is None:
            raise InvalidError("no graph read yet (call fit)")
        return self._data.stats

    def evaluate_nodes(self, labels: Union[PathLike, Iterable[Sequence[Any]]],
                       ratios: Sequence[float] = (0.1, 0.5, 0.9), repeats: int = 10,
                       seed: int = 1) -> List[Dict[str, Any]]:
        """Node classification as ``negsamp graph-eval -labels`` runs it (one-vs-rest logistic
        regression by liblinear): per ratio a dict of micro_f1, macro_f1 (means over the
        repeats), their sd, train/test nodes, labels and unknown (label lines without a
        vector). ``labels``: ``node label`` lines or ``(node, label)`` tuples."""
        m = self._fitted()
        with tempfile.TemporaryDirectory(prefix="negsamp-") as tmp:
            path = _data_path(labels, tmp, "labels.txt", "label", " ", (2,))
            return [_core.eval_nodes(m, path, float(r), int(repeats), int(seed)) for r in ratios]

    def evaluate_links(self, train_pairs: PathLike, test_pairs: PathLike,
                       features: Union[str, Sequence[str]] = "hadamard") -> Dict[str, float]:
        """Link prediction AUC per edge feature (hadamard, average, l1, l2) of logistic
        regression trained on ``train_pairs`` and scored on ``test_pairs`` (``u v label``
        files, as ``graph_split`` writes them)."""
        m = self._fitted()
        names = [features] if isinstance(features, str) else list(features)
        for f in names:
            if f not in _EDGE_OPS:
                raise ValueError(f"features: {', '.join(_EDGE_OPS)}; not {f!r}")
        return {f: _core.eval_links(m, train_pairs, test_pairs, _EDGE_OPS.index(f))[0] for f in names}

    @classmethod
    def load(cls, path: PathLike) -> "Graph":
        """A ``.model`` written by ``negsamp graph-train`` or ``save``, with its options (the
        graph's included)."""
        m = _core.WordModel.load(path)
        if m.options().task != "graph":
            raise InvalidError(f"{os.fspath(path)}: not a graph model (negsamp graph-train writes those)")
        self = cls._loaded(m)
        self._data = None
        return self

    def __repr__(self) -> str:
        if self._model is None:
            return f"Graph({self.options['method']!r}, not trained)"
        return f"Graph({self.options['method']!r}, {len(self)} nodes, dim {self.dim})"


Graph.__doc__ = (Graph.__doc__ or "") + _options_doc("graph")


def graph_split(edges: Union[PathLike, Iterable[Sequence[Any]]], prefix: PathLike, fraction: float = 0.5,
                undirected: bool = False, seed: int = 1) -> int:
    """``negsamp graph-split``: removes ``fraction`` of the edges at random (never one of a
    random spanning forest) and writes PREFIX.train (the residual edges), PREFIX.train.pairs
    and PREFIX.test.pairs; returns the number of edges removed."""
    with tempfile.TemporaryDirectory(prefix="negsamp-") as tmp:
        g = _graph(edges, tmp, undirected)
    return g.split(float(fraction), int(seed), prefix)


class KnowledgeGraph(_Trainer):
    """Entity and relation vectors for link prediction (``negsamp kg-train``).

    ``KnowledgeGraph(model="rotate", dim=500, gamma=6, ...)``; ``fit(data)``
    trains on a file of ``head<TAB>relation<TAB>tail`` lines or an iterable
    of ``(head, relation, tail)`` tuples.
    """

    _task = "kg"

    @_one_fit
    def fit(self, data: Union[PathLike, Iterable[Sequence[Any]]], valid: Any = None,
            filters: Union[None, PathLike, Iterable[PathLike]] = None, progress: Progress = None,
            checkpoint: Optional[PathLike] = None) -> "KnowledgeGraph":
        """Trains a fresh model. ``valid``: triples (a path or tuples) for filtered MRR every
        ``valid_every`` steps, filtered against train, valid and ``filters`` (paths); the
        model ends in its best validated state. Progress, checkpoints and Ctrl-C as in
        ``Words.fit``."""
        opts = self._fit_options(valid)
        with tempfile.TemporaryDirectory(prefix="negsamp-") as tmp:
            path = _data_path(data, tmp, "train.txt", "triple", "\t", (3,))
            valid_path = None if valid is None else _data_path(valid, tmp, "valid.txt", "triple", "\t", (3,))
            self._model = _core.KG.create(path, opts._o)
            self._train(self._model.train, progress, opts._o, None, valid_path, _paths(filters),
                        checkpoint=checkpoint)
        return self

    @_one_fit
    def resume(self, data: Any = None, valid: Any = None, filters: Union[None, PathLike, Iterable[PathLike]] = None,
               progress: Progress = None, checkpoint: Optional[PathLike] = None, **options: Any) -> "KnowledgeGraph":
        """Continues the run (to ``steps`` in all), as ``Words.resume``: on the fitted model's
        triples, or on ``data`` (needed for a loaded model; over its entities and relations)."""
        opts = self.options = self._resume_options(options)
        with tempfile.TemporaryDirectory(prefix="negsamp-") as tmp:
            path = None if data is None else _data_path(data, tmp, "train.txt", "triple", "\t", (3,))
            valid_path = None if valid is None else _data_path(valid, tmp, "valid.txt", "triple", "\t", (3,))
            self._train(self._model.train, progress, opts._o, path, valid_path, _paths(filters),
                        checkpoint=checkpoint)
        return self

    @classmethod
    def load(cls, path: PathLike) -> "KnowledgeGraph":
        """A ``.model`` file written by ``negsamp kg-train`` or ``save``. It does not hold the
        training triples: give them to ``evaluate`` and ``predict`` as ``filters``."""
        return cls._loaded(_core.KG.load(path))

    @property
    def model(self) -> str:
        return self._fitted().model

    @property
    def steps(self) -> int:
        return self._fitted().steps

    @property
    def entities(self) -> List[str]:
        return self._memo("entities", lambda m: m.entities())

    @property
    def relations(self) -> List[str]:
        return self._memo("relations", lambda m: m.relations())

    @property
    def entity_vectors(self) -> np.ndarray:
        """(entities, dim) float32 sharing memory with the model; for ComplEx and RotatE the
        real parts (``entity_vectors_imag``: the imaginary parts)."""
        return np.asarray(self._fitted().table(0, 0))

    @property
    def entity_vectors_imag(self) -> np.ndarray:
        return np.asarray(self._fitted().table(0, 1))

    @property
    def relation_vectors(self) -> np.ndarray:
        """(relations, dim) float32 sharing memory with the model (RotatE: the stored phases;
        ComplEx: the real parts, ``relation_vectors_imag`` the imaginary ones)."""
        return np.asarray(self._fitted().table(1, 0))

    @property
    def relation_vectors_imag(self) -> np.ndarray:
        return np.asarray(self._fitted().table(1, 1))

    def _id(self, name: Any, what: str) -> int:
        index = self._memo(what, lambda m: {x: i for i, x in enumerate(m.entities() if what == "entity"
                                                                        else m.relations())})
        i = index.get(str(name))
        if i is None:
            raise KeyError(f"{name!r} is not a known {what}")
        return i

    def score(self, head: Any, relation: Any, tail: Any) -> float:
        """The scorer's value f(h, r, t) (higher: more plausible)."""
        return self._fitted().score(self._id(head, "entity"), self._id(relation, "relation"),
                                    self._id(tail, "entity"))

    def predict(self, head: Any = None, relation: Any = None, tail: Any = None, k: int = 10,
                filter_train: bool = True) -> List[Tuple[str, float]]:
        """The ``k`` best answers to (head, relation, ?) or (?, relation, tail) (give exactly
        one of head and tail), best first; with ``filter_train`` answers that make a training
        triple are left out (a fitted model's; a loaded one has none)."""
        if (head is None) == (tail is None):
            raise ValueError("give exactly one of head and tail")
        h = -1 if head is None else self._id(head, "entity")
        t = -1 if tail is None else self._id(tail, "entity")
        hits = self._fitted().predict(h, self._id(relation, "relation"), t, k, filter_train)
        e = self.entities
        return [(e[i], s) for i, s in hits]

    def evaluate(self, test: Any, filters: Union[None, PathLike, Iterable[PathLike]] = None, raw: bool = False,
                 threads: Optional[int] = None, max: int = 0) -> Dict[str, Any]:
        """Filtered link prediction on ``test`` (a path or triples): every triple ranked against
        all entities as a tail and as a head; the training triples (a fitted model's), the test
        triples and ``filters`` (paths: give train and valid for a loaded model) are left out of
        the candidates, none with ``raw``. MR, MRR and Hits@1/3/10 for both sides and each."""
        files = _paths(filters)
        if raw and files:
            raise ValueError("raw and filters exclude each other")
        if threads is None:
            threads = int(self._fitted().options().get("threads"))
        with tempfile.TemporaryDirectory(prefix="negsamp-") as tmp:
            path = _data_path(test, tmp, "test.txt", "triple", "\t", (3,))
            return self._fitted().evaluate(path, files, raw, threads, max)

    def __repr__(self) -> str:
        if self._model is None:
            return "KnowledgeGraph(not trained)"
        return (f"KnowledgeGraph({self.model!r}, {len(self.entities)} entities, {len(self.relations)} relations,"
                f" {self.steps} steps)")


KnowledgeGraph.__doc__ = (KnowledgeGraph.__doc__ or "") + _options_doc("kg")


# ---- building blocks: the sampler and the losses -----------------------

class Sampler:
    """The trainers' alias sampler over arbitrary non-negative weights: O(1) a draw.

    ``Sampler(weights, seed=1).draw(n, exclude=ids)`` draws ``n`` ids with probability
    ``weights[i] / sum(weights)``; a draw that hits ``exclude`` is redrawn up to 8 times and
    dropped after that (as the trainers drop it), so fewer than ``n`` may come back when the
    excluded ids hold most of the mass.
    """

    def __init__(self, weights: Any, seed: int = 1) -> None:
        w = np.ascontiguousarray(weights, dtype=np.float64)
        if w.ndim != 1:
            raise ValueError("weights: a 1-d sequence")
        self._s = _core.Sampler(w.tobytes(), seed)
        self.probabilities = w / w.sum()

    def __len__(self) -> int:
        return self._s.n

    def draw(self, n: int, exclude: Any = None) -> np.ndarray:
        ex = b"" if exclude is None else np.ascontiguousarray(exclude, dtype=np.int32).tobytes()
        return np.frombuffer(self._s.draw(int(n), ex), dtype=np.int32).copy()


def _f32(x: Any) -> np.ndarray:
    return np.ascontiguousarray(x, dtype=np.float32)


def _pos_neg(pos: Any, neg: Any) -> Tuple[np.ndarray, np.ndarray]:
    p, n = _f32(pos), _f32(neg)
    if p.ndim != 1 or n.ndim != 2 or n.shape[0] != p.shape[0]:
        raise ValueError(f"pos: (batch,), neg: (batch, k); got {p.shape} and {n.shape}")
    return p, n


def sgns_loss(pos: Any, neg: Any) -> Tuple[float, np.ndarray, np.ndarray]:
    """word2vec's loss over scores: sum_i [softplus(-pos_i) + sum_j softplus(neg_ij)].

    ``pos``: (batch,) positive scores, ``neg``: (batch, k) negative scores. Returns
    ``(loss, dL/dpos, dL/dneg)`` (the library's kernel: its polynomial exp/log, ~1e-7).
    """
    p, n = _pos_neg(pos, neg)
    s = np.concatenate([p[:, None], n], axis=1)
    y = np.zeros_like(s)
    y[:, 0] = 1
    total, _, g = _core.loss_logistic(s.tobytes(), y.tobytes())
    g = np.frombuffer(g, dtype=np.float32).reshape(s.shape)
    return total, g[:, 0].copy(), g[:, 1:].copy()


def nce_loss(pos: Any, neg: Any, log_k_pn_pos: Any, log_k_pn_neg: Any) -> Tuple[float, np.ndarray, np.ndarray]:
    """NCE: the logistic loss on scores minus log(k Pn(y)) of their items (the correction that
    makes exp(score) a normalised probability). Shapes as ``sgns_loss``; the gradients are with
    respect to the uncorrected scores."""
    p, n = _pos_neg(pos, neg)
    return sgns_loss(p - _f32(log_k_pn_pos), n - _f32(log_k_pn_neg))


def _rows(kind: int, scores: np.ndarray, pos: Optional[np.ndarray] = None, weight: float = 1.0) -> Tuple[float, np.ndarray]:
    rows, cols = scores.shape
    p = None if pos is None else np.ascontiguousarray(pos, dtype=np.int32).tobytes()
    total, g = _core.loss_rows(kind, scores.tobytes(), rows, cols, p, weight)
    return total, np.frombuffer(g, dtype=np.float32).reshape(scores.shape).copy()


def sampled_softmax_loss(pos: Any, neg: Any, log_k_pn_pos: Any, log_k_pn_neg: Any) -> Tuple[float, np.ndarray, np.ndarray]:
    """Sampled softmax: cross-entropy of the positive among itself and its k negatives, each
    logit corrected by -log(k Pn(y)). Returns ``(loss, dL/dpos, dL/dneg)``."""
    p, n = _pos_neg(pos, neg)
    s = np.concatenate([(p - _f32(log_k_pn_pos))[:, None], n - _f32(log_k_pn_neg)], axis=1)
    total, g = _rows(0, np.ascontiguousarray(s))
    return total, g[:, 0].copy(), g[:, 1:].copy()


def infonce_loss(scores: Any) -> Tuple[float, np.ndarray]:
    """InfoNCE over a (batch, batch) matrix of scores, row i's positive on the diagonal and the
    other columns its in-batch negatives: sum of each row's softmax cross-entropy, and dL/dscores."""
    s = _f32(scores)
    if s.ndim != 2 or s.shape[0] != s.shape[1]:
        raise ValueError(f"scores: a square (batch, batch) matrix, got {s.shape}")
    return _rows(0, s, np.arange(s.shape[0]))


def bpr_loss(pos: Any, neg: Any) -> Tuple[float, np.ndarray, np.ndarray]:
    """BPR: sum_ij softplus(neg_ij - pos_i). Returns ``(loss, dL/dpos, dL/dneg)``."""
    p, n = _pos_neg(pos, neg)
    total, g = _rows(1, np.ascontiguousarray(np.concatenate([p[:, None], n], axis=1)))
    return total, g[:, 0].copy(), g[:, 1:].copy()


def warp_loss(pos: Any, neg: Any, weight: float = 1.0) -> Tuple[float, np.ndarray, np.ndarray]:
    """WARP's margin-1 hinge, weight * sum_ij max(0, 1 - pos_i + neg_ij) (the trainer's
    weight is the rank estimate). Returns ``(loss, dL/dpos, dL/dneg)``."""
    p, n = _pos_neg(pos, neg)
    total, g = _rows(2, np.ascontiguousarray(np.concatenate([p[:, None], n], axis=1)), None, weight)
    return total, g[:, 0].copy(), g[:, 1:].copy()
