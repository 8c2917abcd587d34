#!/usr/bin/env bash
# Runs, on a machine with an NVIDIA GPU, what prepare.sh built:
#  1. each kernel example with its kernels on the GPU must print what the
#     CPU build printed (the examples' own element-by-element verdicts);
#     ptxas -v on its PTX; compute-sanitizer's memcheck on one example;
#     the differential tester's programs, kernels on the GPU; examples/llama
#     on tiny models (greedy tokens here, logits in check.sh);
#  2. nlc's launch overhead next to the raw driver's (rawlaunch);
#  3. the CPU benchmark's matmul (sm_90a, bf16 also without TMA, and bf16
#     and i8 on sm_80's mma.sync) and memory programs (with `to` copies of
#     256 MiB there and back) and flash attention
#     (bench/nl/attention.nl, checked by itself) on the GPU (their
#     outputs are kept for bench/gpu/check.sh, run back where nlc is built);
#  4. the libraries' figures (baselines.py: cuBLAS, PyTorch, Triton).
#
#   bash bench/gpu/run.sh [OUTDIR]   log and outputs in OUTDIR/gpu-run.tar.gz
#   (NL_GPU_SKIP_LIBS=1 skips part 4)
# Ends non-zero if an example differs.
set -uo pipefail
dir=$(cd "$(dirname "$0")" && pwd)/carry
out=${1:-$dir/out}
[ -d "$dir" ] || { echo "run bench/gpu/prepare.sh first (and carry bench/gpu/carry)"; exit 2; }
res=$dir/results && rm -rf "$res" && mkdir -p "$res" "$out"
export PATH=$PATH:/usr/local/cuda/bin
nvidia-smi -L || true
echo "== 1. examples"
failed=0
for ex in vecadd softmax layernorm tile_matmul attention mma-grids mma-grids-sm80 async-launches; do
  start=$(date +%s%N)
  timeout 120 "$dir/$ex.gpu" > "$res/$ex.got" 2> "$res/$ex.err"
  status=$?
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  if [ $status -eq 0 ] && diff -q "$dir/$ex.expected" "$res/$ex.got" > /dev/null; then
    echo "$ex: same output as the CPU ($ms ms, whole program)"
  else
    failed=1
    echo "$ex: DIFFERS (status $status, $ms ms)"
    diff "$dir/$ex.expected" "$res/$ex.got" | head -20
    head -20 "$res/$ex.err"
  fi
  if command -v ptxas > /dev/null; then
    arch=sm_90a && [ $ex = mma-grids-sm80 ] && arch=sm_80
    ptxas -arch=$arch -v "$dir/$ex.ptx" -o /dev/null 2>&1 | grep -E 'error|spill|Used|stack|Performance' | sort | uniq -c
  fi
done
if command -v compute-sanitizer > /dev/null; then
  timeout 120 compute-sanitizer --tool memcheck "$dir/vecadd.gpu" 2>&1 | tail -4
fi
echo "== 1b. the differential tester's kernels on the GPU"
for seed in 7 11; do
  (cd "$dir" && timeout 100 python3 difftest.py --nlc none --seed $seed --cases 200 \
     --per-program 25 --workdir difftest --run-only 2>&1 | tail -4)
done
(cd "$dir" && timeout 100 python3 difftest.py --nlc none --seed 13 --cases 100 \
   --per-program 25 --wgmma --workdir difftest-wgmma --run-only 2>&1 | tail -4)
echo "== 1c. examples/llama on tiny models (logits compared by check.sh)"
for m in f32 bf16 q8_0; do
  start=$(date +%s%N)
  (cd "$dir/llama" && timeout 60 ./llama.gpu $m.gguf --tokens @prompt.txt -n 12 --dump-logits \
     > "$res/llama_$m.out" 2> "$res/llama_$m.err")
  status=$?
  same=$(cmp -s <(grep '^ids: ' "$dir/llama/$m.expected") <(grep '^ids: ' "$res/llama_$m.out") && echo same || echo DIFFERENT)
  echo "llama $m: status $status, greedy tokens $same as the CPU's, $(( ($(date +%s%N) - start) / 1000000 )) ms"
  grep -E 'tokens/s' "$res/llama_$m.out" | head -2
  head -3 "$res/llama_$m.err"
