import gc
import os
import pydoc
import signal
import threading
import time

import numpy as np
import pytest

import negsamp
from conftest import planted_sentences

OPTS = dict(dim=20, epochs=2, threads=1, seed=5, min_count=1, window=3)
CLI_OPTS = ["-dim", 20, "-epochs", 2, "-threads", 1, "-seed", 5, "-min-count", 1, "-window", 3]


@pytest.mark.parametrize("model", ["skipgram", "cbow"])
def test_path_iterable_and_cli_give_the_same_model(cli, tmp_path, corpus_file, sentences, model):
    a = negsamp.Words(model, **OPTS).fit(corpus_file, progress=False)
    b = negsamp.Words(model, **OPTS).fit(sentences, progress=False)
    cli(model, "-input", corpus_file, "-output", tmp_path / "c", *CLI_OPTS, "-quiet")
    c = negsamp.Words.load(tmp_path / "c.model")
    assert a.words == b.words == c.words
    assert np.array_equal(a.vectors, b.vectors) and np.array_equal(a.vectors, c.vectors)
    assert np.array_equal(a.output_vectors, c.output_vectors)
    assert c.options["dim"] == "20" and c.options.task == model


def test_the_cli_opens_a_python_model(cli, tmp_path, sentences):
    w = negsamp.Words(**OPTS).fit(sentences, progress=False)
    w.save(tmp_path / "p.model")
    out = cli("nn", tmp_path / "p.model", "g1w1", "-k", 3).stdout.split("\n")
    ours = w.most_similar("g1w1", topn=3)
    for line, (word, score) in zip(out, ours):
        q, n, cos = line.split("\t")
        assert (q, n) == ("g1w1", word) and abs(float(cos) - score) < 1e-4
    # and trains it on where the Python run stopped
    cli("skipgram", "-resume", tmp_path / "p.model", "-input", "-", "-output", tmp_path / "q", "-epochs", 3,
        "-quiet", check=False)


def test_training_learns_the_planted_groups(sentences):
    w = negsamp.Words(dim=32, epochs=5, threads=2, seed=1, min_count=1).fit(sentences, progress=False)
    right = total = 0
    for g in range(8):
        for i in range(12):
            word = f"g{g}w{i}"
            for near, _ in w.most_similar(word, topn=5):
                right += near.startswith(f"g{g}w")
                total += 1
    assert right / total > 0.9, right / total


def test_vectors_share_memory_with_the_model(tmp_path, sentences):
    w = negsamp.Words(**dict(OPTS, dim=50)).fit(sentences, progress=False)
    v = w.vectors
    assert v.shape == (len(w.words), 50) and v.dtype == np.float32
    assert v.strides[0] >= 50 * 4  # the library's padded rows, hidden by the stride
    v[3, :] = 0.25
    assert np.all(w.vectors[3] == 0.25)
    w.save(tmp_path / "m.model")  # the library writes what the view wrote
    assert np.all(negsamp.Words.load(tmp_path / "m.model").vectors[3] == 0.25)
    # the library's queries see it too
    w.vectors[5] = w.vectors[7]
    assert w.most_similar(w.words[7], topn=1)[0][0] == w.words[5]


def test_a_view_keeps_its_model_alive(sentences):
    w = negsamp.Words(**OPTS).fit(sentences, progress=False)
    v = w.vectors
    keep = v.copy()
    del w
    gc.collect()
    for _ in range(3):  # memory churn that would reuse freed tables
        negsamp.Words(**OPTS).fit(sentences[:200], progress=False)
    assert np.array_equal(v, keep)


def test_errors_carry_the_librarys_message(tmp_path):
    with pytest.raises(negsamp.FileError, match="no-such-file.txt") as e:
        negsamp.Words(**OPTS).fit(tmp_path / "no-such-file.txt", progress=False)
    assert isinstance(e.value, OSError) and e.value.status == -3
    bad = tmp_path / "bad.model"
    bad.write_bytes(b"negsamp? no" * 20)
    with pytest.raises(negsamp.FormatError, match="bad.model"):
        negsamp.Words.load(bad)
    with pytest.raises(negsamp.InvalidError, match="dim"):
        negsamp.Words(dim=0)
    with pytest.raises(negsamp.InvalidError, match="unknown option"):
        negsamp.Words(no_such_option=1)
    with pytest.raises(negsamp.EmptyError):
        negsamp.Words(**OPTS).fit([], progress=False)
    analogy = tmp_path / "q.txt"
    analogy.write_text(": s\na b c\n")
    w = negsamp.Words(**OPTS).fit(planted_sentences(200), progress=False)
    with pytest.raises(negsamp.FormatError, match=r"q.txt:2"):
        w.evaluate_analogy(analogy)
    with pytest.raises(ValueError, match="separator"):
        negsamp.Words(**OPTS).fit([["a b", "c"]], progress=False)


