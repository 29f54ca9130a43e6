#!/usr/bin/env bash
# BENCH sessions-refresh-100k (issue 7): the sessions view with 100,000 live sessions auto-refreshing every 5 s
# (headless JavaFX, embedded Redis and Postgres started for the run) while a watchdog measures how late the FX
# thread answers; prints the delay distribution, each refresh's duration and the worst delay beside 100 ms.
#   src/bench/sessions/run.sh [auto-refreshes]     default 5
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$root"
build=${BENCH_BUILD:-target-bench-sessions}   # its own build folder: other builds in this checkout use target/
mvn -q -o -DbuildDir=$build test-compile 2>/dev/null || mvn -q -DbuildDir=$build test-compile
mvn -q -o -DbuildDir=$build dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=$build/bench.classpath >/dev/null 2>&1 \
  || mvn -q -DbuildDir=$build dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=$build/bench.classpath
cp="$build/test-classes:$build/classes:$(cat $build/bench.classpath)"
java ${BENCH_JAVA_OPTS:-} -Dglass.platform=Monocle -Dmonocle.platform=Headless -Dprism.order=sw -Dprism.text=t2k \
     -Dheadless.geometry=1920x1200-32 -Djava.awt.headless=true -Dcascade.ops.home="$build/bench-home" \
     -cp "$cp" ai.cascade.ops.bench.SessionsRefreshBench "${1:-5}"
