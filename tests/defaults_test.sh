#!/usr/bin/env bash
# Defaults that learn on small data: every training command, given only its
# input and output (and -threads 1, for a reproducible run), learns a small
# planted data set. The defaults that depend on the data's size are what
# make this hold: -sample auto (words), -epochs auto (pairs, graphs), -lr
# auto (knowledge graphs); the fixed paper-scale defaults (sample 1e-4, 5
# passes over 11,000 pairs, Adam at 5e-5) learn nothing here.
#   defaults_test.sh NEGSAMP TOYCORPUS WORKDIR
set -u
ns=$1 gen=$2 dir=$3/defaults
rm -rf "$dir" && mkdir -p "$dir"
pass=0 fail=0
check() { # what condition-exit-status output
  if [ "$2" = 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $1: $3" >&2; fi
}
run() { "$@" -threads 1 -quiet || { fail=$((fail + 1)); echo "FAIL: $* exited $?" >&2; }; }

# Words: 8,000 planted sentences (64,000 tokens, 300 words) and their
# analogies.
"$gen" "$dir" 8000 12 5 >/dev/null || { echo "cannot generate corpus"; exit 1; }
for cmd in skipgram cbow; do
  run "$ns" $cmd -input "$dir/toy.txt" -output "$dir/$cmd"
  out=$("$ns" eval-analogy "$dir/$cmd.vec" "$dir/toy-analogy.txt" -restrict 0 | awk '$1 == "total"')
  echo "$out" | awk '{ exit !($4 + 0 >= 90) }'; check "$cmd with defaults: analogies >= 90%" $? "$out"
done

# Pairs: 200 users in 5 clusters, each pairing with the 20 items of its
# cluster; 11,000 training pairs, 1,000 held out.
awk -v tr="$dir/pairs.tsv" -v te="$dir/pairs-test.tsv" 'BEGIN { srand(11)
  for (n = 0; n < 12000; n++) { u = int(rand() * 200); print "u" u "\ti" (u % 5 + 5 * int(rand() * 20)) > (n < 11000 ? tr : te) } }'
run "$ns" pairs-train -input "$dir/pairs.tsv" -output "$dir/pairs"
out=$("$ns" pairs-eval "$dir/pairs.model" -test "$dir/pairs-test.tsv" -at 20)
echo "$out" | awk '{ exit !($NF > 0.95) }'; check "pairs-train with defaults: recall@20 > 0.95 (chance 0.2)" $? "$out"

# Recommendation: 80 users in 4 groups, each with 12 of its group's 15
# items in training and the other 3 held out.
awk -v tr="$dir/rec.train" -v te="$dir/rec.test" 'BEGIN { for (u = 0; u < 80; u++) for (i = 0; i < 15; i++)
  print "u" u "\ti" (int(u / 20) * 15 + (i + u) % 15) "\t" i > (i < 12 ? tr : te) }'
run "$ns" rec-train -input "$dir/rec.train" -output "$dir/rec"
out=$("$ns" rec-eval "$dir/rec.model" -test "$dir/rec.test")
echo "$out" | awk '$1 == "model" { exit !($3 > 0.9) }'; check "rec-train with defaults: NDCG@10 > 0.9" $? "$out"

# Knowledge graphs: a ring of 60 entities, next and prev both ways, 10 of
# the 120 triples held out (110 train).
awk -v tr="$dir/ring.train" -v te="$dir/ring.test" 'BEGIN { for (i = 0; i < 60; i++) {
  print "e" i "\tnext\te" ((i + 1) % 60) > (i % 6 == 0 ? te : tr); print "e" ((i + 1) % 60) "\tprev\te" i > tr } }'
for model in rotate complex; do
  run "$ns" kg-train -model $model -dim 32 -input "$dir/ring.train" -output "$dir/ring-$model"
  out=$("$ns" kg-eval "$dir/ring-$model.model" -test "$dir/ring.test" -filter "$dir/ring.train")
  echo "$out" | awk '$1 == "tail" { exit !($5 == 1) }'; check "kg-train -model $model -dim 32: tail Hits@1 = 10 of 10" $? "$out"
done

# Graphs: 80 nodes in 4 communities (edges within with probability 0.3,
# across 0.01); a node's 5 nearest neighbours are of its community.
awk 'BEGIN { srand(5); for (u = 0; u < 80; u++) for (v = u + 1; v < 80; v++)
  if (rand() < (int(u / 20) == int(v / 20) ? 0.3 : 0.01)) print "n" u " n" v }' > "$dir/sbm.txt"
for method in deepwalk node2vec line; do
  run "$ns" graph-train -input "$dir/sbm.txt" -undirected -method $method -output "$dir/sbm-$method"
  out=$(awk 'BEGIN { for (u = 0; u < 80; u++) print "n" u }' | "$ns" nn "$dir/sbm-$method.vec" -k 5 |
        awk '{ a = substr($1, 2); b = substr($2, 2); same += int(a / 20) == int(b / 20); n++ } END { print same / n }')
  awk -v f="$out" 'BEGIN { exit !(f >= 0.9) }'; check "graph-train -method $method with defaults: neighbours in the community >= 90%" $? "$out"
done

echo "defaults_test: $pass passed, $fail failed"
[ "$fail" = 0 ]
