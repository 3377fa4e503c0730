#!/usr/bin/env bash
# Installs the pinned OpenTelemetry JS packages (npm registry) and runs the end-to-end test
# against the spanflow binary given as $1.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "SKIPPED: node and npm are needed for the JS end-to-end test" >&2
  exit 77
fi
npm ci --no-audit --no-fund --loglevel=error >/dev/null
SPANFLOW_BINARY="$1" node --test
