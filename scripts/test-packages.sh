#!/usr/bin/env bash
# Debian packages the tests use, installed when missing (needs root, or sudo without a
# password): chromium (the web chat's browser tests drive it headless through Playwright),
# python3-prometheus-client (its parser checks that /metrics is valid Prometheus text), s6
# (a second real supervisor the service tests run the gateway under), bubblewrap (the ACP
# backend's sandbox, agent.acp.sandbox) and postgresql (the PostgreSQL store's tests start a
# throwaway cluster of their own with its initdb and pg_ctl; the system's cluster is not used).
# Run by ./run-tests; safe to run again (nothing is installed twice).
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/s6-supervise ] || missing+=(s6)
[ -x /usr/bin/bwrap ] || missing+=(bubblewrap)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
/usr/bin/python3 -c 'import prometheus_client.parser' 2>/dev/null \
  || missing+=(python3-prometheus-client)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "run-tests: missing ${missing[*]} and this is not a Debian-like system; install" \
    "Chromium as /usr/bin/chromium and the Prometheus Python client for /usr/bin/python3" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if ! sudo -n true 2>/dev/null; then
    echo "run-tests: missing ${missing[*]}; install with" \
      "'sudo apt-get install ${missing[*]}' and run again" >&2
    exit 1
  fi
  sudo="sudo -n"
fi
echo "run-tests: installing Debian packages for the tests: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if ! $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; then
  $sudo apt-get update -q >/dev/null
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
