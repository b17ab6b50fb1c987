#!/usr/bin/env bash
# npm run bench: the gateway benchmark (scripts/bench/main.ts; README "## Benchmark"). Not a test.
# Installs dependencies on a fresh clone, then runs the TypeScript driver; arguments pass through.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x node_modules/.bin/tsx ] || [ ! -d node_modules/autocannon ]; then
  echo "[taguato] installing dependencies..." >&2
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
fi

exec node --import tsx scripts/bench/main.ts "$@"
