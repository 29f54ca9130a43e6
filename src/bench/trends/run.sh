#!/usr/bin/env bash
# BENCH database-sampling-idle (issue 8): the CPU the database page's "Over time" sampling costs an idle console
# (default 5 s interval, charts drawn, headless JavaFX, embedded Postgres started for the run), beside the same
# process idle without sampling; each window lasts the given seconds (at least 60 for the issue's figure).
# BENCH_WARMUP_SECONDS (default 30): sampling before its window; BENCH_HIDDEN=1: also a window with the tab hidden.
#   src/bench/trends/run.sh [seconds]     default 65
set -euo pipefail
build=${BENCH_BUILD:-target-bench-trends}   # its own build folder: other builds in this checkout use target/
. "$(dirname "$0")/../common.sh"
bench_build
fx_java ai.cascade.ops.bench.DatabaseSamplingCpuBench "${1:-65}"
