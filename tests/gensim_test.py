"""Loads negsamp's .vec and .bin with gensim's KeyedVectors.load_word2vec_format
and checks words, values and neighbours against negsamp's own reading.
Exits 77 (skipped) where gensim is not installed."""
import subprocess
import sys

try:
    from gensim.models import KeyedVectors
except ImportError:
    print("gensim not installed (apt-get install python3-gensim): skipped")
    sys.exit(77)

ns, prefix = sys.argv[1], sys.argv[2]
vec = KeyedVectors.load_word2vec_format(prefix + ".vec", binary=False)
binv = KeyedVectors.load_word2vec_format(prefix + ".bin", binary=True)
assert vec.index_to_key == binv.index_to_key, "word order differs between .vec and .bin"
assert len(vec.index_to_key) > 10
worst = max(abs(float(a) - float(b)) for w in vec.index_to_key[:50] for a, b in zip(vec[w], binv[w]))
assert worst < 1e-6, f".vec and .bin values differ by {worst}"
word = vec.index_to_key[20]
ours = subprocess.run([ns, "nn", prefix + ".bin", word, "-k", "5"], capture_output=True, text=True, check=True)
ours = [line.split("\t")[1] for line in ours.stdout.splitlines()]
theirs = [w for w, _ in binv.most_similar(word, topn=5)]
assert ours == theirs, f"neighbours of {word}: negsamp {ours}, gensim {theirs}"
print(f"gensim: loaded {len(vec.index_to_key)} words x {vec.vector_size}, neighbours agree")
