#!/usr/bin/env bash
# Installs Debian's Chromium (the browser tests drive it; Playwright's own download cannot work offline) and Prometheus
# with promtool (the local metrics server the run command starts, and the alert-rule tests), only what is missing.
set -euo pipefail

CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
missing=()
[ -x "$CHROMIUM_PATH" ] || missing+=(chromium fonts-liberation)
command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "missing Debian packages: ${missing[*]} — install them (as root: apt-get install ${missing[*]}); CHROMIUM_PATH names another Chromium" >&2
  exit 1
fi
echo "installing ${missing[*]} from Debian's packages"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
