#!/usr/bin/env bash
# Installs the pinned moto (its S3-protocol server, the object-storage adapter's test double) from PyPI into its own venv, .tools/moto.
exec bash "$(dirname "$0")/install-python-tool.sh" moto 'moto[server]' 5.2.6 moto_server
