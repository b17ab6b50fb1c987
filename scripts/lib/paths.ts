/**
 * @module scripts/lib/paths
 * Where the launcher keeps things: everything is relative to the repository root, whatever the cwd.
 */
import { fileURLToPath } from 'node:url'
import path from 'node:path'

/** The repository root (this file lives in scripts/lib/). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

/** Private servers, generated secrets and other local state (gitignored). */
export function dataDir(env: { TAGUATO_DATA_DIR?: string | undefined } = process.env): string {
  return path.resolve(REPO_ROOT, env.TAGUATO_DATA_DIR?.trim() || '.data')
}

/** Test logs and reports (gitignored). */
export const ARTIFACTS_DIR = path.join(REPO_ROOT, 'test-artifacts')
