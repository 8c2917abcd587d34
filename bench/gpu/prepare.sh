#!/usr/bin/env bash
# Builds here, where nlc is built, what run.sh runs on a machine with an
# NVIDIA GPU (which has no LLVM 22 to build nlc with): each kernel example
# as a CPU executable, its output (the expected verdicts: every example
# checks its results element by element against host code), and the same
# program with its kernels compiled for the GPU (-mcpu, default sm_90a);
# the CPU benchmark's matmul (f32, bf16, i8; bf16 and i8 also for sm_80's
# mma.sync) and memory programs built for the GPU; the differential tester's programs; examples/llama on tiny models; the raw-driver launch probe; the library baselines' script.
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
# The kernel examples, the grid matmuls of the tensor-core path
# (test/Target/NVPTX/mma-grids.nl: every element checked in the program)
# and the host's waits for launches that do not wait (async-launches.nl).
for ex in vecadd softmax layernorm tile_matmul attention mma-grids async-launches; do
  src=$root/examples/$ex/$ex.nl
  [ $ex = mma-grids ] && src=$root/test/Target/NVPTX/mma-grids.nl
  [ $ex = async-launches ] && src=$root/test/Target/NVPTX/async-launches.nl
  "$nlc" "$src" -o "$out/$ex.cpu"
  "$out/$ex.cpu" > "$out/$ex.expected"
  "$nlc" "${gpu[@]}" "$src" -o "$out/$ex.gpu"
  "$nlc" "${gpu[@]}" --emit=ptx "$src" -o "$out/$ex.ptx"
done
# The same grids on sm_80's mma.sync (sm_90a takes wgmma where it can), run
# on the same GPU for comparison: same expected output.
sm80=(--target=nvptx64-nvidia-cuda -mcpu=sm_80 --host-cpu=x86-64-v3)
"$nlc" "${sm80[@]}" "$root/test/Target/NVPTX/mma-grids.nl" -o "$out/mma-grids-sm80.gpu"
cp "$out/mma-grids.expected" "$out/mma-grids-sm80.expected"
"$nlc" "${sm80[@]}" --emit=ptx "$root/test/Target/NVPTX/mma-grids.nl" -o "$out/mma-grids-sm80.ptx"
# The benchmark programs (bench/nl), instantiated as bench/run.sh does.
for t in f32:f32 bf16:f32 i8:i32; do
  sed -e "s/@T@/${t%%:*}/g" -e "s/@ACC@/${t##*:}/g" "$root/bench/nl/matmul.nl.in" \
    > "$out/matmul_${t%%:*}.nl"
  "$nlc" "${gpu[@]}" "$out/matmul_${t%%:*}.nl" -o "$out/matmul_${t%%:*}.gpu"
done
for t in bf16 i8; do
  "$nlc" "${sm80[@]}" "$out/matmul_$t.nl" -o "$out/matmul_${t}_sm80.gpu"
done
# bf16 on sm_90a without TMA (the threads' pipelined copies): TMA's gain,
# or a TMA fault ruled out, on the same GPU.
"$nlc" "${gpu[@]}" --gpu-tma=false "$out/matmul_bf16.nl" -o "$out/matmul_bf16_notma.gpu"
# And with TMA's 16-byte boxes, unswizzled: the swizzle's gain, or a
# swizzle fault ruled out.
"$nlc" "${gpu[@]}" --gpu-swizzle=false "$out/matmul_bf16.nl" -o "$out/matmul_bf16_noswz.gpu"
"$nlc" "${gpu[@]}" "$root/bench/nl/mem.nl" -o "$out/mem.gpu"
"$nlc" "${gpu[@]}" "$root/bench/nl/attention.nl" -o "$out/attention_bench.gpu"
# The differential tester's programs (kernels on the GPU, host code the
# reference), run there with --run-only.
dt=$root/test/Integration/Kernels/Inputs/difftest.py
cp "$dt" "$out/"
for seed in 7 11; do
  python3 "$dt" --nlc "$nlc" --seed $seed --cases 200 --per-program 25 \
    --workdir "$out/difftest" --build-only "${gpu[@]/#/--nlc-arg=}"
done
# Its contractions of the shapes wgmma takes (sm_90a).
python3 "$dt" --nlc "$nlc" --seed 13 --cases 100 --per-program 25 --wgmma \
  --workdir "$out/difftest-wgmma" --build-only "${gpu[@]/#/--nlc-arg=}"
# examples/llama on three tiny random models (scripts/llama_gguf.py): the
# CPU build's greedy tokens and logits are what the GPU build must print.
ll=(/usr/bin/python3 "$root/scripts/llama_gguf.py")
mkdir -p "$out/llama"
"${ll[@]}" make "$out/llama/f32.gguf" --seed 11 --type f32 > /dev/null
"${ll[@]}" make "$out/llama/bf16.gguf" --seed 13 --type bf16 --kv-heads 4 > /dev/null
"${ll[@]}" make "$out/llama/q8_0.gguf" --seed 14 --type q8_0 --tied --kv-heads 1 > /dev/null
python3 -c "print(' '.join(str((i * 37 + 11) % 512) for i in range(70)))" > "$out/llama/prompt.txt"
"$nlc" "$root/examples/llama/generate.nl" -o "$out/llama/llama.cpu"
"$nlc" "${gpu[@]}" "$root/examples/llama/generate.nl" -o "$out/llama/llama.gpu"
for m in f32 bf16 q8_0; do
  "$out/llama/llama.cpu" "$out/llama/$m.gguf" --tokens @"$out/llama/prompt.txt" -n 12 \
    --dump-logits > "$out/llama/$m.expected"
done
rm "$out/llama/llama.cpu"
"${CC:-clang-22}" -O2 -Wall -o "$out/rawlaunch" "$root/bench/gpu/src/rawlaunch.c" -ldl
cp "$root/bench/gpu/baselines.py" "$out/"
echo "prepared $(ls "$out" | wc -l) files in $out"
