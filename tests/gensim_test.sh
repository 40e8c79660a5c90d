#!/usr/bin/env bash
# Integration: gensim reads our word2vec files. Skipped (77) without gensim.
#   gensim_test.sh NEGSAMP TOYCORPUS WORKDIR
set -eu
ns=$1 gen=$2 dir=$3/gensim
py=/usr/bin/python3
[ -x "$py" ] || py=python3
if ! "$py" -c "import gensim" 2>/dev/null; then
  echo "gensim not installed (apt-get install python3-gensim): skipped"; exit 77
fi
rm -rf "$dir" && mkdir -p "$dir"
"$gen" "$dir" 4000 10 2 >/dev/null
"$ns" skipgram -input "$dir/toy.txt" -output "$dir/v" -dim 16 -epochs 2 -bin -quiet
exec "$py" "$(dirname "$0")/gensim_test.py" "$ns" "$dir/v"
