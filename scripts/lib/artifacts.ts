/**
 * @module scripts/lib/artifacts
 * Per-run directories under test-artifacts/ (logs/<run>, runs/<run>) so concurrent test runs never
 * share a file, with old runs pruned so the folder does not grow forever.
 */
import fs from 'node:fs'
import path from 'node:path'
import { ARTIFACTS_DIR } from './paths.js'

const KEEP = 10
const RECENT_MS = 60 * 60 * 1000

/** Removes all but the newest KEEP entries of `dir`, never touching one changed in the last hour. */
function prune(dir: string): void {
  if (!fs.existsSync(dir)) return
  const entries = fs.readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => ({ p: path.join(dir, e.name), t: fs.statSync(path.join(dir, e.name)).mtimeMs }))
    .sort((a, b) => b.t - a.t)
  for (const e of entries.slice(KEEP)) if (Date.now() - e.t > RECENT_MS) fs.rmSync(e.p, { recursive: true, force: true })
}

export type RunDirs = { id: string; logs: string; run: string; extra: string }

export function createRunDirs(id: string): RunDirs {
  prune(path.join(ARTIFACTS_DIR, 'logs'))
  prune(path.join(ARTIFACTS_DIR, 'runs'))
  const dirs = {
    id,
    logs: path.join(ARTIFACTS_DIR, 'logs', id),
    run: path.join(ARTIFACTS_DIR, 'runs', id),
    extra: path.join(ARTIFACTS_DIR, 'runs', id, 'extra-gateways'),
  }
  for (const d of [dirs.logs, dirs.run, dirs.extra]) fs.mkdirSync(d, { recursive: true })
  return dirs
}
