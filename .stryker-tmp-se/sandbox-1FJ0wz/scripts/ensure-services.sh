#!/usr/bin/env bash
# Installs the Debian packages the test suite runs for real (Prometheus + promtool, Pushgateway, Redis,
# Chromium) when they are missing. Called by `npm test`; safe to run repeatedly.
set -euo pipefail
need=()
command -v prometheus >/dev/null 2>&1 || need+=(prometheus)
command -v prometheus-pushgateway >/dev/null 2>&1 || need+=(prometheus-pushgateway)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-services: missing ${need[*]} and no apt-get; install them to run the integration tests" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
echo "ensure-services: installing ${need[*]} from Debian packages" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null 2>&1 || true
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# Debian starts services on install in some environments; tests start their own on loopback.
for svc in prometheus prometheus-pushgateway redis-server; do $SUDO service "$svc" stop >/dev/null 2>&1 || true; done
