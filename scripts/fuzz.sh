#!/usr/bin/env bash
# Builds the nlc-fuzz libFuzzer target in build-fuzz/ (clang-22, ASan + UBSan),
# collects the seed corpus (every .nl file under test/, examples/ and stdlib/)
# and runs the fuzzer. Extra arguments go to libFuzzer, e.g.
#   scripts/fuzz.sh -max_total_time=900 -jobs=1
# New inputs go to build-fuzz/fuzz/corpus, findings to build-fuzz/fuzz/artifacts.
# With --backend first, programs that pass the frontend are also lowered and
# compiled to an object (NLC_FUZZ_MODE=backend); its corpus and findings are
# build-fuzz/fuzz/corpus-backend and build-fuzz/fuzz/artifacts-backend.
set -euo pipefail

suffix=""
if [ "${1:-}" = "--backend" ]; then
  shift
  export NLC_FUZZ_MODE=backend
  suffix="-backend"
fi

NLC_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${NLC_FUZZ_BUILD:-$NLC_ROOT/build-fuzz}"
if [ ! -f "$build/build.ninja" ]; then
  CC=clang-22 CXX=clang++-22 cmake -G Ninja -S "$NLC_ROOT" -B "$build" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNLC_SANITIZE=ON -DNLC_FUZZ=ON >/dev/null
fi
# NINJA_FLAGS, e.g. -j1, limits the build on a busy machine.
ninja -C "$build" ${NINJA_FLAGS:-} nlc-fuzz

work="$build/fuzz"
rm -rf "$work/seeds"
mkdir -p "$work/seeds" "$work/corpus$suffix" "$work/artifacts$suffix"
(cd "$NLC_ROOT" && find test examples stdlib -name '*.nl' 2>/dev/null) |
  while read -r f; do cp "$NLC_ROOT/$f" "$work/seeds/${f//\//_}"; done

cd "$work"
# nlc-fuzz writes each input to a file in a private temporary directory;
# tmpfs avoids ext4's flush-on-truncate for every input.
if [ -z "${TMPDIR:-}" ] && [ -w /dev/shm ]; then export TMPDIR=/dev/shm; fi
exec "$build/bin/nlc-fuzz" -dict="$NLC_ROOT/tools/nlc-fuzz/nl.dict" \
  -artifact_prefix="$work/artifacts$suffix/" -timeout=10 -rss_limit_mb=4096 \
  "$@" "$work/corpus$suffix" "$work/seeds"
