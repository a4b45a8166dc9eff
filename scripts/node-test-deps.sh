#!/usr/bin/env bash
# Installs the npm packages of the Node.js programs the tests run: the ACP test agent
# (src/test/acp-agent) and the real clients that drive the gateway (src/test/node: Playwright
# for the web chat, the official openai client, a Prometheus text-format parser). Each folder
# is installed with `npm ci` when node_modules is missing or package-lock.json changed since
# the last install. Run by ./run-tests; safe to run again (a second run does nothing).
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
for tool in node npm; do
  if ! command -v "$tool" >/dev/null; then
    echo "run-tests: $tool is missing; the tests run Node.js programs (an ACP agent, the" \
      "openai client, Playwright). Install Node.js 20 or newer with npm" \
      "(e.g. apt-get install nodejs npm)" >&2
    exit 1
  fi
done
for dir in "$root/src/test/acp-agent" "$root/src/test/node"; do
  stamp="$dir/node_modules/.switchboard-lock.sha256"
  want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [ -d "$dir/node_modules" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    continue
  fi
  echo "run-tests: installing npm packages in ${dir#"$root"/}" >&2
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" > "$stamp"
done
