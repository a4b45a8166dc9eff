#!/usr/bin/env bash
# Installs the ACP test agent's npm dependencies (src/test/acp-agent) when node_modules is
# missing or package-lock.json changed since the last install. Run by ./run-tests; safe to run
# again (a second run does nothing). The AcpBackend tests fail without it.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
dir="$root/src/test/acp-agent"
for tool in node npm; do
  if ! command -v "$tool" >/dev/null; then
    echo "run-tests: $tool is missing; the ACP backend tests run a Node.js test agent." \
      "Install Node.js 20 or newer with npm (e.g. apt-get install nodejs npm)" >&2
    exit 1
  fi
done
stamp="$dir/node_modules/.switchboard-lock.sha256"
want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
if [ -d "$dir/node_modules" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
echo "run-tests: installing the ACP test agent's npm packages in $dir" >&2
(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
echo "$want" > "$stamp"
