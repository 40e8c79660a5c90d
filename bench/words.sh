#!/usr/bin/env bash
# Word-vector benchmark: negsamp vs fastText vs gensim (Debian packages
# `fasttext` and `python3-gensim`) on wiki8 with the same settings, one after
# another, evaluated by the same evaluator (negsamp eval-analogy / eval-similarity).
#
#   bench/words.sh [EPOCHS...]          default: 1 5
#   DATA=../shared/data TOOLS="gensim fasttext negsamp" THREADS=2 REPEATS=3 bench/words.sh
#   OLD=/path/to/an/older/negsamp TOOLS="negsamp-old negsamp" REPEATS=3 bench/words.sh
#   PWORD2VEC=/path/to/pWord2Vec TOOLS="pword2vec negsamp" bench/words.sh
#   MODEL=cbow TOOLS="fasttext gensim negsamp" bench/words.sh
#   TOOLS="negsamp python gensim" REPEATS=3 bench/words.sh 1   # the Python package's overhead
#
# With REPEATS > 1 each tool trains that many times (seeds 1..REPEATS; with
# 2 threads no tool is deterministic), the tools taking turns within each
# repeat so that the machine's drift falls on all of them, and the table
# gives means, with the min-max of analogy and WS353 in brackets.
# negsamp-old is the binary OLD points to (a before/after comparison).
# pword2vec is Intel's pWord2Vec (HogBatch: a window's context words share
# its negatives, products by BLAS sgemm) at the binary PWORD2VEC points to,
# built locally from its public source (docs/benchmarks.md says how; this
# repository holds none of it); it has skip-gram only, no seed option, and
# its -batch-size is set to 2 x window + 1 as its README advises.
# python is the Python package (negsamp.Words(...).fit(path), then save and
# save_vec: the files the command line writes) run by NEGSAMP_PYTHON, by
# default the interpreter of build-py/venv that .ci/run installs it in.
#
# Settings: skip-gram (MODEL=cbow: CBOW, lr 0.05), dim 100, window 5, k 5,
# sample 1e-4, min-count 5, lr 0.025, 2 threads; fastText without subwords
# (-minn 0 -maxn 0).
# Prints one markdown table: wall time (whole command: read, train, write),
# tokens/s (corpus tokens x epochs / wall time), peak RSS, analogy accuracy
# (3CosAdd, questions restricted to the 30,000 most frequent words) and
# WordSim-353 Spearman.
set -euo pipefail
TOOLS=${TOOLS:-gensim fasttext negsamp}
MODEL=${MODEL:-skipgram}
case $MODEL in skipgram) lr=0.025 sg=1 ;; cbow) lr=0.05 sg=0 ;; *) echo "bench: MODEL is skipgram or cbow" >&2; exit 2 ;; esac
THREADS=${THREADS:-2}
REPEATS=${REPEATS:-1}
EPOCHS=("$@")
[ ${#EPOCHS[@]} -gt 0 ] || EPOCHS=(1 5)
. "$(dirname "$0")/common.sh"
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

train() { # tool epochs seed -> writes $work/TOOL-E.vec
  local tool=$1 e=$2 seed=$3 out=$work/$1-$2
  case $tool in
    negsamp|negsamp-old)
             bin=$ns; [ "$tool" = negsamp-old ] && { bin=${OLD:-}; [ -x "$bin" ] || return 2; }
             run_timed "$tool-$e" "$bin" "$MODEL" -input "$corpus" -output "$out" -dim 100 -window 5 \
               -neg 5 -sample 1e-4 -min-count 5 -lr $lr -threads "$THREADS" -epochs "$e" -seed "$seed" -quiet ;;
    fasttext) command -v fasttext >/dev/null || return 2
              run_timed "$tool-$e" fasttext "$MODEL" -input "$corpus" -output "$out" -dim 100 -ws 5 \
               -neg 5 -t 1e-4 -minCount 5 -lr $lr -thread "$THREADS" -epoch "$e" -minn 0 -maxn 0 \
               -seed "$seed" -verbose 0 ;;
    pword2vec) [ "$MODEL" = skipgram ] && [ -x "${PWORD2VEC:-}" ] || {
                 echo "bench: pword2vec skipped: set PWORD2VEC to a built pWord2Vec binary (skip-gram only)" >&2; return 2; }
               run_timed "$tool-$e" env OMP_NUM_THREADS="$THREADS" "$PWORD2VEC" -train "$corpus" -output "$out.vec" \
                 -size 100 -window 5 -negative 5 -sample 1e-4 -min-count 5 -alpha $lr -threads "$THREADS" \
                 -iter "$e" -binary 0 -batch-size 11 ;;
    python) local py=${NEGSAMP_PYTHON:-$here/build-py/venv/bin/python}
            [ -x "$py" ] && "$py" -c "import negsamp" 2>/dev/null || {
              echo "bench: python skipped: no negsamp package for $py (docs/python.md; or set NEGSAMP_PYTHON)" >&2
              return 2; }
            run_timed "$tool-$e" "$py" -c "
