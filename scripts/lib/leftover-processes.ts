/**
 * @module scripts/lib/leftover-processes
 * Finds the processes a test suite started and left behind, wherever they went: a suite's environment
 * carries a marker (SUITE_MARKER=<id>) that every descendant inherits, so a process that changed its
 * process group or was re-parented to init is still found by reading /proc/<pid>/environ. Used when bats
 * does not exit after its last test (something holds its output), to name the culprit in the summary
 * and to stop it. Also the sweep of a suite's own process group (`groupProcesses`, `sweepGroup`).
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import { signal, sleep } from './proc.js'

export const SUITE_MARKER = 'TAGUATO_SUITE_RUN'

export type Leftover = { pid: number; ppid: number; args: string }

/** Processes (other than this one) whose environment holds `SUITE_MARKER=<id>`. Linux only; [] elsewhere. */
export function leftoverProcesses(id: string): Leftover[] {
  const needle = `${SUITE_MARKER}=${id}\0`
  let pids: string[]
  try {
    pids = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d) && Number(d) !== process.pid)
  } catch {
    return []
  }
  const found: Leftover[] = []
  for (const d of pids) {
    try {
      if (!`${fs.readFileSync(`/proc/${d}/environ`, 'latin1')}\0`.includes(needle)) continue
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8')
      const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (after[0] === 'Z') continue
      const args = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ')
      found.push({ pid: Number(d), ppid: Number(after[1]), args })
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found
}

/** One line per process, for the summary. */
export function describeLeftovers(list: Leftover[]): string {
  return list.map((p) => `pid ${p.pid} (parent ${p.ppid}): ${p.args.slice(0, 160)}`).join('; ')
}

/** TERM, a second's grace, then KILL whatever of the suite is still there. */
export async function stopLeftovers(id: string): Promise<Leftover[]> {
  const list = leftoverProcesses(id)
  for (const p of list) signal(p.pid, 'SIGTERM')
  if (list.length > 0) await sleep(1000)
  for (const p of leftoverProcesses(id)) signal(p.pid, 'SIGKILL')
  return list
}

const BATS_PROCESS = /libexec\/bats-core\//

/**
 * The processes that are a test's, not bats' own. bats-core's per-test timeout (BATS_TEST_TIMEOUT) runs
 * a watchdog `sleep` under the test's bats-exec-test, and after a failed test that pair can outlive
 * it, holding the output until the sleep ends: bats' quirk, not a leak of ours. bats' own processes,
 * and a plain `sleep` or `cat` whose parent is one of them, are left out.
 */
export function testProcesses(list: Leftover[]): Leftover[] {
  const bats = new Set(list.filter((p) => BATS_PROCESS.test(p.args)).map((p) => p.pid))
  return list.filter((p) => !bats.has(p.pid) && !(bats.has(p.ppid) && /^(sleep \d+|cat)$/.test(p.args)))
}

/** What is still running in a suite's process group (`ps`), so a hang names its culprit. */
export function groupProcesses(pgid: number): string {
  try {
    const out = execFileSync('ps', ['-e', '-o', 'pid=,pgid=,etime=,args='], { encoding: 'utf8' })
    const lines = out.split('\n').filter((l) => l.trim().split(/\s+/)[1] === String(pgid))
    return lines.map((l) => `  ${l.trim().slice(0, 200)}`).join('\n') || '  (none)'
  } catch {
    return '  (ps failed)'
  }
}

/** TERM then KILL whatever is left in a finished suite's process group (ESRCH = nothing left, fine). */
export async function sweepGroup(pgid: number): Promise<void> {
  signal(pgid, 'SIGTERM', true)
  await sleep(1000)
  signal(pgid, 'SIGKILL', true)
}
