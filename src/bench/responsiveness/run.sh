#!/usr/bin/env bash
# BENCH fx-delay-<scenario> (issue 9, item 1): the whole console on the demo (BENCH_USERS users, default 100,000,
# generated into ${BENCH_DIR:-/tmp/cascade-ops-bench-responsiveness} on the first run), Postgres and Redis behind
# delaying TCP proxies, while a probe posts a runLater round trip to the FX thread every 50 ms. Scenarios: pages
# switched, cache page refreshed, backends 5 s slow, backends back; prints each delay distribution beside 100 ms.
#   src/bench/responsiveness/run.sh [seconds per scenario]     default 20
set -euo pipefail
build=${BENCH_BUILD:-target-bench-responsiveness}   # its own build folder: other builds in this checkout use target/
. "$(dirname "$0")/../common.sh"
bench_build
fx_java ai.cascade.ops.bench.ResponsivenessBench "${1:-20}"