import sys, negsamp
w = negsamp.Words(sys.argv[2], dim=100, window=5, neg=5, sample=1e-4, min_count=5, lr=float(sys.argv[3]),
                  threads=int(sys.argv[4]), epochs=int(sys.argv[5]), seed=int(sys.argv[6]))
w.fit(sys.argv[1], progress=False)
w.save(sys.argv[7] + '.model')
w.save_vec(sys.argv[7] + '.vec')
" "$corpus" "$MODEL" "$lr" "$THREADS" "$e" "$seed" "$out" ;;
    gensim) $python -c "import gensim" 2>/dev/null || return 2
            run_timed "$tool-$e" $python -c "
import sys
from gensim.models import Word2Vec
from gensim.models.word2vec import Text8Corpus
m = Word2Vec(Text8Corpus(sys.argv[1]), sg=int(sys.argv[6]), vector_size=100, window=5, negative=5,
             sample=1e-4, min_count=5, alpha=float(sys.argv[7]), workers=int(sys.argv[3]),
             epochs=int(sys.argv[2]), seed=int(sys.argv[5]))
m.wv.save_word2vec_format(sys.argv[4])
" "$corpus" "$e" "$THREADS" "$out.vec" "$seed" "$sg" "$lr" ;;
  esac
}

printf '| tool | epochs | wall s | tokens/s | peak RSS MiB | analogy %% | WS353 rho | tokens/s vs gensim |\n'
printf '|---|---|---|---|---|---|---|---|\n'
stats() { # precision values... -> "mean" or "mean [min-max]"
  local p=$1; shift
  echo "$@" | awk -v p="$p" '{s=0; lo=$1; hi=$1
    for (i = 1; i <= NF; i++) { s += $i; if ($i < lo) lo = $i; if ($i > hi) hi = $i }
    f = "%." p "f"; printf f, s / NF; if (NF > 1) printf " [" f "-" f "]", lo, hi }'
}
mean() { echo "$@" | awk '{s=0; for(i=1;i<=NF;i++) s+=$i; printf "%.6g", s/NF}'; }

for e in "${EPOCHS[@]}"; do
  declare -A walls=() rsss=() accs=() rhos=() failed=()
  for seed in $(seq 1 "$REPEATS"); do
    for tool in $TOOLS; do
      [ -n "${failed[$tool]:-}" ] && continue
      if ! train "$tool" "$e" "$seed"; then failed[$tool]=1; continue; fi
      vec=$work/$tool-$e.vec
      accs[$tool]="${accs[$tool]:-} $("$ns" eval-analogy "$vec" "$DATA/google-analogy/questions-words.txt" -restrict 30000 |
            awk '$1=="total"{print $4}' | tr -d %)"
      rhos[$tool]="${rhos[$tool]:-} $("$ns" eval-similarity "$vec" "$DATA/wordsim353/combined.csv" | sed 's/.*spearman \([-0-9.]*\).*/\1/')"
      walls[$tool]="${walls[$tool]:-} $wall" rsss[$tool]="${rsss[$tool]:-} $rss"
    done
  done
  gensim_tps=""
  for tool in $TOOLS; do
    if [ -n "${failed[$tool]:-}" ]; then
      printf '| %s | %s | (not installed or failed) | | | | | |\n' "$tool" "$e"; continue
    fi
    w=$(mean ${walls[$tool]})
    tps=$(awk -v t="$tokens" -v e="$e" -v w="$w" 'BEGIN{printf "%.0f", t*e/w}')
    [ "$tool" = gensim ] && gensim_tps=$tps
    ratio=$(awk -v a="$tps" -v b="$gensim_tps" 'BEGIN{print b ? sprintf("%.2fx", a/b) : "-"}')
    printf '| %s | %s | %s | %.2fM | %.0f | %s | %s | %s |\n' "$tool" "$e" "$(stats 1 ${walls[$tool]})" \
      "$(awk -v x="$tps" 'BEGIN{print x/1e6}')" "$(mean ${rsss[$tool]})" "$(stats 2 ${accs[$tool]})" \
      "$(stats 4 ${rhos[$tool]})" "$ratio"
  done
  unset walls rsss accs rhos failed
done
echo "($MODEL; corpus $tokens tokens; work files in $work)"
