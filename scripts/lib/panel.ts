/**
 * @module scripts/lib/panel
 * Runs scripts/build-panel.sh when it exists (the panel's owner provides it), so the gateway serves
 * fresh assets under /admin/.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { Env } from './env.js'
import { say } from './log.js'
import { REPO_ROOT } from './paths.js'
import { run } from './proc.js'

export const PANEL_BUILD_SCRIPT = path.join(REPO_ROOT, 'scripts', 'build-panel.sh')

/** Returns false when there is no build script; throws with its output when the build fails. */
export async function buildPanel(env: Env, echo: boolean): Promise<boolean> {
  if (!fs.existsSync(PANEL_BUILD_SCRIPT)) return false
  say('building the panel (scripts/build-panel.sh)')
  const r = await run('bash', [PANEL_BUILD_SCRIPT], { cwd: REPO_ROOT, env, echo })
  if (r.code !== 0) throw new Error(`scripts/build-panel.sh failed (exit ${r.code}):\n${(r.stderr || r.stdout).trim().split('\n').slice(-30).join('\n')}`)
  return true
}
