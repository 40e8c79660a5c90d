#!/usr/bin/env bash
# The installed library: `cmake --install` into a temporary prefix, then a
# program built with nothing but `pkg-config --cflags --libs negsamp`, and
# one through find_package(negsamp) (shared and static), must build and run;
# the shared library exports only the public ns_* API.
#   install_test.sh BUILD_DIR SOURCE_DIR WORKDIR [INSTRUMENTED]
set -u
build=$1 src=$2 dir=$3/install
rm -rf "$dir" && mkdir -p "$dir"
if [ "${4:-0}" = 1 ]; then echo "skipped: a sanitizer build (an uninstrumented program cannot load it)"; exit 77; fi
if ! command -v pkg-config >/dev/null; then echo "skipped: pkg-config is not installed (apt-get install pkg-config)"; exit 77; fi
fail=0
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
cmake --install "$build" --prefix "$dir/prefix" >"$dir/install.log" 2>&1 || { cat "$dir/install.log"; echo "FAIL: cmake --install"; exit 1; }
pc=$(find "$dir/prefix" -name negsamp.pc | head -1)
[ -n "$pc" ] || { echo "FAIL: no negsamp.pc installed"; exit 1; }
export PKG_CONFIG_PATH=$(dirname "$pc")
libdir=$(pkg-config --variable=libdir negsamp)
# shellcheck disable=SC2046
cc -std=c11 -Wall -Werror "$src/tests/install/example.c" $(pkg-config --cflags --libs negsamp) -o "$dir/example" \
  || bad "cannot build against pkg-config's flags: $(pkg-config --cflags --libs negsamp)"
(cd "$dir" && LD_LIBRARY_PATH=$libdir ./example "$dir/example.txt") || bad "the pkg-config program failed"
readelf -d "$dir/example" | grep -q 'NEEDED.*libnegsamp\.so\.0' || bad "the program is not linked to libnegsamp.so.0"
so=$(ls "$libdir"/libnegsamp.so.0.* 2>/dev/null | head -1)
[ -n "$so" ] || bad "no versioned libnegsamp.so.0.* in $libdir"
readelf -d "$so" | grep -q 'SONAME.*\[libnegsamp\.so\.0\]' || bad "SONAME is not libnegsamp.so.0"
syms=$(nm -D --defined-only "$so" | awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }')
other=$(echo "$syms" | grep -v '^ns_[a-z]' | head -5)
[ -z "$other" ] || bad "the shared library exports more than ns_*: $other"
echo "$syms" | grep -q '^ns__' && bad "internal ns__ symbols exported"
echo "$syms" | grep -qx 'ns_train_words' || bad "ns_train_words not exported"
[ -f "$dir/prefix/include/negsamp.h" ] || bad "header not installed"
if cmake -S "$src/tests/install" -B "$dir/consumer" -DCMAKE_PREFIX_PATH="$dir/prefix" >"$dir/consumer.log" 2>&1 &&
   cmake --build "$dir/consumer" >>"$dir/consumer.log" 2>&1; then
  (cd "$dir" && LD_LIBRARY_PATH=$libdir ./consumer/example "$dir/example2.txt") || bad "the find_package program failed"
  (cd "$dir" && ./consumer/example_static "$dir/example3.txt") || bad "the static find_package program failed"
else
  cat "$dir/consumer.log"; bad "find_package(negsamp) project did not build"
fi
echo "install: $fail failed"
[ "$fail" = 0 ]
