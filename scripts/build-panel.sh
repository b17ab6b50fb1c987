#!/usr/bin/env bash
# Builds the web panel (gateway/panel, Vite + Preact) into gateway/public/admin, served at /admin/.
# Called by `npm start` and `npm test` when present. Skips the build when the output is newer than every
# source file (and than package-lock.json), so it costs a few milliseconds when nothing changed. The
# panel's unit tests (*.test.ts beside the code, run by vitest) are not part of the bundle and do not count.
# PANEL_FORCE_BUILD=1 rebuilds anyway.
set -euo pipefail
cd "$(dirname "$0")/.."

SRC=gateway/panel
OUT=gateway/public/admin
STAMP="$OUT/index.html"

if [ "${PANEL_FORCE_BUILD:-0}" != 1 ] && [ -f "$STAMP" ]; then
  newer=$(find "$SRC" package-lock.json -type f ! -name '*.test.ts' -newer "$STAMP" -print -quit 2>/dev/null || true)
  if [ -z "$newer" ]; then
    echo "[panel] up to date ($OUT)"
    exit 0
  fi
fi

if [ ! -x node_modules/.bin/vite ]; then
  echo "[panel] vite is not installed: run npm ci (the panel needs the devDependencies)" >&2
  exit 1
fi

start=${EPOCHREALTIME:-0}; start=${start/[.,]/}
node_modules/.bin/vite build --config "$SRC/vite.config.ts"
# The stamp must be newer than the sources even when the build finished within the same second.
touch "$STAMP"
end=${EPOCHREALTIME:-0}; end=${end/[.,]/}
echo "[panel] built $OUT in $(( (end - start) / 1000 )) ms"
