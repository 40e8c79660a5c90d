"""A run stopped part way (by the progress callback, as Ctrl-C stops it) and
resumed ends with the uninterrupted run's model, bit for bit (one thread,
the same seed), for every task; and through a saved checkpoint."""
import numpy as np
import pytest

import negsamp
from conftest import planted_interactions, planted_triples


def stop_at(fraction):
    """Stops at the first timed report (every 0.1 s) past `fraction`; the epochs' own reports
    can come after the fact, when a fast run is already further. The runs below take 0.5 s or
    more on a fast machine."""
    return lambda p: not p["epoch_done"] and p["fraction"] >= fraction


def test_words(tmp_path, sentences):
    opts = dict(dim=16, epochs=50, threads=1, seed=2, min_count=1)
    full = negsamp.Words(**opts).fit(sentences, progress=False)
    part = negsamp.Words(**opts).fit(sentences, progress=stop_at(0.2))
    assert not np.array_equal(part.vectors, full.vectors)
    part.save(tmp_path / "part.model")  # a checkpoint: resumes the same way from the file
    part.resume(sentences, progress=False)
    assert np.array_equal(part.vectors, full.vectors)
    loaded = negsamp.Words.load(tmp_path / "part.model").resume(sentences, progress=False)
    assert np.array_equal(loaded.vectors, full.vectors)
    # a finished model trains on to more epochs
    more = negsamp.Words.load(tmp_path / "part.model").resume(sentences, progress=False, epochs=52)
    assert more.options["epochs"] == "52" and not np.array_equal(more.vectors, full.vectors)


def test_pairs():
    rows = [(f"q{i}", f"a{i % 6}x{j}") for i in range(40) for j in range(8)]
    opts = dict(dim=8, epochs=8000, threads=1, seed=3)
    full = negsamp.Pairs(**opts).fit(rows, progress=False)
    part = negsamp.Pairs(**opts).fit(rows, progress=stop_at(0.2))
    assert not np.array_equal(part.vectors, full.vectors)
    part.resume(rows, progress=False)
    assert np.array_equal(part.vectors, full.vectors) and np.array_equal(part.right_vectors, full.right_vectors)


def test_recommender():
    rows = planted_interactions()
    opts = dict(dim=8, epochs=2000, threads=1, seed=4)
    full = negsamp.Recommender(**opts).fit(rows, progress=False)
    part = negsamp.Recommender(**opts).fit(rows, progress=stop_at(0.2))
    assert not np.array_equal(part.item_vectors, full.item_vectors)
    part.resume(progress=False)
    assert np.array_equal(part.item_vectors, full.item_vectors)


def test_knowledge_graph(tmp_path):
    # lazy Adam: dense Adam's catch-up at a pause rounds differently from one larger catch-up,
    # so there a resumed run is as good, not the same bits (tests/test_engine.c)
    triples = planted_triples()
    opts = dict(model="rotate", dim=16, steps=40000, batch=32, neg=8, threads=1, seed=5, lr=0.02, optim="lazy-adam")
    full = negsamp.KnowledgeGraph(**opts).fit(triples, progress=False)
    part = negsamp.KnowledgeGraph(**opts).fit(triples, progress=stop_at(0.2))
    assert part.steps < 40000
    part.save(tmp_path / "kg.model")
    part.resume(progress=False)
    assert part.steps == 40000 and np.array_equal(part.entity_vectors, full.entity_vectors)
    loaded = negsamp.KnowledgeGraph.load(tmp_path / "kg.model")
    with pytest.raises(ValueError, match="training triples"):
        loaded.resume(progress=False)
    loaded.resume(triples, progress=False)
    assert np.array_equal(loaded.entity_vectors, full.entity_vectors)


def test_resume_needs_a_model():
    with pytest.raises(negsamp.InvalidError, match="not trained"):
        negsamp.Words().resume([["a"]])
