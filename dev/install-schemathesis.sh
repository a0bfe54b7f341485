#!/usr/bin/env bash
# Installs the pinned Schemathesis (the API contract check, `npm run contract`) from PyPI into its own venv, .tools/schemathesis.
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
target=.tools/schemathesis
stamp="$target/.version"

if [ -x "$target/bin/schemathesis" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$SCHEMATHESIS_VERSION" ]; then
  exit 0
fi

echo "installing schemathesis==$SCHEMATHESIS_VERSION into $target"
rm -rf "$target"
python3 -m venv "$target"
"$target/bin/python" -m pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
echo "$SCHEMATHESIS_VERSION" > "$stamp"