done
echo "== 2. launch overhead"
"$dir/rawlaunch" 20000
echo "4 0 0 20000" | timeout 60 "$dir/mem.gpu" > "$res/launch.out" 2>&1
grep time_ns "$res/launch.out" | awk '{ print "nlc launch grid=[4] on 1024 f32 tensors on the GPU (nothing copied, one wait at the end: compare raw_launch_async_ns), ns per launch:", $2 / 20000 }'
echo "5 0 0 20000" | timeout 60 "$dir/mem.gpu" > "$res/launch_host.out" 2>&1
grep time_ns "$res/launch_host.out" | awk '{ print "nlc launch grid=[4] on 1024 f32 host tensors (4 KiB in, 4 KiB out), ns per launch:", $2 / 20000 }'
echo "== 3. nlc benchmark programs on the GPU (kernel times from NL_GPU_TIMING: CUDA events around the launch)"
run_case() {  # prog, stdin, name, work per launch (FLOP or bytes), unit
  start=$(date +%s%N)
  echo "$2" | NL_GPU_TIMING=1 timeout 120 "$dir/$1.gpu" > "$res/$3.out" 2> "$res/$3.err"
  status=$?
  best=$(grep time_ns "$res/$3.out" | awk 'NR == 1 || $2 < b { b = $2 } END { print b / 1e6 }')
  echo "$3: status $status, best launch (copies included for host tensors) $best ms, whole $(( ($(date +%s%N) - start) / 1000000 )) ms"
  grep '^gpu time' "$res/$3.err" | awk -v w="$4" -v u="$5" '{ for (i = 1; i <= NF; ++i) if ($i == "best") b = $(i + 1); t = $3; printf "  %s best %.1f us = %.1f %s\n", t, b, w / (b * 1e-6) / (u == "TFLOP/s" ? 1e12 : 1e9), u }'
  grep -v '^gpu time' "$res/$3.err" | head -3
  grep '^check' "$res/$3.out" | sed 's/^/  /'
}
for t in f32 bf16 i8; do
  run_case matmul_$t "0 256 256 256 3" "mm_${t}_grid64_256" $((2 * 256 ** 3)) TFLOP/s
  run_case matmul_$t "2 256 256 256 3" "mm_${t}_map64_256" $((2 * 256 ** 3)) TFLOP/s
  run_case matmul_$t "0 1024 1024 1024 3" "mm_${t}_grid64_1024" $((2 * 1024 ** 3)) TFLOP/s
  run_case matmul_$t "1 1024 1024 1024 3" "mm_${t}_grid128_1024" $((2 * 1024 ** 3)) TFLOP/s
  run_case matmul_$t "0 4096 4096 4096 2" "mm_${t}_grid64_4096" $((2 * 4096 ** 3)) TFLOP/s
done
# The tensor-core grids on sm_80's mma.sync, for comparison with sm_90a's
# wgmma above (same GPU).
for t in bf16 i8; do
  run_case matmul_${t}_sm80 "0 1024 1024 1024 3" "mm_${t}_grid64_1024_sm80" $((2 * 1024 ** 3)) TFLOP/s
  run_case matmul_${t}_sm80 "0 4096 4096 4096 2" "mm_${t}_grid64_4096_sm80" $((2 * 4096 ** 3)) TFLOP/s
done
# bf16 on sm_90a without TMA (--gpu-tma=false), next to the TMA runs above.
run_case matmul_bf16_notma "1 1024 1024 1024 3" mm_bf16_grid128_1024_notma $((2 * 1024 ** 3)) TFLOP/s
run_case matmul_bf16_notma "0 4096 4096 4096 2" mm_bf16_grid64_4096_notma $((2 * 4096 ** 3)) TFLOP/s
# And with TMA's 16-byte boxes, unswizzled (--gpu-swizzle=false).
run_case matmul_bf16_noswz "1 1024 1024 1024 3" mm_bf16_grid128_1024_noswz $((2 * 1024 ** 3)) TFLOP/s
run_case matmul_bf16_noswz "0 4096 4096 4096 2" mm_bf16_grid64_4096_noswz $((2 * 4096 ** 3)) TFLOP/s
run_case mem "0 4096 1024 3" softmax_4096x1024 $((8 * 4096 * 1024)) GB/s
run_case mem "1 4096 1024 3" layernorm_4096x1024 $((8 * 4096 * 1024)) GB/s
run_case mem "0 4096 4096 3" softmax_4096x4096 $((8 * 4096 * 4096)) GB/s
run_case mem "2 4096 1024 3" vecadd_4M $((12 * 4096 * 1024)) GB/s
# `to`: a host tensor of 256 MiB to the GPU and back (nl_gpu_copy: cuMemcpy).
run_case mem "6 8192 8192 3" copies_256MiB $((4 * 8192 * 8192)) GB/s
for d in time_ns back_ns; do
  grep "^$d" "$res/copies_256MiB.out" | awk -v d="$d" -v w=$((4 * 8192 * 8192)) \
    'NR == 1 || $2 < b { b = $2 } END { printf "  %s best %.1f ms = %.1f GB/s\n", d == "time_ns" ? "to(gpu)" : "to(cpu)", b / 1e6, w / b }'
done
# Flash attention (bf16), the shapes of baselines.py's PyTorch SDPA: batch
# and heads folded together.
run_case attention_bench "32 1024 64 3" attention_b1h32_s1024_d64 $((4 * 32 * 1024 * 1024 * 64)) TFLOP/s
run_case attention_bench "128 4096 128 2" attention_b4h32_s4096_d128 $((4 * 128 * 4096 * 4096 * 128)) TFLOP/s
echo "== 4. libraries"
if [ "${NL_GPU_SKIP_LIBS:-0}" = 1 ]; then
  echo "skipped (NL_GPU_SKIP_LIBS=1)"
else
  (cd "$dir" && timeout 300 python3 baselines.py) 2>&1 | grep -v Warning
fi
tar -C "$dir" -czf "$out/gpu-run.tar.gz" results
exit $failed
