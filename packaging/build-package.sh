#!/usr/bin/env bash
# Builds the jlink'd runtime and the jpackage app-image (and .deb) from the jars Maven put in
# <build>/jpackage/input. Called by `mvn -Ppackage package`; see README "Packaging".
set -euo pipefail
version=$1
build=$2
types=${3:-app-image}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
input=$build/jpackage/input
work=$build/jpackage
dist=$build/dist
name=cascade-ops

cp "$build/$name-$version.jar" "$input/"
rm -rf "$work/runtime" "$dist"
mkdir -p "$dist"

# Modules the jars use, plus those loaded by name that jdeps cannot see (STACK.md):
# TLS (jdk.crypto.ec), locale data, AWT image I/O for offscreen PNGs, JavaFX's desktop bridge,
# jdk.security.auth: the embedded Postgres asks it for the uid, to run initdb in a user namespace as root;
# and jdk.httpserver, which serves the demo's local Stripe ("Demo Stripe — no real billing").
found=$(jdeps --print-module-deps --ignore-missing-deps --multi-release 17 \
        --class-path "$input/*" "$input/$name-$version.jar" 2>/dev/null || true)
modules="${found:+$found,}java.xml,java.desktop,java.logging,java.management,java.naming,java.sql,jdk.unsupported,jdk.unsupported.desktop,jdk.crypto.ec,jdk.localedata,jdk.zipfs,jdk.charsets,jdk.net,jdk.security.auth,jdk.httpserver"
echo "runtime modules: $modules"
# --generate-cds-archive: the runtime's own classes start from a shared archive.
jlink --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
      --generate-cds-archive --output "$work/runtime"

# The app's own classes come from a dynamic archive made for the installed class path
# (packaging/linux/postinst for the .deb, the app-image's own first training run below).
java_options=(
  --java-options '-XX:SharedArchiveFile=$APPDIR/cascade-ops.jsa'
  --java-options '-Xshare:auto'
  --java-options '-Xlog:cds=off'
  --java-options '-Xlog:cds+dynamic=off'
  --java-options '-XX:TieredStopAtLevel=1'
)
common=(
  --name "$name" --app-version "$version" --vendor "CASCADE"
  --description "CASCADE Ops: operations console for PostgreSQL, Redis, Stripe and Venice"
  --copyright "CASCADE"
)

jpackage --type app-image "${common[@]}" --dest "$dist" \
  --input "$input" --main-jar "$name-$version.jar" --main-class ai.cascade.ops.app.Launcher \
  --runtime-image "$work/runtime" --icon "$root/icons/cascade-ops-256.png" "${java_options[@]}"

# What the .deb's postinst needs inside the image: the CDS trainer and the icon sizes.
cp "$here/train-cds.sh" "$dist/$name/lib/"
mkdir -p "$dist/$name/lib/icons"
cp "$root"/icons/*.png "$dist/$name/lib/icons/"
bash "$here/train-cds.sh" "$dist/$name"
echo "app-image: $dist/$name ($(du -sh "$dist/$name" | cut -f1))"

for t in $types; do
  [ "$t" = deb ] || continue
  jpackage --type deb "${common[@]}" --dest "$dist" --app-image "$dist/$name" \
    --resource-dir "$here/linux" --linux-package-name "$name" --linux-app-category utils \
    --linux-menu-group "System;Monitor;Development" --linux-shortcut \
    --linux-deb-maintainer "CASCADE Ops <ops@cascade.invalid>" \
    --linux-package-deps "libgtk-3-0, libgl1, libxtst6, libxxf86vm1, ca-certificates-java" \
    --icon "$root/icons/cascade-ops-256.png"
  deb=$(ls "$dist"/${name}_"$version"*.deb)
  echo "deb: $deb ($(du -h "$deb" | cut -f1))"
done
