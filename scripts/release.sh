#!/usr/bin/env bash
# Makes the self-contained release: target/switchboard-<version>-linux-<arch>.tar.gz, which a
# machine without any JDK unpacks and runs with ./switchboard run. It holds:
#
#   switchboard                 the launcher (the same as the repository's)
#   runtime/                    a Java 25 runtime made by jlink with only the modules needed
#   lib/switchboard.jar         the gateway
#   lib/switchboard.aot         its start-up cache, made by a training start on runtime/
#   scripts/aot-cache.sh        remakes the cache if SWITCHBOARD_JAVA_OPTS changes the options
#   README.md, docs/
#
#   scripts/release.sh [--out DIR]     (RELEASE_SKIP_BUILD=1 uses target/switchboard.jar as is)
#
# Builds the jar first (tests skipped: run ./run-tests for those).
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
# shellcheck source=jdk.sh
. "$root/scripts/jdk.sh"

out="$root/target"
while [ $# -gt 0 ]; do
  case "$1" in
    --out)
      [ $# -ge 2 ] || { echo "release: --out needs a directory" >&2; exit 2; }
      out="$2"
      shift 2
      ;;
    *)
      sed -n '12p' "${BASH_SOURCE[0]}" | sed 's/^# *//' >&2
      exit 2
      ;;
  esac
done

jar="$root/target/switchboard.jar"
if [ "${RELEASE_SKIP_BUILD:-0}" != 1 ]; then
  echo "release: building the jar..." >&2
  (cd "$root" && ./mvnw -B -q -ntp -Dmaven.test.skip=true -Dspotless.check.skip=true package) >&2
fi
[ -f "$jar" ] || { echo "release: $jar is missing; build it first (./mvnw package)" >&2; exit 1; }

version="$(unzip -p "$jar" switchboard-version.properties | sed -n 's/^version=//p')"
[ -n "$version" ] || { echo "release: no version in $jar" >&2; exit 1; }
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64) arch=aarch64 ;;
  *) arch="$(uname -m)" ;;
esac
name="switchboard-$version-linux-$arch"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
stage="$work/$name"
mkdir -p "$stage/lib" "$stage/scripts" "$out"

# The modules the jar's classes name (jdeps); jdk.unsupported, whose sun.misc.Signal the
# gateway loads by reflection to handle SIGTERM, SIGHUP and SIGUSR1 (jdeps cannot see that);
# and two an operator uses on a server: jdk.jcmd (jcmd PID Thread.print, a thread dump) and
# jdk.jfr (flight recordings).
modules="$("$JAVA_HOME/bin/jdeps" --print-module-deps --ignore-missing-deps \
  --multi-release 25 "$jar")"
modules="$modules,jdk.unsupported,jdk.jcmd,jdk.jfr"
echo "release: jlink $modules" >&2
# --strip-debug: the JDK's own frames in a stack trace lose their line numbers; ours keep them.
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages \
  --no-header-files --output "$stage/runtime"

cp "$jar" "$stage/lib/switchboard.jar"
cp "$root/switchboard" "$stage/switchboard"
cp "$root/scripts/aot-cache.sh" "$stage/scripts/aot-cache.sh"
cp "$root/README.md" "$stage/README.md"
cp -R "$root/docs" "$stage/docs"
chmod 755 "$stage/switchboard" "$stage/scripts/aot-cache.sh"

# The launcher makes the start-up cache for the options it runs with, when missing: once
# here, on the release's own runtime, so that the user's first start does not wait for it.
echo "release: making the start-up cache..." >&2
env -i PATH="/usr/bin:/bin" HOME="$work" "$stage/switchboard" version >&2
[ -s "$stage/lib/switchboard.aot" ] || { echo "release: no start-up cache was made" >&2; exit 1; }
rm -f "$stage/lib/.build.lock"

tarball="$out/$name.tar.gz"
tar -C "$work" -czf "$tarball.part" "$name"
mv "$tarball.part" "$tarball"
echo "release: $tarball ($(du -m "$tarball" | cut -f1) MB; unpacked $(du -sm "$stage" | cut -f1) MB)" >&2
echo "$tarball"
