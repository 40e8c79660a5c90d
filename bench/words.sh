#!/usr/bin/env bash
# Word-vector benchmark: negsamp vs fastText vs gensim (Debian packages
# `fasttext` and `python3-gensim`) on wiki8 with the same settings, one after
# another, evaluated by the same evaluator (negsamp eval-analogy / eval-similarity).
#
#   bench/words.sh [EPOCHS...]          default: 1 5
#   DATA=../shared/data TOOLS="gensim fasttext negsamp" THREADS=2 bench/words.sh
#
# Settings: skip-gram, dim 100, window 5, k 5, sample 1e-4, min-count 5,
# lr 0.025, 2 threads; fastText without subwords (-minn 0 -maxn 0).
# Prints one markdown table: wall time (whole command: read, train, write),
# tokens/s (corpus tokens x epochs / wall time), peak RSS, analogy accuracy
# (3CosAdd, questions restricted to the 30,000 most frequent words) and
# WordSim-353 Spearman.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
DATA=${DATA:-$here/../shared/data}
TOOLS=${TOOLS:-gensim fasttext negsamp}
THREADS=${THREADS:-2}
EPOCHS=("$@")
[ ${#EPOCHS[@]} -gt 0 ] || EPOCHS=(1 5)
ns=$here/build/negsamp
[ -x "$ns" ] || { cmake -S "$here" -B "$here/build" -DCMAKE_BUILD_TYPE=Release >/dev/null; cmake --build "$here/build" -j >/dev/null; }
[ -f "$DATA/wiki8/wiki8.gz" ] || { echo "bench: $DATA/wiki8/wiki8.gz not found (set DATA=)" >&2; exit 1; }
work=${WORK:-$(mktemp -d /tmp/negsamp-bench.XXXXXX)}
corpus=$work/wiki8
[ -f "$corpus" ] || gunzip -c "$DATA/wiki8/wiki8.gz" > "$corpus"
tokens=$(wc -w < "$corpus")
python=/usr/bin/python3

run_timed() { # name cmd... ; records wall seconds and peak RSS (MiB)
  local log=$work/$1.time
  shift
  /usr/bin/time -f "%e %M" -o "$log" "$@" > "$work/last.out" 2> "$work/last.err" || {
    echo "bench: command failed: $*" >&2; tail -5 "$work/last.err" >&2; return 1; }
  read -r wall rss < "$log"
  rss=$((rss / 1024))
}

train() { # tool epochs -> writes $work/TOOL-E.vec
  local tool=$1 e=$2 out=$work/$1-$2
  case $tool in
    negsamp) run_timed "$tool-$e" "$ns" skipgram -input "$corpus" -output "$out" -dim 100 -window 5 \
               -neg 5 -sample 1e-4 -min-count 5 -lr 0.025 -threads "$THREADS" -epochs "$e" -quiet ;;
    fasttext) command -v fasttext >/dev/null || return 2
              run_timed "$tool-$e" fasttext skipgram -input "$corpus" -output "$out" -dim 100 -ws 5 \
               -neg 5 -t 1e-4 -minCount 5 -lr 0.025 -thread "$THREADS" -epoch "$e" -minn 0 -maxn 0 \
               -verbose 0 ;;
    gensim) $python -c "import gensim" 2>/dev/null || return 2
            run_timed "$tool-$e" $python -c "
import sys
from gensim.models import Word2Vec
from gensim.models.word2vec import Text8Corpus
m = Word2Vec(Text8Corpus(sys.argv[1]), sg=1, vector_size=100, window=5, negative=5, sample=1e-4,
             min_count=5, alpha=0.025, workers=int(sys.argv[3]), epochs=int(sys.argv[2]))
m.wv.save_word2vec_format(sys.argv[4])
" "$corpus" "$e" "$THREADS" "$out.vec" ;;
  esac
}

printf '| tool | epochs | wall s | tokens/s | peak RSS MiB | analogy %% | WS353 rho | tokens/s vs gensim |\n'
printf '|---|---|---|---|---|---|---|---|\n'
for e in "${EPOCHS[@]}"; do
  declare -A tps=()
  for tool in $TOOLS; do
    if ! train "$tool" "$e"; then
      printf '| %s | %s | (not installed or failed) | | | | | |\n' "$tool" "$e"; continue
    fi
    vec=$work/$tool-$e.vec
    acc=$("$ns" eval-analogy "$vec" "$DATA/google-analogy/questions-words.txt" -restrict 30000 |
          awk '$1=="total"{print $4}' | tr -d %)
    rho=$("$ns" eval-similarity "$vec" "$DATA/wordsim353/combined.csv" | sed 's/.*spearman \([-0-9.]*\).*/\1/')
    tps[$tool]=$(awk -v t="$tokens" -v e="$e" -v w="$wall" 'BEGIN{printf "%.0f", t*e/w}')
    ratio=$(awk -v a="${tps[$tool]}" -v b="${tps[gensim]:-}" 'BEGIN{print b ? sprintf("%.2fx", a/b) : "-"}')
    printf '| %s | %s | %.1f | %.2fM | %d | %s | %s | %s |\n' "$tool" "$e" "$wall" \
      "$(awk -v x="${tps[$tool]}" 'BEGIN{print x/1e6}')" "$rss" "$acc" "$rho" "$ratio"
  done
  unset tps
done
echo "(corpus $tokens tokens; work files in $work)"
