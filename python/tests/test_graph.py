import random

import numpy as np
import pytest

import negsamp
from negsamp import _core

OPTS = dict(dim=16, window=5, walks_per_node=5, walk_length=30, threads=1, seed=2, undirected=True)


def planted(seed=5, blocks=4, size=20, pin=0.3, pout=0.01):
    """Edges of a stochastic block model and each node's block."""
    rng = random.Random(seed)
    n = blocks * size
    edges = [(f"n{u}", f"n{v}") for u in range(n) for v in range(u + 1, n)
             if rng.random() < (pin if u // size == v // size else pout)]
    return edges, [(f"n{u}", f"b{u // size}") for u in range(n)]


def neighbours_in_block(g, k=5):
    same = total = 0
    for u in range(80):
        for w, _ in g.most_similar(f"n{u}", topn=k):
            same += int(w[1:]) // 20 == u // 20
            total += 1
    return same / total


def test_tuples_path_and_cli_give_the_same_model(cli, tmp_path):
    edges, _ = planted()
    path = tmp_path / "edges.txt"
    path.write_text("".join(f"{u} {v}\n" for u, v in edges))
    a = negsamp.Graph(**OPTS).fit(edges, progress=False)
    b = negsamp.Graph(**OPTS).fit(str(path), progress=False)
    cli("graph-train", "-input", path, "-output", tmp_path / "cli", "-undirected", "-dim", 16, "-window", 5,
        "-walks-per-node", 5, "-walk-length", 30, "-threads", 1, "-seed", 2, "-quiet")
    c = negsamp.Graph.load(tmp_path / "cli.model")
    assert a.words == b.words == c.words
    assert np.array_equal(a.vectors, b.vectors) and np.array_equal(a.vectors, c.vectors)
    assert a.stats["nodes"] == 80 and a.stats["edges"] == len(edges) and a.stats["undirected"]


@pytest.mark.parametrize("method,extra", [("deepwalk", {}), ("node2vec", dict(p=0.5, q=2)),
                                          ("deepwalk", dict(negatives="mcmc")), ("line", dict(order="both", epochs=100))])
def test_communities_are_learned(method, extra):
    edges, labels = planted()
    opts = {k: v for k, v in {**OPTS, **extra}.items() if not (method == "line" and k == "window")}
    g = negsamp.Graph(method=method, **opts).fit(edges, progress=False)
    assert g.vectors.shape == (80, 16)
    assert neighbours_in_block(g) >= 0.9
    if _core.have_classifier():
        r = g.evaluate_nodes(labels, ratios=(0.5,), repeats=2)[0]
        assert r["labels"] == 4 and r["train_nodes"] == 40 and r["macro_f1"] >= 0.9


def test_split_and_link_prediction(tmp_path):
    if not _core.have_classifier():
        pytest.skip("built without liblinear")
    edges, _ = planted()
    removed = negsamp.graph_split(edges, tmp_path / "s", fraction=0.3, undirected=True)
    assert abs(removed - 0.3 * len(edges)) <= 1
    g = negsamp.Graph(**OPTS).fit(tmp_path / "s.train", progress=False)
    auc = g.evaluate_links(tmp_path / "s.train.pairs", tmp_path / "s.test.pairs", ("hadamard", "l2"))
    # chance is 0.5; the blocks alone allow about 0.85 here (within-block pairs: 90 % of the
    # edges, 20 % of the non-edges)
    assert auc["hadamard"] > 0.75 and auc["l2"] > 0.75 and set(auc) == {"hadamard", "l2"}
    with pytest.raises(ValueError, match="features"):
        g.evaluate_links(tmp_path / "s.train.pairs", tmp_path / "s.test.pairs", "cosine")


def test_resume_trains_on_and_save_round_trips(tmp_path):
    edges, _ = planted()
    g = negsamp.Graph(**{**OPTS, "epochs": 1}).fit(edges, progress=False)
    before = g.vectors.copy()
    g.resume(epochs=2, progress=False)
    assert not np.array_equal(before, g.vectors)
    g.save(tmp_path / "g.model")
    h = negsamp.Graph.load(tmp_path / "g.model")
    assert np.array_equal(h.vectors, g.vectors)
    assert h.options["walk_length"] == "30" and h.options["undirected"] == "1" and h.options["epochs"] == "2"
    with pytest.raises(negsamp.InvalidError, match="give the edges"):
        h.resume(progress=False)
    h.resume(planted()[0], epochs=3, progress=False)  # the model's graph options, on the edges given


def test_bad_input_and_options(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("a b\nc\n")
    with pytest.raises(negsamp.FormatError, match="bad.txt:2: expected 'u v \\[weight\\]'"):
        negsamp.Graph().fit(str(bad), progress=False)
    with pytest.raises(ValueError, match="fields"):
        negsamp.Graph().fit([("a", "b", 1, 2)], progress=False)
    with pytest.raises(negsamp.InvalidError, match="-p and -q are node2vec's"):
        negsamp.Graph(p=2)
    with pytest.raises(negsamp.InvalidError, match="-method walk is not supported"):
        negsamp.Graph(method="walk")
