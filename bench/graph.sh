#!/usr/bin/env bash
# Graph node embeddings, the node2vec paper's protocol, one run:
#   BlogCatalog, PPI: node classification, one-vs-rest logistic regression
#     (liblinear, C = 1) on 10 %, 50 % and 90 % of the labelled nodes,
#     REPEATS random splits (10), Micro- and Macro-F1;
#   Facebook: link prediction, 50 % of the edges removed keeping the residual
#     graph's components, AUC of logistic regression on Hadamard features
#     (and L2 in the last column).
# Methods: DeepWalk, node2vec, LINE (both orders), each with the negatives of
# NEGATIVES: degree (degree^0.75), uniform (-ns-exponent 0), mcmc
# (-negatives mcmc, its default alpha 0.5 and mix 0.5; run for the walks only,
# docs/graphs.md has one LINE run). node2vec's p
# and q come from the grid GRID x GRID chosen on validation data only:
# classification on a fixed random half of the labelled nodes (2 splits at
# 50 %, seed 99), links on a split of the residual graph (its own 20 % held
# out). Settings: dim 128, 10 walks of 80 a node, window 10, k 5, 2 threads,
# EPOCHS rounds of walks (1: the papers' budget), LINE 100 draws per arc.
# Prints a markdown table: wall time of walks + training (the whole
# graph-train command), peak RSS, the figures, and the published ones.
# PECANPY=/path/to/pecanpy adds an anchor row after DeepWalk and node2vec:
# PecanPy (pip install pecanpy: node2vec's walks in numba, then gensim's
# Word2Vec) with the same walks, p and q, dim, window and epochs (its
# word2vec settings are its own: k 5, sample 1e-3), timed the same way and
# scored by the same evaluator.
#   DATA=../shared/data REPEATS=10 EPOCHS=1 bench/graph.sh [blogcatalog ppi facebook]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
DATA=${DATA:-$here/../shared/data}
REPEATS=${REPEATS:-10}
EPOCHS=${EPOCHS:-1}
THREADS=${THREADS:-2}
NEGATIVES=${NEGATIVES:-degree uniform mcmc}
METHODS=${METHODS:-deepwalk node2vec line}
GRID=${GRID:-0.25 1 4}
ns=$here/build/negsamp
[ -x "$ns" ] || { cmake -S "$here" -B "$here/build" -DCMAKE_BUILD_TYPE=Release >/dev/null; cmake --build "$here/build" -j >/dev/null; }
work=${WORK:-$(mktemp -d /tmp/negsamp-graph.XXXXXX)}
mkdir -p "$work"
sets=("$@")
[ ${#sets[@]} -gt 0 ] || sets=(blogcatalog ppi facebook)
"$ns" graph-eval /dev/null -labels /dev/null 2>&1 | grep -q "without liblinear" && {
  echo "bench: negsamp was built without liblinear (apt-get install liblinear-dev, rebuild)" >&2; exit 1; }

declare -A edges=([blogcatalog]=$DATA/blogcatalog/edges.tsv.gz [ppi]=$DATA/ppi/edges.tsv [facebook]=$DATA/facebook/edges.txt)
# published (node2vec paper): Macro-F1 at 50 % (Table 2), AUC Hadamard (Table 4)
declare -A published=([blogcatalog-deepwalk]=0.2110 [blogcatalog-line]=0.0784 [blogcatalog-node2vec]=0.2581
                      [ppi-deepwalk]=0.1768 [ppi-line]=0.1447 [ppi-node2vec]=0.1791
                      [facebook-deepwalk]=0.9680 [facebook-line]=0.9490 [facebook-node2vec]=0.9680)

# train NAME EDGES METHOD NEG [ARGS...]: trains; sets wall, rss
train() {
  local name=$1 input=$2 method=$3 neg=$4; shift 4
  local alpha=0.75; [ "$neg" = uniform ] && alpha=0
  local extra=(); [ "$method" = line ] && extra=(-order both) || extra=(-epochs "$EPOCHS")
  [ "$neg" = mcmc ] && extra+=(-negatives mcmc)
  /usr/bin/time -f "%e %M" -o "$work/time" "$ns" graph-train -input "$input" -undirected -output "$work/$name" \
    -method "$method" -ns-exponent "$alpha" -threads "$THREADS" -quiet "${extra[@]}" "$@"
  read -r wall rss < "$work/time"
  rss=$((rss / 1024))
}
# macro-F1 at 50 % on the validation labels
# the anchor: PecanPy on the same graph (tab-separated, decompressed)
pecanpy_row() { # set method p q input
  local set=$1 method=$2 p=$3 q=$4 input=$5 edg=$work/$1.edg
  [ -n "${PECANPY:-}" ] || return 0
  [ -f "$edg" ] || { case $input in *.gz) gunzip -c "$input" ;; *) cat "$input" ;; esac | tr ' ' '\t' > "$edg"; }
  local mode=SparseOTF; [ "$method" = deepwalk ] && mode=FirstOrderUnweighted
  /usr/bin/time -f "%e %M" -o "$work/time" "$PECANPY" --input "$edg" --output "$work/pecanpy.vec" --mode "$mode" \
    --dimensions 128 --walk-length 80 --num-walks 10 --window-size 10 --epochs "$EPOCHS" --workers "$THREADS" \
    --p "$p" --q "$q" > /dev/null 2>&1 || { echo "| $set | pecanpy ($method) | (failed) | | | | | | |"; return 0; }
  read -r wall rss < "$work/time"
  rss=$((rss / 1024))
  row "$work/pecanpy.vec" "pecanpy ($method)" "gensim's" "$p, $q" "$set-$method"
}

