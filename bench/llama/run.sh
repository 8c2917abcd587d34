#!/usr/bin/env bash
# nlc next to llama.cpp on Llama-architecture GGUF models, in one command
# (issue 12; docs/Performance.md, "Llama models: nlc next to llama.cpp").
#
#   bash bench/llama/run.sh                    # tiny and 125M models, f32 f16 bf16 q8_0, 1 and 2 threads
#   bash bench/llama/run.sh --models tiny --types f32 q8_0 --threads 1
#
# What it does:
#  - installs llama.cpp's prebuilt CPU libraries, the npm package
#    @node-llama-cpp/linux-x64 (the version pinned in package.json), into
#    bench/llama/node_modules when missing (npm is for this benchmark only,
#    never for nlc itself);
#  - takes the matching llama.h from the git bundle inside the
#    node-llama-cpp package of the same version (`npm pack`, then `git
#    clone` of the bundle, offline) into bench/llama/build/llama.cpp;
#  - compiles bench/llama/llama_cpp_harness.c against them (rpath to the
#    package's folder);
#  - compiles the nlc side, examples/llama/generate.nl (or llama.nl), with
#    build/bin/nlc when both exist; the nlc column reads "not available"
#    otherwise;
#  - runs bench.py, which makes the models with scripts/llama_gguf.py,
#    checks logits and greedy tokens and writes
#    bench/llama/results/results.md.
#
# Environment: NLC (default build/bin/nlc), CC (default clang-22, else cc).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
NLC="${NLC:-$ROOT/build/bin/nlc}"
CC="${CC:-$(command -v clang-22 || echo cc)}"
BUILD="$HERE/build"
VERSION=3.22.1
LIBDIR="$HERE/node_modules/@node-llama-cpp/linux-x64/bins/linux-x64"
SRC="$BUILD/llama.cpp"
mkdir -p "$BUILD"

# llama.cpp's libraries.
if [ ! -e "$LIBDIR/libggml-base.so" ]; then
  echo "bench/llama: installing @node-llama-cpp/linux-x64@$VERSION (npm)" >&2
  (cd "$HERE" && npm install --no-audit --no-fund --loglevel=error >&2)
fi
LIBLLAMA="$(cd "$LIBDIR" && ls libllama.v*.so 2>/dev/null | head -n1)"
LIBGGML="$(cd "$LIBDIR" && ls libggml.v*.so 2>/dev/null | head -n1)"
[ -n "$LIBLLAMA" ] && [ -n "$LIBGGML" ] || { echo "bench/llama: no libllama in $LIBDIR" >&2; exit 1; }

# The llama.h of the same build: a git bundle inside node-llama-cpp.
if [ ! -e "$SRC/include/llama.h" ]; then
  echo "bench/llama: fetching llama.h (node-llama-cpp@$VERSION's git bundle)" >&2
  rm -rf "$BUILD/npm" "$SRC"
  mkdir -p "$BUILD/npm"
  (cd "$BUILD/npm" && npm pack --silent "node-llama-cpp@$VERSION" >/dev/null &&
     tar xzf "node-llama-cpp-$VERSION.tgz" package/llama/gitRelease.bundle)
  git clone --quiet "$BUILD/npm/package/llama/gitRelease.bundle" "$SRC" 2>/dev/null
fi

# The harness, against exactly those headers and libraries.
"$CC" -O2 -Wall -Wextra -std=c11 -D_POSIX_C_SOURCE=200809L \
  -I"$SRC/include" -I"$SRC/ggml/include" \
  -o "$BUILD/llama_cpp_harness" "$HERE/llama_cpp_harness.c" \
  -L"$LIBDIR" -l:"$LIBLLAMA" -l:"$LIBGGML" -l:libggml-base.so -Wl,-rpath,"$LIBDIR"

# The nlc side, when it exists.
NLC_ARGS=()
for prog in "$ROOT/examples/llama/generate.nl" "$ROOT/examples/llama/llama.nl"; do
  if [ -e "$prog" ]; then
    if [ -x "$NLC" ]; then
      "$NLC" "$prog" -o "$BUILD/llama_nlc"
      NLC_ARGS=(--nlc "$BUILD/llama_nlc")
    else
      echo "bench/llama: $prog exists but there is no nlc at $NLC (set NLC=...)" >&2
    fi
    break
  fi
done

# Debian's python3 has python3-numpy; another python3 first on PATH may not.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
exec "$PY" "$HERE/bench.py" --build "$BUILD" --out "$HERE/results" \
  --harness "$BUILD/llama_cpp_harness" --backends "$LIBDIR" "${NLC_ARGS[@]}" "$@"
