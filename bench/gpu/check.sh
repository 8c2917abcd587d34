#!/usr/bin/env bash
# Checks, where nlc and the CPU benchmark are built (bench/run.sh made
# bench/build/libmm), the results of the benchmark programs that
# bench/gpu/run.sh ran on a GPU: each against the libraries' reference.
#
#   bash bench/gpu/check.sh DIR    DIR holds gpu-run.tar.gz from run.sh
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
libmm=$root/bench/build/libmm
work=$(mktemp -d) && trap 'rm -rf "$work"' EXIT
tar -C "$work" -xzf "$1/gpu-run.tar.gz"
failed=0
chk() {  # file, check arguments...
  f=$work/results/$1.out
  shift
  verdict=$("$libmm" check "$@" < "$f" 2>&1 | head -1)
  echo "$(basename "$f" .out): $verdict"
  case $verdict in "check ok"*) ;; *) failed=1 ;; esac
}
for t in f32 bf16 i8; do
  chk mm_${t}_grid64_256 mm $t 256 256 256
  chk mm_${t}_map64_256 mm $t 256 256 256
  chk mm_${t}_grid64_1024 mm $t 1024 1024 1024
  chk mm_${t}_grid128_1024 mm $t 1024 1024 1024
  chk mm_${t}_grid64_4096 mm $t 4096 4096 4096
done
for t in bf16 i8; do
  chk mm_${t}_grid64_1024_sm80 mm $t 1024 1024 1024
  chk mm_${t}_grid64_4096_sm80 mm $t 4096 4096 4096
done
chk mm_bf16_grid128_1024_notma mm bf16 1024 1024 1024
chk mm_bf16_grid64_4096_notma mm bf16 4096 4096 4096
chk mm_bf16_grid128_1024_noswz mm bf16 1024 1024 1024
chk mm_bf16_grid64_4096_noswz mm bf16 4096 4096 4096
chk softmax_4096x1024 mem 0 4096 1024
chk softmax_4096x4096 mem 0 4096 4096
chk layernorm_4096x1024 mem 1 4096 1024
chk vecadd_4M mem 2 4096 1024
chk copies_256MiB mem 6 8192 8192
# examples/llama: the GPU's logits against the CPU build's, within 1e-4.
for m in f32 bf16 q8_0; do
  sed '/^ids: /,$d' "$root/bench/gpu/carry/llama/$m.expected" > "$work/$m.ref"
  sed '/^ids: /,$d' "$work/results/llama_$m.out" > "$work/$m.got"
  verdict=$(/usr/bin/python3 "$root/scripts/llama_gguf.py" compare "$work/$m.ref" "$work/$m.got" \
    --tol 1e-4 2>&1 | tail -2 | tr '\n' ' ')
  echo "llama $m logits: $verdict"
  case $verdict in *" ok ") ;; *) failed=1 ;; esac
done
exit $failed
