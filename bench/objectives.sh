#!/usr/bin/env bash
# Objectives and noise on wiki8: analogy (3CosAdd, restrict 30000) and
# WordSim-353 for each loss at the defaults, then SGNS over the noise
# exponent alpha and the number of negatives k. Skip-gram, dim 100, window 5,
# sample 1e-4, min-count 5, lr 0.025, 5 epochs (override: EPOCHS=), 2 threads.
#   DATA=../shared/data WORK=/tmp/w8 bench/objectives.sh
set -euo pipefail
EPOCHS=${EPOCHS:-5}
. "$(dirname "$0")/common.sh"

run() { # label extra-options...
  local label=$1; shift
  local t0=$(date +%s.%N)
  "$ns" skipgram -input "$corpus" -output "$work/obj" -dim 100 -window 5 -sample 1e-4 -min-count 5 \
    -lr 0.025 -threads 2 -epochs "$EPOCHS" -quiet "$@"
  local wall=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
  local acc=$("$ns" eval-analogy "$work/obj.vec" "$DATA/google-analogy/questions-words.txt" -restrict 30000 |
              awk '$1=="total"{print $4}')
  local rho=$("$ns" eval-similarity "$work/obj.vec" "$DATA/wordsim353/combined.csv" | sed 's/.*spearman \([-0-9.]*\).*/\1/')
  printf '| %s | %s | %s | %s |\n' "$label" "$acc" "$rho" "$wall"
}

printf '| setting | analogy | WS353 rho | wall s |\n|---|---|---|---|\n'
for loss in sgns nce softmax-sampled; do run "loss $loss (alpha 0.75, k 5)" -loss "$loss"; done
for a in 0 0.5 0.75 1; do run "sgns alpha $a (k 5)" -ns-exponent "$a"; done
for k in 2 5 15; do run "sgns k $k (alpha 0.75)" -neg "$k"; done
