#!/usr/bin/env bash
# Makes the gateway's start-up cache (a JDK 25 AOT cache, JEP 483/514/515): classes loaded and
# linked and methods profiled during a training start, so later starts skip that work. Measured:
# a start to "running" takes about 40 % less wall time with it (reliability/README.md).
#
#   scripts/aot-cache.sh JAVA JAR CACHE [JVM OPTION]...
#
# The training is a real restart of the gateway on a throwaway state directory (web chat and
# HTTP only, port 0, an environment emptied of the caller's tokens and settings): a first start,
# then the training start, each stopped with SIGTERM once it says "running"; the JVM writes the
# cache as the training start exits. The JVM options must be
# those the cache will be used with (the collector in particular), so ./switchboard records
# them next to the cache. Exit 0 with CACHE written, or 1 with the reason on stderr and no
# CACHE (a gateway without the cache still starts, only slower).
set -euo pipefail
[ $# -ge 3 ] || { sed -n '6p' "${BASH_SOURCE[0]}" | sed 's/^# *//' >&2; exit 2; }
java="$1"
jar="$2"
cache="$3"
shift 3

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/home"
printf 'http:\n  port: 0\n' >"$work/home/switchboard.yaml"
rm -f "$cache" "$cache.part"

# One start of the gateway on the throwaway home, with the JVM options in "$@", until it says
# running; then SIGTERM. Exit 0 when it ran and stopped cleanly, else 1 with its output.
# env -i: the caller's SWITCHBOARD_*, TELEGRAM_* ... must not reach the training gateway, which
# would otherwise log in to a real platform with them.
start_and_stop() {
  local what="$1"
  shift
  env -i PATH="$PATH" HOME="$work" LANG=C.UTF-8 MALLOC_ARENA_MAX=2 \
    "$java" "$@" --enable-native-access=ALL-UNNAMED \
    -jar "$jar" run --home "$work/home" >"$work/training.log" 2>&1 &
  local pid=$!
  # A script may poll: this is a one-off step of a build, not a test.
  for _ in $(seq 1 600); do
    if grep -q '"state" *: *"running"' "$work/home/gateway_state.json" 2>/dev/null; then
      break
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      break
    fi
    sleep 0.2
  done
  if ! grep -q '"state" *: *"running"' "$work/home/gateway_state.json" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    echo "aot-cache: the $what never said running; its output:" >&2
    tail -20 "$work/training.log" >&2
    return 1
  fi
  kill -TERM "$pid"
  local status=0
  wait "$pid" || status=$?
  if [ "$status" -ne 0 ]; then
    echo "aot-cache: the $what exited $status; its output:" >&2
    tail -20 "$work/training.log" >&2
    return 1
  fi
}

# The training start is a restart, as most starts are: a first start makes the database and
# leaves the record of its stop, so the training reads a previous state and opens a store that
# needs no migration. Trained on a new home instead, a restart loaded those paths' classes
# from the jar (Jackson's parsing of the state file among them).
start_and_stop "first start" "$@" || exit 1
start_and_stop "training start" "$@" -XX:AOTCacheOutput="$cache.part" || { rm -f "$cache.part"; exit 1; }
if [ ! -s "$cache.part" ]; then
  echo "aot-cache: the training start wrote no cache; its output:" >&2
  tail -20 "$work/training.log" >&2
  rm -f "$cache.part"
  exit 1
fi
mv "$cache.part" "$cache"
