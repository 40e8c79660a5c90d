#!/usr/bin/env bash
# Builds negsamp, generates the toy language (tools/toycorpus.c: nations whose
# country, capital, language, currency and people words obey analogies by
# construction), trains skip-gram on it and prints what a person can judge:
# neighbours, an analogy, and the accuracy on all planted analogies.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)" >/dev/null
out=build/demo
mkdir -p "$out"
./build/ns-toycorpus "$out" 40000 30 7
ns=./build/negsamp
echo "== corpus: $(wc -l < "$out/toy.txt") sentences, e.g.:"
head -3 "$out/toy.txt"
$ns skipgram -input "$out/toy.txt" -output "$out/toy" -dim 50 -sample 1e-3 -epochs 5 -threads 2
country=$(awk 'NR==2{print $1}' "$out/toy-analogy.txt")
capital=$(awk 'NR==2{print $2}' "$out/toy-analogy.txt")
other=$(awk 'NR==2{print $3}' "$out/toy-analogy.txt")
echo "== nearest neighbours of $country and $capital (same nation first, then same role):"
$ns nn "$out/toy.vec" "$country" "$capital" -k 5
echo "== analogy: $country : $capital :: $other : ?"
$ns analogy "$out/toy.vec" "$country" "$capital" "$other" -k 3
echo "== all planted analogies:"
$ns eval-analogy "$out/toy.vec" "$out/toy-analogy.txt" -restrict 0 | tail -4
echo "== similarity (same nation 9, same role 5, unrelated 1):"
$ns eval-similarity "$out/toy.vec" "$out/toy-sim.txt"
