#!/usr/bin/env bash
# Installs what the project needs on a fresh machine: npm dependencies (incl. Node 24), the Temporal binaries, Chromium for
# browser tests, Prometheus, Schemathesis for the API contract check, and moto (an S3-protocol server) for the photo store tests.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] || [ package.json -nt node_modules/.package-lock.json ]; then
  echo "installing npm dependencies"
  npm install --no-audit --no-fund --loglevel=error
fi
bash dev/install-temporal.sh
bash dev/install-debian-tools.sh
bash dev/install-schemathesis.sh
bash dev/install-moto.sh