def test_ctrl_c_stops_training_within_a_second(sentences):
    w = negsamp.Words(dim=64, epochs=1000, threads=2, min_count=1)
    sent = {}

    def interrupt():
        time.sleep(0.7)
        sent["at"] = time.monotonic()
        os.kill(os.getpid(), signal.SIGINT)

    t = threading.Thread(target=interrupt)
    t.start()
    with pytest.raises(KeyboardInterrupt):
        w.fit(sentences, progress=False)
    stopped = time.monotonic()
    t.join()
    assert stopped - sent["at"] < 1.0, stopped - sent["at"]
    # the model is usable where the workers stopped
    assert np.all(np.isfinite(w.vectors)) and len(w.most_similar("g0w0", topn=3)) == 3


def test_progress_callback_and_stop(sentences):
    seen = []

    def cb(p):
        seen.append(p)
        return p["fraction"] > 0.2

    w = negsamp.Words(dim=16, epochs=200, threads=1, min_count=1).fit(sentences, progress=cb)
    assert seen and seen[-1]["fraction"] < 0.5 and seen[0]["unit"] == "tokens"
    assert all(a["done"] <= b["done"] for a, b in zip(seen, seen[1:]))
    assert len(w.words) > 0
    with pytest.raises(ZeroDivisionError):  # a callback's exception ends training and propagates
        negsamp.Words(dim=16, epochs=50, threads=1, min_count=1).fit(sentences, progress=lambda p: 1 / 0)


def test_queries_and_evaluations(tmp_path, sentences):
    w = negsamp.Words(dim=32, epochs=5, threads=1, seed=1, min_count=1).fit(sentences, progress=False)
    sim = tmp_path / "sim.txt"
    sim.write_text("g0w0 g0w1 9\ng0w0 g5w1 1\ng2w3 g2w4 8\ng2w3 g7w0 2\ng1w1 g1w2 9\ng1w1 g6w6 0\n")
    r = w.evaluate_similarity(sim)
    assert r["pairs"] == 6 and r["covered"] == 6 and r["spearman"] > 0.5
    q = tmp_path / "q.txt"
    q.write_text(": planted\ng0w0 g0w1 g1w0 g1w1\n")
    r = w.evaluate_analogy(q)
    assert r["total"]["questions"] == 1 and r["sections"][0]["name"] == "planted"
    assert w.analogy("g0w0", "g0w1", "g1w0", topn=2)[0][0] != "g1w0"
    with pytest.raises(KeyError):
        w.most_similar("not-a-word")


def test_gensim_round_trip(tmp_path, gensim, sentences):
    from gensim.models import KeyedVectors

    w = negsamp.Words(**OPTS).fit(sentences, progress=False)
    kv = w.to_gensim()
    assert np.allclose(kv["g3w3"], w["g3w3"])
    assert kv.most_similar("g3w3", topn=1)[0][0] == w.most_similar("g3w3", topn=1)[0][0]
    w.save_vec(tmp_path / "v.bin", binary=True)
    kv2 = KeyedVectors.load_word2vec_format(str(tmp_path / "v.bin"), binary=True)
    assert kv2.index_to_key == w.words and np.array_equal(kv2.vectors, w.vectors)


def test_help_lists_every_option_with_its_default():
    text = pydoc.render_doc(negsamp.Words)
    for name, default, _, _ in negsamp.options("skipgram"):
        assert name in text
    assert "min_count (int, default 5)" in text and "dim (int, default 100)" in text
    assert negsamp.Options("cbow")["dim"] == "100"


def rss_kb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


@pytest.mark.skipif(bool(os.environ.get("NEGSAMP_SANITIZED")),
                    reason="under ASan freed memory is held in quarantine: the process grows by design")
def test_training_in_a_loop_does_not_grow_the_process(sentences):
    small = sentences[:300]
    for _ in range(10):
        negsamp.Words(**OPTS).fit(small, progress=False).vectors.sum()
    before = rss_kb()
    for _ in range(100):
        w = negsamp.Words(**OPTS).fit(small, progress=False)
        w.vectors.sum(), w.most_similar("g0w0", topn=2)
    grown = rss_kb() - before
    assert grown < 4096, f"{grown} KB after 100 fits"


def test_one_fit_at_a_time(sentences):
    w = negsamp.Words(dim=32, epochs=100, threads=1, min_count=1)
    stop = threading.Event()
    t = threading.Thread(target=lambda: w.fit(sentences, progress=lambda p: stop.is_set()))
    t.start()
    time.sleep(0.3)  # the first fit is training, without the GIL
    with pytest.raises(RuntimeError, match="already running"):
        w.fit(sentences, progress=False)
    stop.set()
    t.join()
    assert len(w.words) > 0


