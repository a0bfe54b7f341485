#!/usr/bin/env bash
# Installs the pinned moto (its S3-protocol server, the object-storage adapter's test double) from PyPI into its own venv, .tools/moto.
set -euo pipefail
cd "$(dirname "$0")/.."

MOTO_VERSION=5.2.6
target=.tools/moto
stamp="$target/.version"

if [ -x "$target/bin/moto_server" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$MOTO_VERSION" ]; then
  exit 0
fi

echo "installing moto[server]==$MOTO_VERSION into $target"
rm -rf "$target"
python3 -m venv "$target"
"$target/bin/python" -m pip install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
echo "$MOTO_VERSION" > "$stamp"
