#!/usr/bin/env bash
# BENCH sessions-refresh-100k (issue 7): the sessions view with 100,000 live sessions auto-refreshing every 5 s
# (headless JavaFX, embedded Redis and Postgres started for the run) while a watchdog measures how late the FX
# thread answers; prints the delay distribution, each refresh's duration and the worst delay beside 100 ms.
#   src/bench/sessions/run.sh [auto-refreshes]     default 5
set -euo pipefail
build=${BENCH_BUILD:-target-bench-sessions}   # its own build folder: other builds in this checkout use target/
. "$(dirname "$0")/../common.sh"
bench_build
fx_java ai.cascade.ops.bench.SessionsRefreshBench "${1:-5}"
