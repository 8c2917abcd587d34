#!/usr/bin/env bash
# nlc's CPU benchmark in one command: builds the peak/STREAM probes, the
# library harness and the nlc programs, then runs everything once and writes
# bench/results/{results.md,results.csv,matmul.png}. See docs/Performance.md.
#
#   bash bench/run.sh                 # full run (sizes 256..4096 and transformer shapes)
#   bash bench/run.sh --quick         # sizes 256 and 512, 3 timed launches
#   bash bench/run.sh --sizes 256 1024 --threads 1 --budget 20
#
# Environment: NLC (default build/bin/nlc), CC (default clang-22).
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH/.." && pwd)"
NLC="${NLC:-$ROOT/build/bin/nlc}"
CC="${CC:-clang-22}"
BUILD="$BENCH/build"
OUT="$BENCH/results"

# Debian packages the benchmark needs (installed only when missing).
packages=(libopenblas-dev libdnnl-dev python3-matplotlib clang-22 libomp-22-dev)
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

# nlc may be rebuilt by others while we start: wait for it a little.
for _ in $(seq 30); do [ -x "$NLC" ] && break; sleep 2; done
[ -x "$NLC" ] || { echo "bench: no nlc at $NLC (set NLC=...)" >&2; exit 1; }

mkdir -p "$BUILD" "$OUT"
CFLAGS=(-O2 -march=native -Wall -I"$BENCH/src")
"$CC" "${CFLAGS[@]}" -fopenmp -o "$BUILD/peak" "$BENCH/src/peak.c"
"$CC" "${CFLAGS[@]}" -fopenmp -o "$BUILD/stream" "$BENCH/src/stream.c"
"$CC" "${CFLAGS[@]}" -o "$BUILD/libmm" "$BENCH/src/libmm.c" -lopenblas -ldnnl -lm
for t in f32:f32 bf16:f32 f16:f32 i8:i32; do
  T=${t%%:*} ACC=${t##*:}
  sed "s/@T@/$T/g; s/@ACC@/$ACC/g" "$BENCH/nl/matmul.nl.in" > "$BUILD/matmul_$T.nl"
  "$NLC" "$BUILD/matmul_$T.nl" -o "$BUILD/matmul_$T"
done
"$NLC" "$BENCH/nl/mem.nl" -o "$BUILD/mem"

# Debian's python3 has python3-matplotlib; another python3 first on PATH may not.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
exec "$PY" "$BENCH/bench.py" --build "$BUILD" --out "$OUT" --nlc "$NLC" "$@"
