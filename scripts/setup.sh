#!/usr/bin/env bash
# Installs the Debian packages nlc needs (only those missing; silent when
# nothing is missing), then configures and builds nlc in build/.
# libclang-rt-22-dev is for the sanitizer build and the fuzzer
# (docs/Testing.md), not for build/.
# Sourced by quickstart.sh and test.sh; safe to run again at any time.
set -euo pipefail

NLC_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NLC_BUILD="${NLC_BUILD:-$NLC_ROOT/build}"

packages=(
  cmake ninja-build python3 python3-psutil python3-numpy python3-mpmath
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools clang-22 lld-22
  libclang-rt-22-dev
  qemu-system-x86
  libfmt-dev libzstd-dev zlib1g-dev libxml2-dev libedit-dev
  libcurl4-openssl-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

if [ ! -f "$NLC_BUILD/build.ninja" ]; then
  cmake -G Ninja -S "$NLC_ROOT" -B "$NLC_BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
ninja -C "$NLC_BUILD" nlc nlc-opt nlrt nlrt_bare
