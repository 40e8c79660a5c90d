#!/usr/bin/env bash
# Recommendation on MovieLens 100k, ratings >= 4 as positives, full ranking
# of every item a user has not rated positively in training:
#   split ua: ua.base / ua.test as shipped (up to 10 held-out ratings a user);
#   split loo: leave-last-out on u.data (each user's last positive by time).
# Each method's L2 is picked from L2S by NDCG@20 on the ua split and then
# used unchanged on loo (no tuning on loo). dim 64, 30 epochs, k 5, 2
# threads, seed 1. Prints a markdown table: Recall@20 and NDCG@20 on both
# splits, NDCG@20 over the popularity baseline's, training and evaluation
# wall time.
#   DATA=../shared/data bench/rec.sh
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
DATA=${DATA:-$here/../shared/data}
ML=$DATA/ml-100k
L2S=${L2S:-0.01 0.03 0.1 0.3}
ns=$here/build/negsamp
[ -x "$ns" ] || { cmake -S "$here" -B "$here/build" -DCMAKE_BUILD_TYPE=Release >/dev/null; cmake --build "$here/build" -j >/dev/null; }
[ -f "$ML/ua.base" ] || { echo "bench: $ML/ua.base not found (set DATA=)" >&2; exit 1; }
work=${WORK:-$(mktemp -d /tmp/negsamp-rec.XXXXXX)}

now() { date +%s.%N; }
# run NAME SPLIT L2 ARGS...: trains, evaluates; prints "recall ndcg pop_ndcg train_s eval_s"
run() {
  local name=$1 split=$2 l2=$3; shift 3
  local t0 t1 out
  t0=$(now)
  if [ "$split" = ua ]; then
    "$ns" rec-train -input "$ML/ua.base" -output "$work/$name" -min-rating 4 -l2 "$l2" -quiet "$@"
  else
    "$ns" rec-train -input "$ML/u.data" -output "$work/$name" -min-rating 4 -l2 "$l2" -split leave-last-out -quiet "$@"
  fi
  t1=$(now)
  if [ "$split" = ua ]; then out=$("$ns" rec-eval "$work/$name.model" -test "$ML/ua.test" -k 20 2>/dev/null)
  else out=$("$ns" rec-eval "$work/$name.model" -split leave-last-out -k 20 2>/dev/null); fi
  echo "$out" | awk -v t="$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}')" '
    /^users/ { s = $(NF-3) } $1 == "model" { r = $2; n = $3 } $1 == "popularity" { p = $3; pr = $2 }
    END { printf "%s %s %s %s %s %s\n", r, n, p, t, s, pr }'
}

methods=(
  "mf-sgns-uniform|-loss sgns -ns-exponent 0"
  "mf-sgns-popularity|-loss sgns -ns-exponent 0.75"
  "mf-sgns-dns|-loss sgns -ns-exponent 0 -dns 5"
  "mf-sgns-mcmc|-loss sgns -ns-exponent 0 -negatives mcmc -mcmc-alpha 1"
  "mf-bpr-uniform|-loss bpr -ns-exponent 0"
  "mf-bpr-popularity|-loss bpr -ns-exponent 0.75"
  "mf-bpr-dns|-loss bpr -ns-exponent 0 -dns 5"
  "mf-bpr-mcmc|-loss bpr -ns-exponent 0 -negatives mcmc -mcmc-alpha 1"
  "mf-warp|-loss warp -ns-exponent 0"
  "mf-softmax-sampled|-loss softmax-sampled -ns-exponent 0"
  "item2vec|-model item2vec -loss sgns -ns-exponent 0.75"
)

printf '| method | L2 | ua Recall@20 | ua NDCG@20 | x popularity | loo Recall@20 | loo NDCG@20 | x popularity | train s (ua) | eval s (ua, 934 users) |\n'
printf '|---|---|---|---|---|---|---|---|---|---|\n'
pop_done=0
for m in "${methods[@]}"; do
  name=${m%%|*} args=${m#*|}
  best="" best_l2=""
  l2s=$L2S
  case $name in item2vec) l2s=0 ;; esac
  for l2 in $l2s; do
    # shellcheck disable=SC2086
    res=$(run "$name" ua "$l2" -threads 2 $args)
    if [ -z "$best" ] || awk -v a="$(echo "$res" | cut -d' ' -f2)" -v b="$(echo "$best" | cut -d' ' -f2)" 'BEGIN{exit !(a > b)}'; then
      best=$res best_l2=$l2
    fi
  done
  # shellcheck disable=SC2086
  loo=$(run "$name-loo" loo "$best_l2" -threads 2 $args)
  read -r r n p t s pr <<< "$best"
  read -r lr ln lp lt ls lpr <<< "$loo"
  if [ "$pop_done" = 0 ]; then
    printf '| popularity | - | %s | %s | 1.00 | %s | %s | 1.00 | - | - |\n' "$pr" "$p" "$lpr" "$lp"
    pop_done=1
  fi
  printf '| %s | %s | %s | %s | %.2f | %s | %s | %.2f | %s | %s |\n' "$name" "$best_l2" "$r" "$n" \
    "$(awk -v a="$n" -v b="$p" 'BEGIN{print a/b}')" "$lr" "$ln" "$(awk -v a="$ln" -v b="$lp" 'BEGIN{print a/b}')" "$t" "$s"
done
