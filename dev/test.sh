#!/usr/bin/env bash
# Lint, typecheck and the whole test suite against real Temporal and PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash dev/bootstrap.sh
exec npm test
