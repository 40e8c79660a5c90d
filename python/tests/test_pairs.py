import numpy as np
import pytest

import negsamp
from conftest import write_rows

OPTS = dict(dim=16, epochs=5, threads=1, seed=4)
CLI_OPTS = ["-dim", 16, "-epochs", 5, "-threads", 1, "-seed", 4]


def planted_pairs(n=60, per=10):
    """Query qI pairs with answers of its group: a{I % 6}x{J}."""
    return [(f"q{i}", f"a{i % 6}x{j}") for i in range(n) for j in range(per)]


@pytest.mark.parametrize("loss", ["sgns", "infonce"])
def test_path_iterable_and_cli_give_the_same_model(cli, tmp_path, loss):
    rows = planted_pairs()
    path = write_rows(tmp_path / "pairs.tsv", rows, "\t")
    a = negsamp.Pairs(loss=loss, batch=32, **OPTS).fit(path, progress=False)
    b = negsamp.Pairs(loss=loss, batch=32, **OPTS).fit(rows, progress=False)
    cli("pairs-train", "-input", path, "-output", tmp_path / "c", "-loss", loss, "-batch", 32, *CLI_OPTS, "-quiet")
    c = negsamp.Pairs.load(tmp_path / "c.model")
    assert a.words == b.words == c.words and a.right_items == c.right_items
    for m in (b, c):
        assert np.array_equal(a.vectors, m.vectors) and np.array_equal(a.right_vectors, m.right_vectors)
    e = a.evaluate(rows[:60], filters=path)
    out = cli("pairs-eval", tmp_path / "c.model", "-test", write_rows(tmp_path / "t.tsv", rows[:60], "\t"),
              "-filter", path).stdout
    assert f"MRR {e['mrr']:.4f}" in out


def test_learns_the_groups(tmp_path):
    rows = planted_pairs()
    p = negsamp.Pairs(dim=16, epochs=100, threads=1).fit(rows, progress=False)
    # held-out: each query's answers are its group's; rank them
    e = p.evaluate([("q0", "a0x3"), ("q7", "a1x2"), ("q11", "a5x9")], ks=(10,))
    assert e["covered"] == 3 and e["recall@10"] == 1.0
    assert p.evaluate(rows[:10] + rows[300:310], ks=(10,))["recall@10"] == 1.0
    p.save(tmp_path / "p.model")
    with pytest.raises(negsamp.InvalidError, match="not a word model"):
        negsamp.Words.load(tmp_path / "p.model")



def test_filters_as_paths_or_rows(tmp_path):
    rows = planted_pairs()
    p = negsamp.Pairs(dim=8, epochs=5, threads=1, seed=1).fit(rows, progress=False)
    path = write_rows(tmp_path / "train.tsv", rows, "\t")
    test = [("q0", "a0x3"), ("q7", "a1x2")]
    by_path, by_rows = p.evaluate(test, filters=path), p.evaluate(test, filters=[rows])
    assert by_path == by_rows and by_path["mrr"] > p.evaluate(test)["mrr"]
