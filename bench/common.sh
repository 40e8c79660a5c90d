# Sourced by the bench scripts: sets here, DATA, ns (the negsamp binary, built
# if missing), work (WORK or a new temporary folder) and corpus (wiki8
# unpacked there once).
here=$(cd "$(dirname "$0")/.." && pwd)
DATA=${DATA:-$here/../shared/data}
ns=$here/build/negsamp
[ -x "$ns" ] || { cmake -S "$here" -B "$here/build" -DCMAKE_BUILD_TYPE=Release >/dev/null; cmake --build "$here/build" -j >/dev/null; }
[ -f "$DATA/wiki8/wiki8.gz" ] || { echo "bench: $DATA/wiki8/wiki8.gz not found (set DATA=)" >&2; exit 1; }
work=${WORK:-$(mktemp -d /tmp/negsamp-bench.XXXXXX)}
mkdir -p "$work"
corpus=$work/wiki8
[ -f "$corpus" ] || gunzip -c "$DATA/wiki8/wiki8.gz" > "$corpus"