# row VEC METHOD NEGATIVES PQ KEY: evaluates VEC on the set and prints its
# table row, with $wall, $rss and the published figure of KEY
row() {
  local vec=$1 what=$2 neg=$3 shown=$4 key=$5
  if [ $links = 1 ]; then
    r=$("$ns" graph-eval "$vec" -link-train "$work/fb.train.pairs" -link-test "$work/fb.test.pairs" \
         -edge-features hadamard,l2 | awk 'NR > 2 {printf "%s | ", $2}')
    echo "| $set | $what | $neg | $shown | $wall | $rss | $r${published[$key]} |"
  else
    out=$("$ns" graph-eval "$vec" -labels "$DATA/$set/labels.tsv" -repeats "$REPEATS" 2>/dev/null)
    mi=$(echo "$out" | awk 'NR > 2 {printf "%s%s", (NR > 3 ? " / " : ""), $2}')
    ma=$(echo "$out" | awk 'NR > 2 {printf "%s%s", (NR > 3 ? " / " : ""), $4}')
    echo "| $set | $what | $neg | $shown | $wall | $rss | $mi | $ma | ${published[$key]} |"
  fi
}

valid_macro() { "$ns" graph-eval "$work/$1.vec" -labels "$work/valid.labels" -train-ratio 0.5 -repeats 2 -seed 99 | awk 'NR == 3 {print $4}'; }
valid_auc() { "$ns" graph-eval "$work/$1.vec" -link-train "$work/val.train.pairs" -link-test "$work/val.test.pairs" | awk 'NR == 3 {print $2}'; }

for set in "${sets[@]}"; do
  [ -f "${edges[$set]}" ] || { echo "bench: ${edges[$set]} not found (set DATA=)" >&2; continue; }
  links=0; [ "$set" = facebook ] && links=1
  input=${edges[$set]}
  if [ $links = 1 ]; then
    "$ns" graph-split -input "$input" -undirected -output "$work/fb" -fraction 0.5 2>/dev/null
    "$ns" graph-split -input "$work/fb.train" -undirected -output "$work/val" -fraction 0.2 2>/dev/null
    input=$work/fb.train
    echo "| data | method | negatives | p, q | wall s | RSS MiB | AUC (Hadamard) | AUC (L2) | published AUC |"
    echo "|---|---|---|---|---|---|---|---|---|"
  else
    awk 'BEGIN{srand(7)} {if (!($1 in pick)) pick[$1] = rand() < 0.5; if (pick[$1]) print}' \
      "$DATA/$set/labels.tsv" > "$work/valid.labels"
    echo "| data | method | negatives | p, q | wall s | RSS MiB | Micro-F1 10/50/90 % | Macro-F1 10/50/90 % | published Macro-F1 50 % |"
    echo "|---|---|---|---|---|---|---|---|---|"
  fi
  for method in $METHODS; do
    pq=()
    if [ "$method" = node2vec ]; then # the grid, on validation data only, degree^0.75 negatives
      best=-1
      for p in $GRID; do for q in $GRID; do
        if [ $links = 1 ]; then train grid "$work/val.train" node2vec degree -p "$p" -q "$q"; v=$(valid_auc grid)
        else train grid "$input" node2vec degree -p "$p" -q "$q"; v=$(valid_macro grid); fi
        if awk -v a="$v" -v b="$best" 'BEGIN{exit !(a > b)}'; then best=$v pq=(-p "$p" -q "$q"); fi
      done; done
    fi
    for neg in $NEGATIVES; do
      [ "$method" = line ] && [ "$neg" = mcmc ] && continue # 3.6x LINE's time for less (docs/graphs.md)
      name=$set-$method-$neg
      train "$name" "$input" "$method" "$neg" "${pq[@]}"
      row "$work/$name.vec" "$method" "$neg" "$([ ${#pq[@]} -gt 0 ] && echo "${pq[1]}, ${pq[3]}" || echo "-")" \
        "$set-$method"
    done
    if [ "$method" = deepwalk ]; then pecanpy_row "$set" deepwalk 1 1 "$input"
    elif [ "$method" = node2vec ]; then pecanpy_row "$set" node2vec "${pq[1]}" "${pq[3]}" "$input"; fi
  done
  echo
done
echo "(epochs $EPOCHS, repeats $REPEATS, threads $THREADS; work files in $work)"
