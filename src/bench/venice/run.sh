#!/usr/bin/env bash
# BENCH venice (issue 7): with a local Venice wire fake answering after 200 ms and an embedded Redis, the time to
# get a citizen live vs from the cache (p50/p95 over N different citizens), then 1,000 profile requests for
# 1,000 different citizens over a real minute through one client with the default limiter: how many reached the fake.
#   src/bench/venice/run.sh [citizens]     default 60 (50..80)
set -euo pipefail
build=${BENCH_BUILD:-target-bench-venice}   # its own build folder: other builds in this checkout use target/
. "$(dirname "$0")/../common.sh"
bench_build
mkdir -p $build/bench-venice
java ${BENCH_JAVA_OPTS:-} -cp "$cp" ai.cascade.ops.bench.VeniceBench "${1:-60}" 2>$build/bench-venice/stderr.log | tee $build/bench-venice/out.txt
echo
grep -h '^BENCH venice' $build/bench-venice/out.txt
