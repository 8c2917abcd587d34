#!/usr/bin/env bash
# Builds here, where nlc is built, what run.sh runs on a machine with an
# NVIDIA GPU (which has no LLVM 22 to build nlc with): each kernel example
# as a CPU executable, its output (the expected verdicts: every example
# checks its results element by element against host code), and the same
# program with its kernels compiled for the GPU (-mcpu, default sm_90a);
# the CPU benchmark's matmul (f32, bf16) and memory programs built for the
# GPU; the raw-driver launch probe; the library baselines' script.
#
#   bash bench/gpu/prepare.sh [-mcpu=sm_XX]   writes bench/gpu/carry/
#
# Then, with the device tool: carry `bench/gpu/carry` and run
# `bash bench/gpu/run.sh "$OUT"`; back here, `bash bench/gpu/check.sh DIR`
# checks the benchmark programs' results that came back.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
chip=${1:--mcpu=sm_90a}
out=$root/bench/gpu/carry
nlc=$root/build/bin/nlc
# Host code for any x86-64 with AVX2: the GPU machine has another CPU.
gpu=(--target=nvptx64-nvidia-cuda "$chip" --host-cpu=x86-64-v3)
rm -rf "$out" && mkdir -p "$out"
for ex in vecadd softmax layernorm tile_matmul; do
  src=$root/examples/$ex/$ex.nl
  "$nlc" "$src" -o "$out/$ex.cpu"
  "$out/$ex.cpu" > "$out/$ex.expected"
  "$nlc" "${gpu[@]}" "$src" -o "$out/$ex.gpu"
  "$nlc" "${gpu[@]}" --emit=ptx "$src" -o "$out/$ex.ptx"
done
# The benchmark programs (bench/nl), instantiated as bench/run.sh does.
for t in f32:f32 bf16:f32; do
  sed -e "s/@T@/${t%%:*}/g" -e "s/@ACC@/${t##*:}/g" "$root/bench/nl/matmul.nl.in" \
    > "$out/matmul_${t%%:*}.nl"
  "$nlc" "${gpu[@]}" "$out/matmul_${t%%:*}.nl" -o "$out/matmul_${t%%:*}.gpu"
done
"$nlc" "${gpu[@]}" "$root/bench/nl/mem.nl" -o "$out/mem.gpu"
"${CC:-clang-22}" -O2 -Wall -o "$out/rawlaunch" "$root/bench/gpu/src/rawlaunch.c" -ldl
cp "$root/bench/gpu/baselines.py" "$out/"
echo "prepared $(ls "$out" | wc -l) files in $out"
