#!/usr/bin/env bash
# npm test: install dependencies on a fresh clone, then hand over to scripts/test.ts (see its header
# for the selective runs). exec, so Ctrl-C reaches the runner and it can clean up before exiting.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x node_modules/.bin/tsx ] || [ ! -f node_modules/bats/bin/bats ]; then
  echo "[taguato] installing dependencies..." >&2
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
fi

exec node --import tsx scripts/test.ts "$@"