def test_the_library_model_refuses_a_second_train(tmp_path, corpus_file):
    from negsamp import _core

    o = negsamp.Options("skipgram", dim=16, epochs=100, threads=1, min_count=1).checked()
    c = _core.Corpus(str(corpus_file), o._o)
    m = _core.WordModel.create(c, o._o)
    stop = threading.Event()
    t = threading.Thread(target=lambda: m.train(c, o._o, None, lambda p: stop.is_set()))
    t.start()
    time.sleep(0.3)
    with pytest.raises(RuntimeError, match="already training"):
        m.train(c, o._o)
    stop.set()
    t.join()


def test_noise_file_as_on_the_command_line(cli, tmp_path, corpus_file):
    noise = tmp_path / "noise.txt"
    noise.write_text("".join(f"g{g}w{i} {1 + g}\n" for g in range(8) for i in range(12)) + "the 50\n")
    a = negsamp.Words(**OPTS).fit(corpus_file, progress=False, noise_file=noise)
    cli("skipgram", "-input", corpus_file, "-output", tmp_path / "c", *CLI_OPTS, "-noise-file", noise, "-quiet")
    assert np.array_equal(a.vectors, negsamp.Words.load(tmp_path / "c.model").vectors)
    assert not np.array_equal(a.vectors, negsamp.Words(**OPTS).fit(corpus_file, progress=False).vectors)
    bad = tmp_path / "bad-noise.txt"
    bad.write_text("the x\n")
    with pytest.raises(negsamp.FormatError, match="bad-noise.txt:1"):
        negsamp.Words(**OPTS).fit(corpus_file, progress=False, noise_file=bad)


def test_validation_reports_and_keeps_the_best(tmp_path, sentences):
    q = tmp_path / "q.txt"
    q.write_text(": planted\n" + "".join(f"g{g}w0 g{g}w1 g{g + 1}w0 g{g + 1}w1\n" for g in range(7)))
    seen = []
    w = negsamp.Words(dim=16, epochs=3, threads=1, min_count=1, valid_every=1)
    w.fit(sentences, valid=q, progress=lambda p: seen.append(p) and None)
    pauses = [p for p in seen if p.get("metric")]
    assert len(pauses) >= 3 and pauses[0]["metric"] == "analogy accuracy"
    assert all(0 <= p["valid"] <= 1 for p in pauses)
    with pytest.raises(negsamp.InvalidError, match="valid"):
        negsamp.Words(patience=2, min_count=1).fit(sentences, progress=False)


def test_subwords_any_word_and_fasttext_files(cli, tmp_path, sentences):
    w = negsamp.Words(minn=2, maxn=4, bucket=5000, **OPTS).fit(sentences, progress=False)
    assert w.options["maxn"] == "4" and w.options["bucket"] == "5000"
    v = w.vectors  # the words' vectors: means of their bags, not the raw rows
    assert v.shape == (len(w), 20) and not np.array_equal(v, np.asarray(w._model.table(0)))
    assert np.allclose(w["g1w1"], v[w.index["g1w1"]])
    unseen = w["g1w1zz"]  # never in the text: its n-grams' mean
    assert unseen.shape == (20,) and "g1w1zz" not in w
    assert w.most_similar("g1w1zz", topn=1)[0][0].startswith("g1")
    # fastText's .bin: written, read back, the same vectors as the CLI prints
    w.save_fasttext(tmp_path / "w.bin")
    f = negsamp.Words.load(tmp_path / "w.bin")
    assert f.words == w.words and np.allclose(f["g1w1zz"], unseen)
    out = cli("vectors", tmp_path / "w.bin", input="g1w1zz\n").stdout.split()
    assert out[0] == "g1w1zz" and np.allclose([float(x) for x in out[1:]], unseen, atol=1e-5)
    r = w.evaluate_similarity(_sim_file(tmp_path, ["g1w1 g1w1zz 9", "g1w1 g2w1 1", "g1w2 qqq 2"]))
    assert r["covered"] == 3 and r["oov"] == 2
    assert w.evaluate_similarity(tmp_path / "sim.txt", oov=False)["covered"] == 1
    with pytest.raises(negsamp.InvalidError, match="subwords"):
        negsamp.Words(minn=2, maxn=1, **OPTS).fit(sentences, progress=False)


def _sim_file(tmp_path, lines):
    p = tmp_path / "sim.txt"
    p.write_text("\n".join(lines) + "\n")
    return p
