#!/usr/bin/env bash
# Prints the one summary line `N passed, N failed, N skipped` of a lit run,
# from its log (argument 1) and its exit status (argument 2). lit writes its
# counts as `  Passed: 190 (100.00%)`, or with the names padded to one width
# (`  Passed     : 219 (99.55%)`) when several kinds are present; both are
# read. A failed run whose log names no failure counts one.
set -euo pipefail
log="$1"
status="$2"
count() {
  local n
  n=$(sed -n "s/^ *$1 *: *\([0-9]*\).*/\1/p" "$log" | tail -n 1)
  echo "${n:-0}"
}
passed=$(( $(count Passed) + $(count 'Expectedly Failed') ))
failed=$(( $(count Failed) + $(count 'Unexpectedly Passed') + $(count Unresolved) + $(count 'Timed Out') ))
skipped=$(( $(count Unsupported) ))
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
