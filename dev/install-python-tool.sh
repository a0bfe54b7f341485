#!/usr/bin/env bash
# Installs one pinned PyPI tool into its own venv under .tools/<name>, once per version:
#   dev/install-python-tool.sh <name> <pip requirement> <version> <executable the venv must have>
set -euo pipefail
cd "$(dirname "$0")/.."

name=$1 requirement=$2 version=$3 executable=$4
target=.tools/$name
stamp="$target/.version"

if [ -x "$target/bin/$executable" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$version" ]; then
  exit 0
fi

echo "installing $requirement==$version into $target"
rm -rf "$target"
python3 -m venv "$target"
"$target/bin/python" -m pip install --quiet --disable-pip-version-check "$requirement==$version"
echo "$version" > "$stamp"
