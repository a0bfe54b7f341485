#!/usr/bin/env bash
# Runs the whole platform locally on embedded defaults; Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
bash dev/bootstrap.sh
exec npm run --silent dev
