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
#   SUBWORDS=1 TOOLS="fasttext negsamp" bench/words.sh 5       # character n-grams 3-6 (BUCKET=2000000)
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
# (-minn 0 -maxn 0). SUBWORDS=1: negsamp and fastText with -minn 3 -maxn 6
# -bucket BUCKET, gensim's FastText with the same; the last column then is
# WS353 over every pair, a word outside the vocabulary given its n-grams'
# vector by the tool itself (fasttext print-word-vectors, negsamp vectors,
# gensim's wv[word]), scored by the same evaluator.
# Prints one markdown table: wall time (whole command: read, train, write),
# tokens/s (corpus tokens x epochs / wall time), peak RSS, analogy accuracy
# (3CosAdd, questions restricted to the 30,000 most frequent words) and
# WordSim-353 Spearman.
set -euo pipefail
TOOLS=${TOOLS:-gensim fasttext negsamp}
MODEL=${MODEL:-skipgram}
SUBWORDS=${SUBWORDS:-0}
BUCKET=${BUCKET:-2000000}
if [ "$SUBWORDS" = 1 ]; then sub_ns="-minn 3 -maxn 6 -bucket $BUCKET" sub_ft="-minn 3 -maxn 6 -bucket $BUCKET"
else sub_ns="" sub_ft="-minn 0 -maxn 0"; fi
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
               -neg 5 -sample 1e-4 -min-count 5 -lr $lr -threads "$THREADS" -epochs "$e" -seed "$seed" -quiet $sub_ns ;;
    fasttext) command -v fasttext >/dev/null || return 2
              run_timed "$tool-$e" fasttext "$MODEL" -input "$corpus" -output "$out" -dim 100 -ws 5 \
               -neg 5 -t 1e-4 -minCount 5 -lr $lr -thread "$THREADS" -epoch "$e" $sub_ft \
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
from gensim.models import Word2Vec, FastText
from gensim.models.word2vec import Text8Corpus
kw = dict(sg=int(sys.argv[6]), vector_size=100, window=5, negative=5, sample=1e-4, min_count=5,
          alpha=float(sys.argv[7]), workers=int(sys.argv[3]), epochs=int(sys.argv[2]), seed=int(sys.argv[5]))
if sys.argv[8] == '1':
    m = FastText(Text8Corpus(sys.argv[1]), min_n=3, max_n=6, bucket=int(sys.argv[9]), **kw)
    m.save(sys.argv[4][:-4] + '.gensim')
else:
    m = Word2Vec(Text8Corpus(sys.argv[1]), **kw)
m.wv.save_word2vec_format(sys.argv[4])
" "$corpus" "$e" "$THREADS" "$out.vec" "$seed" "$sg" "$lr" "$SUBWORDS" "$BUCKET" ;;
  esac
}

# The WS353 words' vectors by the tool's own out-of-vocabulary rule, as a .vec.
oov_vec() { # tool epochs -> $work/TOOL-E.ws.vec
  local tool=$1 out=$work/$1-$2 words=$work/ws353.words
  tail -n +2 "$DATA/wordsim353/combined.csv" | tr ',' ' ' | awk '{print tolower($1); print tolower($2)}' | sort -u > "$words"
  { echo "$(wc -l < "$words") 100"
    case $tool in
      negsamp*) "$ns" vectors "$out.model" < "$words" ;;
      fasttext) fasttext print-word-vectors "$out.bin" < "$words" ;;
      gensim) $python -c "
import sys
from gensim.models import FastText
m = FastText.load(sys.argv[1])
for w in sys.stdin.read().split(): print(w, ' '.join('%.6g' % x for x in m.wv[w]))
" "$out.gensim" < "$words" ;;
    esac; } > "$out.ws.vec"
}

