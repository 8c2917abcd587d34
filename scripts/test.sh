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
bash "$(dirname "${BASH_SOURCE[0]}")/lit-summary.sh" "$log" "$status"
exit "$status"
