/**
 * @module scripts/lib/extra-gateways
 * Bookkeeping for gateways started by the gateway-extra CLI (from bats): one pid file each in a state
 * dir, so the test runner can stop any a test forgot, and nothing outlives `npm test`.
 */
import fs from 'node:fs'
import path from 'node:path'
import { isAlive, terminate } from './proc.js'

export function registerExtra(dir: string, pid: number): void {
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, `${pid}.pid`), String(pid))
}

export function unregisterExtra(dir: string, pid: number): void {
  fs.rmSync(path.join(dir, `${pid}.pid`), { force: true })
}

/** Stops every registered gateway still alive; returns how many had been left running. */
export async function stopAllExtras(dir: string): Promise<number> {
  if (!fs.existsSync(dir)) return 0
  let leftovers = 0
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.pid'))) {
    const pid = Number(f.replace(/\.pid$/, ''))
    if (pid && isAlive(pid)) {
      leftovers++
      await terminate(pid, { graceMs: 10_000, group: true })
    }
    fs.rmSync(path.join(dir, f), { force: true })
  }
  return leftovers
}
