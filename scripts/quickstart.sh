#!/usr/bin/env bash
# The first README command: set up, build, then compile and run an example.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
example="$NLC_ROOT/examples/hello/hello.nl"
echo "quickstart: $NLC_BUILD/bin/nlc --run $example"
"$NLC_BUILD/bin/nlc" --run "$example"
