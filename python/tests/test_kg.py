import numpy as np
import pytest

import negsamp
from conftest import planted_triples, write_rows

OPTS = dict(model="rotate", dim=16, steps=300, batch=64, neg=16, threads=1, seed=2, gamma=6, lr=0.02)
CLI_OPTS = ["-model", "rotate", "-dim", 16, "-steps", 300, "-batch", 64, "-neg", 16, "-threads", 1, "-seed", 2,
            "-gamma", 6, "-lr", 0.02]


@pytest.fixture(scope="module")
def triples():
    return planted_triples()


def test_path_iterable_and_cli_give_the_same_model(cli, tmp_path, triples):
    path = write_rows(tmp_path / "train.txt", triples, "\t")
    a = negsamp.KnowledgeGraph(**OPTS).fit(path, progress=False)
    b = negsamp.KnowledgeGraph(**OPTS).fit(triples, progress=False)
    cli("kg-train", "-input", path, "-output", tmp_path / "cli", *CLI_OPTS, "-quiet")
    c = negsamp.KnowledgeGraph.load(tmp_path / "cli.model")
    assert a.entities == b.entities == c.entities and a.relations == c.relations
    for m in (b, c):
        assert np.array_equal(a.entity_vectors, m.entity_vectors)
        assert np.array_equal(a.entity_vectors_imag, m.entity_vectors_imag)
        assert np.array_equal(a.relation_vectors, m.relation_vectors)
    assert a.steps == c.steps == 300
    # a Python model opens in the CLI: kg-eval of it gives our MRR
    a.save(tmp_path / "py.model")
    ours = a.evaluate(path, raw=True, threads=1)
    out = cli("kg-eval", tmp_path / "py.model", "-test", path, "-raw", "-threads", 1).stdout
    line = next(x for x in out.splitlines() if x.startswith("both"))
    assert abs(float(line.split()[3]) - ours["both"]["mrr"]) < 1e-4


def test_learns_the_planted_relations(triples):
    kg = negsamp.KnowledgeGraph(**dict(OPTS, steps=1500, dim=32)).fit(triples, progress=False)
    e = kg.evaluate(triples)  # filtered by the training triples: each answer is unique
    assert e["both"]["mrr"] > 0.8, e["both"]
    h, r, t = triples[0]
    assert kg.predict(head=h, relation=r, k=1, filter_train=False)[0][0] == t
    # with the training triples filtered the known answer is left out, call after call
    for _ in range(2):
        filtered = kg.predict(head=h, relation=r, k=5)
        assert t not in [e for e, _ in filtered] and len(filtered) == 5
    assert kg.score(h, r, t) > kg.score(h, r, h)


def test_views_share_memory_and_errors(tmp_path, triples):
    kg = negsamp.KnowledgeGraph(**OPTS).fit(triples, progress=False)
    v = kg.entity_vectors
    assert v.shape == (len(kg.entities), 16) and v.strides[0] == 2 * 16 * 4  # real half of each row
    h, r, t = triples[0]
    before = kg.score(h, r, t)
    kg.entity_vectors_imag[kg.entities.index(t)] += 1.0
    assert kg.score(h, r, t) != before
    bad = tmp_path / "bad.txt"
    bad.write_text("a\tr\tb\nc\tr\n")
    with pytest.raises(negsamp.FormatError, match=r"bad.txt:2"):
        negsamp.KnowledgeGraph(**OPTS).fit(bad, progress=False)
    with pytest.raises(negsamp.InvalidError, match="model"):
        negsamp.KnowledgeGraph(model="nope")
    with pytest.raises(ValueError, match="exactly one"):
        kg.predict(head=h, relation=r, tail=t)
    d = negsamp.KnowledgeGraph(model="distmult", dim=16, steps=10, threads=1).fit(triples, progress=False)
    with pytest.raises(ValueError, match="part"):
        d.entity_vectors_imag
