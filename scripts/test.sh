#!/usr/bin/env bash
# The second README command: set up, build, then run the whole lit suite.
# Ends with one summary line `N passed, N failed, N skipped` (skipped counts
# tests UNSUPPORTED on this machine, e.g. without a GPU or AMX).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
ninja -C "$NLC_BUILD" check-nlc 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
count() {
  local n
  n=$(sed -n "s/^ *$1: *\([0-9]*\).*/\1/p" "$log" | tail -n 1)
  echo "${n:-0}"
}
passed=$(( $(count Passed) + $(count 'Expectedly Failed') ))
failed=$(( $(count Failed) + $(count 'Unexpectedly Passed') + $(count Unresolved) + $(count 'Timed Out') ))
skipped=$(( $(count Unsupported) ))
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
