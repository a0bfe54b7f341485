#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (Playwright drives it; its own browser download cannot work offline).
set -euo pipefail

CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ -x "$CHROMIUM_PATH" ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "Chromium is missing at $CHROMIUM_PATH: install Debian's 'chromium' package (or set CHROMIUM_PATH) to run the browser tests" >&2
  exit 1
fi
echo "installing chromium from Debian's packages"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null
