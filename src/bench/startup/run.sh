#!/usr/bin/env bash
# BENCH startup: time from launching to the first frame of the packaged console, beside a bare JavaFX
# window (a Stage with one Label) packaged with the same jlink'd runtime and the same launcher options,
# both under one Xvfb on this machine, in one run. Cold = first start after dropping the page cache
# (when the kernel lets us), warm = median of the following starts.
#   src/bench/startup/run.sh [warm-runs]          (builds the app image first if missing)
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$root"
runs=${1:-7}
app=target/dist/cascade-ops
[ -x "$app/bin/cascade-ops" ] || mvn -q -Ppackage package
mvn -q -o test-compile -DskipTests 2>/dev/null || mvn -q test-compile -DskipTests

# The reference: BareWindow and the JavaFX jars only, same runtime, same --java-options.
bench=target/bench-startup
rm -rf "$bench"; mkdir -p "$bench/input"
cp target/jpackage/input/javafx-*.jar "$bench/input/"
(cd target/test-classes && jar cf "$root/$bench/input/bare-window.jar" ai/cascade/ops/bench/BareWindow*.class)
mapfile -t options < <(sed -n 's/^java-options=//p' "$app/lib/app/cascade-ops.cfg" | grep -v '^-Djpackage')
jopts=(); for o in "${options[@]}"; do jopts+=(--java-options "$o"); done
jpackage --type app-image --name bare-window --dest "$bench" --input "$bench/input" --main-jar bare-window.jar \
  --main-class ai.cascade.ops.bench.BareWindow --runtime-image target/jpackage/runtime "${jopts[@]}"

display=:$(( 90 + RANDOM % 100 ))
Xvfb "$display" -screen 0 1600x1000x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null' EXIT
export DISPLAY=$display
sleep 1
# Same treatment for both: a CDS archive of each one's classes, trained under this display (an installed
# console's archive is trained in the .deb's postinst, under a display when there is one, else offscreen).
bash packaging/train-cds.sh "$bench/bare-window" bare-window ai.cascade.ops.bench.BareWindow
bash packaging/train-cds.sh "$app"   # the console too, under this display: the same treatment as the bare window

python3 - "$app/bin/cascade-ops" "$bench/bare-window/bin/bare-window" "$runs" <<'PY'
import os, statistics, subprocess, sys, time
app, bare, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])

def first_frame(cmd):
    start = time.monotonic()
    p = subprocess.Popen([cmd, "--first-frame-probe"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for line in p.stdout:
        if line.startswith("FIRST_FRAME"):
            took = time.monotonic() - start
            p.wait(timeout=30)
            return took
    p.wait(timeout=30)
    raise SystemExit(f"{cmd} exited without a first frame")

def drop_caches():
    try:
        os.sync()
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
        return True
    except OSError:
        return False

cold = {}
for name, cmd in (("app", app), ("reference", bare)):
    dropped = drop_caches()
    cold[name] = first_frame(cmd)
print(f"cold starts {'after dropping the page cache' if dropped else '(page cache could not be dropped: first start of this run)'}")
warm = {"app": [], "reference": []}
for i in range(runs):
    for name, cmd in (("app", app), ("reference", bare)):   # interleaved, so noise hits both alike
        warm[name].append(first_frame(cmd))
for name in warm:
    w = warm[name]
    print(f"  {name:9} cold {cold[name]:.3f} s   warm median {statistics.median(w):.3f} s  (min {min(w):.3f}, max {max(w):.3f}, n={len(w)})")
a, r = statistics.median(warm["app"]), statistics.median(warm["reference"])
print(f"BENCH startup app={a:.3f} reference={r:.3f} ratio={a / r:.2f}")
print(f"BENCH startup-cold app={cold['app']:.3f} reference={cold['reference']:.3f} ratio={cold['app'] / cold['reference']:.2f}")
PY
