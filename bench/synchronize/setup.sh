#!/usr/bin/env bash
# Installs the Node comparison baseline (synckit) into bench/synchronize/node_modules.
set -euo pipefail
cd "$(dirname "$0")"
npm install --no-audit --no-fund --silent
