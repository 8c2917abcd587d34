#!/usr/bin/env bash
# Runs, on a machine with an NVIDIA GPU, what prepare.sh built: each kernel
# example with its kernels on the GPU must print what the CPU build printed
# (the examples' own element-by-element verdicts). Also assembles the PTX
# with the machine's ptxas (-v: registers, stack, spills) when it has one.
# Prints one line per example and ends non-zero if any differs.
set -uo pipefail
dir=$(cd "$(dirname "$0")" && pwd)/carry
[ -d "$dir" ] || { echo "run bench/gpu/prepare.sh first (and carry bench/gpu/carry)"; exit 2; }
nvidia-smi -L || true
failed=0
for ex in vecadd softmax layernorm tile_matmul; do
  start=$(date +%s%N)
  "$dir/$ex.gpu" > "$dir/$ex.got" 2> "$dir/$ex.err"
  status=$?
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  if [ $status -eq 0 ] && diff -q "$dir/$ex.expected" "$dir/$ex.got" > /dev/null; then
    echo "$ex: same output as the CPU ($ms ms, whole program)"
  else
    failed=1
    echo "$ex: DIFFERS (status $status, $ms ms)"
    diff "$dir/$ex.expected" "$dir/$ex.got" | head -20
    head -20 "$dir/$ex.err"
  fi
  if command -v ptxas > /dev/null || [ -x /usr/local/cuda/bin/ptxas ]; then
    PATH=$PATH:/usr/local/cuda/bin ptxas -arch=sm_90a -v "$dir/$ex.ptx" \
      -o /dev/null 2>&1 | grep -E 'error|spill|Used' | sort | uniq -c
  fi
done
exit $failed
