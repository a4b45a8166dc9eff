# Sourced by ./switchboard and ./run-tests: puts a JDK 25 (or newer) in JAVA_HOME.
# Looks at SWITCHBOARD_JAVA_HOME, then JAVA_HOME, then /usr/lib/jvm/*, preferring 25 itself.

java_major() {
  # The "release" file every JDK ships says JAVA_VERSION="25.0.3"; no JVM start needed.
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null
}

find_jdk() {
  local candidate major best="" best_major=0
  for candidate in "${SWITCHBOARD_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(java_major "$candidate")
    [ -n "$major" ] || continue
    if [ "$major" -eq 25 ]; then
      echo "$candidate"
      return 0
    fi
    if [ "$major" -gt 25 ] && { [ -z "$best" ] || [ "$major" -lt "$best_major" ]; }; then
      best="$candidate"
      best_major="$major"
    fi
  done
  [ -n "$best" ] && echo "$best"
}

JAVA_HOME="$(find_jdk)" || true
if [ -z "$JAVA_HOME" ]; then
  echo "switchboard: no JDK 25 found (looked at \$SWITCHBOARD_JAVA_HOME, \$JAVA_HOME and /usr/lib/jvm/*)." >&2
  echo "switchboard: install one, e.g. Temurin 25, and/or set JAVA_HOME to it." >&2
  exit 1
fi
export JAVA_HOME
