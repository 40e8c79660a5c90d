import numpy as np
import pytest

import negsamp
from conftest import planted_interactions, write_rows

OPTS = dict(dim=16, epochs=3, threads=1, seed=3, loss="bpr", dns=2)
CLI_OPTS = ["-dim", 16, "-epochs", 3, "-threads", 1, "-seed", 3, "-loss", "bpr", "-dns", 2]


@pytest.fixture(scope="module")
def rows():
    return planted_interactions()


def test_path_iterable_array_and_cli_give_the_same_model(cli, tmp_path, rows):
    path = write_rows(tmp_path / "inter.txt", rows, " ")
    a = negsamp.Recommender(**OPTS).fit(path, split="leave-last-out", progress=False)
    b = negsamp.Recommender(**OPTS).fit(rows, split="leave-last-out", progress=False)
    ids = np.array([[int(u[1:]), int(i[1:]), r, t] for u, i, r, t in rows])
    c = negsamp.Recommender(**OPTS).fit(ids, split="leave-last-out", progress=False)
    cli("rec-train", "-input", path, "-output", tmp_path / "cli", "-split", "leave-last-out", *CLI_OPTS, "-quiet")
    d = negsamp.Recommender.load(tmp_path / "cli.model")
    assert a.items == b.items == d.items and a.users == d.users
    for m in (b, d):
        assert np.array_equal(a.item_vectors, m.item_vectors) and np.array_equal(a.user_vectors, m.user_vectors)
    # ids as numbers: the same data under other names, so the same vectors
    assert [f"i{x}" for x in c.items] == a.items and np.array_equal(a.item_vectors, c.item_vectors)
    assert a.evaluate()["model"] == d.evaluate()["model"]


def test_learns_and_evaluates_against_popularity(cli, tmp_path, rows):
    r = negsamp.Recommender(dim=16, epochs=20, threads=1, seed=1).fit(rows, split="leave-last-out", progress=False)
    e = r.evaluate(ks=(5, 10))
    assert e["users"] == 120 and e["model"]["ndcg@10"] > e["popularity"]["ndcg@10"] + 0.1
    # the CLI's full-ranking evaluation of the saved model gives the same figures
    r.save(tmp_path / "r.model")
    out = cli("rec-eval", tmp_path / "r.model", "-split", "leave-last-out", "-at", "5,10").stdout
    line = next(x for x in out.splitlines() if x.startswith("model"))
    assert abs(float(line.split()[-1]) - e["model"]["mrr"]) < 1e-4
    # recommendations leave out the user's training positives (all but its last, held out)
    mine = list(dict.fromkeys(i for u, i, _, _ in rows if u == "u0"))
    top = r.recommend("u0", 20)
    assert len(top) == 20 and not {it for it, _ in top} & set(mine[:-1])
    scores = r.scores("u0")
    assert scores.shape == (len(r.items),) and scores.dtype == np.float32
    assert r.recommend(None, 1)[0][0] == r.items[int(np.argmax(r.scores(None)))]


def test_held_out_rows_and_errors(tmp_path, rows):
    r = negsamp.Recommender(**OPTS).fit(rows[:-100], progress=False)
    e = r.evaluate(rows[-100:], ks=(10,))
    assert e["positives"] > 0 and "ndcg@10" in e["model"]
    bad = tmp_path / "bad.txt"
    bad.write_text("u1 i1 5 1\nu2 i2 five 2\n")
    with pytest.raises(negsamp.FormatError, match=r"bad.txt:2"):
        negsamp.Recommender(**OPTS).fit(bad, progress=False)
    with pytest.raises(negsamp.InvalidError, match="loss"):
        negsamp.Recommender(loss="nope")
    with pytest.raises(ValueError, match="fields"):
        negsamp.Recommender(**OPTS).fit([("u1",)], progress=False)
    with pytest.raises(KeyError):
        r.recommend("no-such-user")


def test_item2vec_views(rows):
    r = negsamp.Recommender(model="item2vec", dim=8, epochs=2, threads=1).fit(rows, progress=False)
    assert r.kind == "item2vec" and r.item_vectors.shape == (len(r.items), 8)
    with pytest.raises(ValueError, match="item2vec"):
        r.user_vectors