last=$([ "$SUBWORDS" = 1 ] && echo "WS353 all pairs (OOV by n-grams)" || echo "tokens/s vs gensim")
printf '| tool | epochs | wall s | tokens/s | peak RSS MiB | analogy %% | semantic %% | syntactic %% | WS353 rho | %s |\n' "$last"
printf '|---|---|---|---|---|---|---|---|---|---|\n'
stats() { # precision values... -> "mean" or "mean [min-max]"
  local p=$1; shift
  echo "$@" | awk -v p="$p" '{s=0; lo=$1; hi=$1
    for (i = 1; i <= NF; i++) { s += $i; if ($i < lo) lo = $i; if ($i > hi) hi = $i }
    f = "%." p "f"; printf f, s / NF; if (NF > 1) printf " [" f "-" f "]", lo, hi }'
}
mean() { echo "$@" | awk '{s=0; for(i=1;i<=NF;i++) s+=$i; printf "%.6g", s/NF}'; }

for e in "${EPOCHS[@]}"; do
  declare -A walls=() rsss=() accs=() sems=() syns=() rhos=() oovs=() failed=()
  for seed in $(seq 1 "$REPEATS"); do
    for tool in $TOOLS; do
      [ -n "${failed[$tool]:-}" ] && continue
      if ! train "$tool" "$e" "$seed"; then failed[$tool]=1; continue; fi
      vec=$work/$tool-$e.vec
      "$ns" eval-analogy "$vec" "$DATA/google-analogy/questions-words.txt" -restrict 30000 > "$work/analogy.out"
      accs[$tool]="${accs[$tool]:-} $(awk '$1=="total"{print $4}' "$work/analogy.out" | tr -d %)"
      sems[$tool]="${sems[$tool]:-} $(awk '$1=="semantic"{print $4}' "$work/analogy.out" | tr -d %)"
      syns[$tool]="${syns[$tool]:-} $(awk '$1=="syntactic"{print $4}' "$work/analogy.out" | tr -d %)"
      if [ "$SUBWORDS" = 1 ] && [ "$tool" != pword2vec ] && [ "$tool" != python ]; then
        oov_vec "$tool" "$e"
        oovs[$tool]="${oovs[$tool]:-} $("$ns" eval-similarity "$work/$tool-$e.ws.vec" "$DATA/wordsim353/combined.csv" | sed 's/.*spearman \([-0-9.]*\).*/\1/')"
      fi
      rhos[$tool]="${rhos[$tool]:-} $("$ns" eval-similarity "$vec" "$DATA/wordsim353/combined.csv" | sed 's/.*spearman \([-0-9.]*\).*/\1/')"
      walls[$tool]="${walls[$tool]:-} $wall" rsss[$tool]="${rsss[$tool]:-} $rss"
    done
  done
  gensim_tps=""
  for tool in $TOOLS; do
    if [ -n "${failed[$tool]:-}" ]; then
      printf '| %s | %s | (not installed or failed) | | | | | | | |\n' "$tool" "$e"; continue
    fi
    w=$(mean ${walls[$tool]})
    tps=$(awk -v t="$tokens" -v e="$e" -v w="$w" 'BEGIN{printf "%.0f", t*e/w}')
    [ "$tool" = gensim ] && gensim_tps=$tps
    ratio=$(awk -v a="$tps" -v b="$gensim_tps" 'BEGIN{print b ? sprintf("%.2fx", a/b) : "-"}')
    [ "$SUBWORDS" = 1 ] && ratio=$([ -n "${oovs[$tool]:-}" ] && stats 4 ${oovs[$tool]} || echo -)
    printf '| %s | %s | %s | %.2fM | %.0f | %s | %s | %s | %s | %s |\n' "$tool" "$e" "$(stats 1 ${walls[$tool]})" \
      "$(awk -v x="$tps" 'BEGIN{print x/1e6}')" "$(mean ${rsss[$tool]})" "$(stats 2 ${accs[$tool]})" \
      "$(stats 2 ${sems[$tool]})" "$(stats 2 ${syns[$tool]})" "$(stats 4 ${rhos[$tool]})" "$ratio"
  done
  unset walls rsss accs sems syns rhos oovs failed
done
echo "($MODEL; corpus $tokens tokens; work files in $work)"
