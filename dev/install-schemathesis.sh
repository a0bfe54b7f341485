#!/usr/bin/env bash
# Installs the pinned Schemathesis (the API contract check, `npm run contract`) from PyPI into its own venv, .tools/schemathesis.
exec bash "$(dirname "$0")/install-python-tool.sh" schemathesis schemathesis 4.32.5 schemathesis
