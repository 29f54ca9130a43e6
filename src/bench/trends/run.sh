#!/usr/bin/env bash
# BENCH database-sampling-idle (issue 8): the CPU the database page's "Over time" sampling costs an idle console
# (default 5 s interval, charts drawn, headless JavaFX, embedded Postgres started for the run), beside the same
# process idle without sampling; each window lasts the given seconds (at least 60 for the issue's figure).
# BENCH_WARMUP_SECONDS (default 30): sampling before its window; BENCH_HIDDEN=1: also a window with the tab hidden.
#   src/bench/trends/run.sh [seconds]     default 65
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$root"
build=${BENCH_BUILD:-target-bench-trends}   # its own build folder: other builds in this checkout use target/
mvn -q -o -DbuildDir=$build test-compile 2>/dev/null || mvn -q -DbuildDir=$build test-compile
mvn -q -o -DbuildDir=$build dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=$build/bench.classpath >/dev/null 2>&1 \
  || mvn -q -DbuildDir=$build dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=$build/bench.classpath
cp="$build/test-classes:$build/classes:$(cat $build/bench.classpath)"
java ${BENCH_JAVA_OPTS:-} -Dglass.platform=Monocle -Dmonocle.platform=Headless -Dprism.order=sw -Dprism.text=t2k \
     -Dheadless.geometry=1920x1200-32 -Djava.awt.headless=true -Dcascade.ops.home="$build/bench-home" \
     -cp "$cp" ai.cascade.ops.bench.DatabaseSamplingCpuBench "${1:-65}"
