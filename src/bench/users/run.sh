#!/usr/bin/env bash
# BENCH users (issue 4): on the demo with 1,000,000 users, the users search's query latency (p50, p95)
# for each kind of search and for the next page, beside the same statement timed by psql's \timing in
# one session (UserSearchBench); then the heap after scrolling the users table through 100,000 rows
# offscreen, beside the 300 MB budget (UsersViewHeapBench).
#   src/bench/users/run.sh [runs]        runs per figure, default 60 (at least 50 for a p95)
# BENCH_DIR (default /tmp/cascade-ops-bench-1m) keeps the generated demo for later runs;
# BENCH_ONLY=search or BENCH_ONLY=heap runs one part; BENCH_SEED changes the sampled targets;
# BENCH_JAVA_OPTS adds JVM options to both (e.g. the installed launcher's -XX:TieredStopAtLevel=1).
set -euo pipefail
runs=${1:-60}
only=${BENCH_ONLY:-all}
build=${BENCH_BUILD:-target-bench}   # its own build folder: other builds in this checkout use target/
. "$(dirname "$0")/../common.sh"
bench_build
logs=$build/bench-users; mkdir -p "$logs"
: > "$logs/search.out"; : > "$logs/heap.out"
status=0   # a failed part still lets the other run; the script's status tells

if [ "$only" = all ] || [ "$only" = search ]; then
  java ${BENCH_JAVA_OPTS:-} -cp "$cp" ai.cascade.ops.bench.UserSearchBench "$runs" | tee "$logs/search.out" || status=1
fi
if [ "$only" = all ] || [ "$only" = heap ]; then
  fx_java ai.cascade.ops.bench.UsersViewHeapBench | tee "$logs/heap.out" || status=1
fi

# One BENCH line per figure, last: p50s, the heap, then the p95s.
echo
grep -h '^BENCH users\..*\.p50 ' "$logs/search.out" || true
grep -h '^BENCH users\.heap' "$logs/heap.out" || true
grep -h '^BENCH users\..*\.p95 ' "$logs/search.out" || true
exit $status
