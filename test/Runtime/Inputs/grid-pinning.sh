#!/usr/bin/env bash
# usage: grid-pinning.sh PROGRAM: runs PROGRAM with 2 grid threads on the
# first two CPUs this shell may use and prints, for each of its threads,
# which of those two it may run on: `first`, `second` or `both`.
set -euo pipefail
cpus=$(python3 -c 'import os; print(",".join(map(str, sorted(os.sched_getaffinity(0))[:2])))')
first=${cpus%,*} second=${cpus#*,}
taskset -c "$cpus" env NL_NUM_THREADS=2 "$1" > /dev/null &
pid=$!
sleep 0.5
for status in /proc/"$pid"/task/*/status; do
  allowed=$(sed -n 's/^Cpus_allowed_list:\s*//p' "$status")
  case "$allowed" in
    "$first") echo first ;;
    "$second") echo second ;;
    *) echo both ;;
  esac
done | sort
wait "$pid"
