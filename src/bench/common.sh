# Sourced by src/bench/*/run.sh after they set $build, their own build folder (other builds in this checkout use
# target/ and folders of their own, so two builds never write the same classes):
#   build=${BENCH_BUILD:-target-bench-NAME}
#   . "$(dirname "$0")/../common.sh"
#   bench_build                                     # the app and its tests (the benchmarks among them), and $cp
#   fx_java ai.cascade.ops.bench.SomeBench ARGS     # or java ${BENCH_JAVA_OPTS:-} -cp "$cp" ... without JavaFX
# It moves to the checkout's root, where every path the scripts name starts.

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

# The test-scoped dependencies' class path, written to $build/bench.classpath: offline first, online when the
# local repository lacks something.
bench_dependencies() {
  mvn -q -o -DbuildDir="$build" dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$build/bench.classpath" >/dev/null 2>&1 \
    || mvn -q -DbuildDir="$build" dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$build/bench.classpath"
}

# Compiles the app and its tests into $build and sets $cp, the class path the benchmarks run on.
bench_build() {
  mvn -q -o -DbuildDir="$build" test-compile 2>/dev/null || mvn -q -DbuildDir="$build" test-compile
  bench_dependencies
  cp="$build/test-classes:$build/classes:$(cat "$build/bench.classpath")"
}

# java on $cp with JavaFX headless as the UI tests run it (pom.xml's surefire settings), the app's home in $build
# and BENCH_JAVA_OPTS (e.g. -XX:StartFlightRecording=filename=x.jfr) added.
fx_java() {
  # shellcheck disable=SC2086   # BENCH_JAVA_OPTS holds several options
  java ${BENCH_JAVA_OPTS:-} -Dglass.platform=Monocle -Dmonocle.platform=Headless -Dprism.order=sw -Dprism.text=t2k \
       -Dheadless.geometry=1920x1200-32 -Djava.awt.headless=true -Dcascade.ops.home="$build/bench-home" \
       -cp "$cp" "$@"
}
