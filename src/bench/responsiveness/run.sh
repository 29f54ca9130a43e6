#!/usr/bin/env bash
# BENCH fx-delay-<scenario> (issue 9, item 1): the whole console on the demo (BENCH_USERS users, default 100,000,
# generated into ${BENCH_DIR:-/tmp/cascade-ops-bench-responsiveness} on the first run), Postgres and Redis behind
# delaying TCP proxies, while a probe posts a runLater round trip to the FX thread every 50 ms. Scenarios: pages
# switched, cache page refreshed, backends 5 s slow, backends back; prints each delay distribution beside 100 ms.
#   src/bench/responsiveness/run.sh [seconds per scenario]     default 20
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$root"
build=${BENCH_BUILD:-target-bench-responsiveness}   # its own build folder: other builds in this checkout use target/
mvn -q -o -DbuildDir=$build test-compile 2>/dev/null || mvn -q -DbuildDir=$build test-compile
mvn -q -o -DbuildDir=$build dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=$build/bench.classpath >/dev/null 2>&1 \
  || mvn -q -DbuildDir=$build dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=$build/bench.classpath
cp="$build/test-classes:$build/classes:$(cat $build/bench.classpath)"
java ${BENCH_JAVA_OPTS:-} -Dglass.platform=Monocle -Dmonocle.platform=Headless -Dprism.order=sw -Dprism.text=t2k \
     -Dheadless.geometry=1920x1200-32 -Djava.awt.headless=true -Dcascade.ops.home="$build/bench-home" \
     -cp "$cp" ai.cascade.ops.bench.ResponsivenessBench "${1:-20}"
