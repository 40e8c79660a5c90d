"""Fixtures: the command-line program (for the bit-for-bit comparisons) and
small planted data written by the tests themselves."""
import os
import random
import shutil
import subprocess

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="session")
def cli():
    """Runs the negsamp program ($NEGSAMP_CLI, or the repository's build/negsamp)."""
    path = os.environ.get("NEGSAMP_CLI") or os.path.join(REPO, "build", "negsamp")
    if not os.access(path, os.X_OK):
        pytest.skip(f"no negsamp program at {path} (build it, or set NEGSAMP_CLI)")

    def run(*args, check=True, input=None):
        r = subprocess.run([path, *map(str, args)], capture_output=True, text=True, input=input)
        if check and r.returncode != 0:
            raise AssertionError(f"negsamp {' '.join(map(str, args))}: exit {r.returncode}\n{r.stderr}")
        return r

    return run


def planted_sentences(n=3000, groups=8, size=12, length=10, seed=1):
    """Sentences whose words all come from one of `groups` groups of `size`
    words (g3w7: group 3, word 7) plus shared filler words: words of a group
    share their contexts, so their vectors should end up close."""
    rng = random.Random(seed)
    fillers = ["the", "a", "of", "and", "to"]
    out = []
    for _ in range(n):
        g = rng.randrange(groups)
        out.append([f"g{g}w{rng.randrange(size)}" if rng.random() < 0.8 else rng.choice(fillers)
                    for _ in range(length)])
    return out


@pytest.fixture(scope="session")
def sentences():
    return planted_sentences()


@pytest.fixture(scope="session")
def corpus_file(tmp_path_factory, sentences):
    path = tmp_path_factory.mktemp("words") / "corpus.txt"
    path.write_text("".join(" ".join(s) + "\n" for s in sentences), encoding="utf-8")
    return path


def planted_interactions(users=120, items=60, per_user=12, seed=2):
    """(user, item, rating, time) rows: each user likes items of one of 6
    taste groups."""
    rng = random.Random(seed)
    rows, t = [], 0
    for u in range(users):
        g = u % 6
        for _ in range(per_user):
            i = g * (items // 6) + rng.randrange(items // 6) if rng.random() < 0.85 else rng.randrange(items)
            t += 1
            rows.append((f"u{u}", f"i{i}", 5, t))
    return rows


def planted_triples(entities=60, seed=3):
    """(head, relation, tail) rows of three relations that map entities by
    fixed permutations, and their inverses."""
    rng = random.Random(seed)
    perm = [list(range(entities)) for _ in range(3)]
    for p in perm:
        rng.shuffle(p)
    rows = []
    for r, p in enumerate(perm):
        for h in range(entities):
            rows.append((f"e{h}", f"r{r}", f"e{p[h]}"))
            rows.append((f"e{p[h]}", f"inv{r}", f"e{h}"))
    rng.shuffle(rows)
    return rows


def write_rows(path, rows, sep):
    path.write_text("".join(sep.join(map(str, r)) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def gensim():
    return pytest.importorskip("gensim")


__all__ = ["planted_sentences", "planted_interactions", "planted_triples", "write_rows", "shutil"]
