#!/usr/bin/env bash
# Builds here, where nlc is built, what run.sh runs on a machine with an
# NVIDIA GPU (which has no LLVM 22 to build nlc with): each kernel example
# as a CPU executable, its output (the expected verdicts: every example
# checks its results element by element against host code), and the same
# program with its kernels compiled for the GPU (-mcpu, default sm_90a).
#
#   bash bench/gpu/prepare.sh [-mcpu=sm_XX]   writes bench/gpu/carry/
#
# Then, with the device tool: carry `bench/gpu/carry` and run
# `bash bench/gpu/run.sh`.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
chip=${1:--mcpu=sm_90a}
out=$root/bench/gpu/carry
nlc=$root/build/bin/nlc
rm -rf "$out" && mkdir -p "$out"
for ex in vecadd softmax layernorm tile_matmul; do
  src=$root/examples/$ex/$ex.nl
  "$nlc" "$src" -o "$out/$ex.cpu"
  "$out/$ex.cpu" > "$out/$ex.expected"
  "$nlc" --target=nvptx64-nvidia-cuda "$chip" "$src" -o "$out/$ex.gpu"
  "$nlc" --target=nvptx64-nvidia-cuda "$chip" --emit=ptx "$src" -o "$out/$ex.ptx"
done
echo "prepared $(ls "$out" | wc -l) files in $out"
