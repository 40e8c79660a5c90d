#!/usr/bin/env bash
# Held-out log-likelihood on a small vocabulary: the 2,000 most frequent
# words of wiki8's training part, every other word mapped to <unk>. Trains on
# the first TRAIN tokens (1M), evaluates on 400k tokens from the end of the
# file, for sgns, nce, softmax-sampled and the exact softmax (the reference).
# Skip-gram, dim 100, window 5, k 5, alpha 0.75, no subsampling (so training
# sees the pair distribution that is evaluated), EPOCHS (3), 2 threads.
#   DATA=../shared/data WORK=/tmp/w8 bench/loglik.sh
set -euo pipefail
EPOCHS=${EPOCHS:-3}
TRAIN=${TRAIN:-1000000}
VOCAB=${VOCAB:-2000}
. "$(dirname "$0")/common.sh"

ll=$work/loglik
mkdir -p "$ll"
tr -s ' ' '\n' < "$corpus" | sed '/^$/d' > "$ll/tokens"
head -n "$TRAIN" "$ll/tokens" | sort | uniq -c | sort -k1,1nr -k2,2 | awk -v n="$VOCAB" 'NR <= n {print $2}' > "$ll/top"
# Lines of 1,000 tokens; out-of-vocabulary words become <unk>.
map() { awk 'NR==FNR{k[$1]=1;next} {printf "%s%s", (k[$1]?$1:"<unk>"), (FNR%1000==0?"\n":" ")}' "$ll/top" -; }
head -n "$TRAIN" "$ll/tokens" | map > "$ll/train.txt"
tail -n 400000 "$ll/tokens" | map > "$ll/heldout.txt"

printf '| loss | s/epoch | held-out log P(centre given context) | perplexity | mean score (self-normalised log P) | mean log Z |\n'
printf '|---|---|---|---|---|---|\n'
for loss in sgns nce softmax-sampled softmax; do
  t0=$(date +%s.%N)
  "$ns" skipgram -input "$ll/train.txt" -output "$ll/$loss" -loss "$loss" -dim 100 -window 5 -neg 5 \
    -sample 0 -min-count 1 -epochs "$EPOCHS" -threads 2 -quiet
  wall=$(awk -v a="$t0" -v b="$(date +%s.%N)" -v e="$EPOCHS" 'BEGIN{printf "%.2f", (b-a)/e}')
  "$ns" eval-ll "$ll/$loss.model" "$ll/heldout.txt" |
    tr -d , | awk -v l="$loss" -v w="$wall" '{printf "| %s | %s | %s | %s | %s | %s |\n", l, w, $6, $9, $12, $16}'
done
