#!/usr/bin/env bash
# npm start: install dependencies on a fresh clone, then hand over to scripts/start.ts (exec, so
# Ctrl-C and SIGTERM reach the launcher directly and it can stop everything in order).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x node_modules/.bin/tsx ]; then
  echo "[taguato] installing dependencies..." >&2
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
fi

exec node --import tsx scripts/start.ts "$@"
