"""negsamp from Python in five minutes: words, a recommender and a
knowledge graph, trained on small generated data (so that it runs anywhere),
with a plot of the word vectors when matplotlib is installed.

    python3 docs/tutorial.py [OUTDIR]

Install the package first: docs/python.md.
"""
import os
import random
import sys
import tempfile

import numpy as np

import negsamp

out = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="negsamp-tutorial-")
os.makedirs(out, exist_ok=True)
rng = random.Random(0)

# ---- words: sentences as lists of tokens (or a path to a text file) -----
# Eight topics of twelve words each; a sentence keeps to one topic.
topics = [[f"t{t}w{i}" for i in range(12)] for t in range(8)]
sentences = [[rng.choice(topics[t]) if rng.random() < 0.8 else rng.choice(["the", "a", "of"]) for _ in range(10)]
             for t in (rng.randrange(8) for _ in range(4000))]
words = negsamp.Words(dim=32, epochs=5, min_count=1)   # the options of `negsamp skipgram`
words.fit(sentences)                                   # a progress line on a terminal; Ctrl-C stops it
print(words)
print("nearest to t3w0:", words.most_similar("t3w0", topn=5))
words.save(os.path.join(out, "words.model"))           # `negsamp nn words.model t3w0` reads it
vectors = words.vectors                                # (words, 32) float32, no copy

# ---- a recommender: (user, item, rating, time) rows ---------------------
rows = []
for u in range(200):
    taste = u % 5
    for t in range(15):
        item = taste * 20 + rng.randrange(20) if rng.random() < 0.85 else rng.randrange(100)
        rows.append((f"user{u}", f"item{item}", 5, u * 100 + t))
rec = negsamp.Recommender(dim=32, loss="bpr", dns=5, epochs=20)
rec.fit(rows, split="leave-last-out", progress=False)  # each user's last item held out
report = rec.evaluate(ks=(10,))                        # full ranking, against popularity
print(rec, f"NDCG@10 {report['model']['ndcg@10']:.3f} (popularity {report['popularity']['ndcg@10']:.3f})")
print("for user7:", [item for item, _ in rec.recommend("user7", 5)])

# ---- a knowledge graph: (head, relation, tail) triples ------------------
people = [f"person{i}" for i in range(50)]
triples = [(people[i], "parent_of", people[(i * 7 + 1) % 50]) for i in range(50)]
triples += [(t, "child_of", h) for h, _, t in triples]
kg = negsamp.KnowledgeGraph(model="rotate", dim=32, gamma=6, lr=0.02, steps=1500, batch=64, neg=32)
kg.fit(triples, progress=False)
print(kg, "filtered MRR on its triples:", round(kg.evaluate(triples)["both"]["mrr"], 3))
print("child_of person8:", kg.predict(head="person8", relation="child_of", k=1, filter_train=False))

# ---- a picture: the word vectors in 2-d (PCA), coloured by topic --------
try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("matplotlib is not installed: no plot")
else:
    vocab = words.words
    ids = [i for i, w in enumerate(vocab) if w[0] == "t" and w[1].isdigit()]
    x = vectors[ids] - vectors[ids].mean(axis=0)
    xy = x @ np.linalg.svd(x, full_matrices=False)[2][:2].T
    colour = [int(vocab[i][1]) for i in ids]
    plt.figure(figsize=(5, 5))
    plt.scatter(xy[:, 0], xy[:, 1], c=colour, cmap="tab10", s=14)
    plt.title("skip-gram vectors of eight planted topics (PCA)")
    path = os.path.join(out, "words.png")
    plt.savefig(path, dpi=100)
    print("wrote", path)
