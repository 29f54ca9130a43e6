#!/usr/bin/env bash
# Makes the dynamic CDS archive of an app image's classes, in place: one start to the first frame,
# recorded with -XX:ArchiveClassesAtExit. An archive is valid only for the exact class path it was made
# with, so this rebuilds the launcher's class path from its .cfg and runs where the app lives (at build
# time, and in the .deb's postinst after installing).
#   train-cds.sh APP_DIR [LAUNCHER_NAME MAIN_CLASS ARGS...]   (default: the console, offscreen)
set -u
app=$(cd "${1:?app image folder}" && pwd)
name=${2:-cascade-ops}
main=${3:-ai.cascade.ops.app.Launcher}
shift $(( $# < 3 ? $# : 3 ))
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(--cds-training)
appdir="$app/lib/app"
cfg="$appdir/$name.cfg"
archive="$appdir/cascade-ops.jsa"   # the name the launcher options point to
rm -f "$archive"
classpath=$(sed -n 's/^app\.classpath=//p' "$cfg" | sed "s#\$APPDIR#$appdir#g" | paste -sd: -)
home=$(mktemp -d)
timeout 120 "$app/lib/runtime/bin/java" -XX:ArchiveClassesAtExit="$archive" -Xlog:cds=off -Xlog:cds+dynamic=off \
  -XX:TieredStopAtLevel=1 -Dcascade.ops.home="$home" -cp "$classpath" "$main" "${args[@]}" >/dev/null 2>&1
status=$?
rm -rf "$home"
if [ -s "$archive" ]; then
  chmod 644 "$archive"
  echo "CDS archive: $archive ($(du -h "$archive" | cut -f1))"
else
  echo "CDS archive not made (exit $status); $name starts without it" >&2
fi
exit 0
