#!/usr/bin/env bash
# Validates deploy/kubernetes with kubernetes-models (npm) and the spanflow binary given as $1.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "SKIPPED: node and npm are needed to validate the Kubernetes manifests" >&2
  exit 77
fi
npm ci --no-audit --no-fund --loglevel=error >/dev/null
SPANFLOW_BINARY="$1" node --test
