/**
 * @module common/cluster/supervisor
 * The primary process of both services (node:cluster), always, even with one worker: it serves nothing
 * and holds nothing that can fail with a dependency, so a crash in a worker (an uncaught error, an OOM,
 * kill -9) never stops the service. It forks `workers` workers (they share the listening port), forks
 * a replacement for any that dies (RestartPolicy: at once, then backing off while it crash-loops),
 * tells the replacement what it replaced (RESTART_NOTICE, once it listens: the worker logs and alerts,
 * the primary has no Redis or webhook client), and on SIGTERM/SIGINT stops every worker gracefully
 * (each runs its own shutdown), kills what is left after `stopGraceMs`, forks nothing more and exits.
 * A worker dying before any worker ever listened is a failed start (port taken, database refused), the
 * operator's to fix: the primary then stops the others and exits 1 instead of looping.
 */
import cluster, { type Worker } from 'node:cluster'
import { DEFAULT_RESTART_RULE, RestartPolicy, type RestartRule } from './restart-policy.js'

export const RESTART_NOTICE = 'taguato:worker-restarted'

/** Sent by the primary to a replacement worker once it listens. */
export type RestartNotice = {
  type: typeof RESTART_NOTICE
  /** Worker slot, 1-based: "worker 2" is the same slot across replacements. */
  slot: number
  previousPid: number | null
  /** Exit code of the dead worker (null when a signal ended it). */
  code: number | null
  signal: string | null
  /** Consecutive early deaths of this slot (1 after a one-off crash). */
  consecutive: number
}

type Log = {
  info: (obj: object, msg: string) => void
  warn: (obj: object, msg: string) => void
  error: (obj: object, msg: string) => void
}

export type SupervisorOptions = {
  /** "gateway" or "upstream": names the log lines. */
  service: string
  workers: number
  log: Log
  rule?: RestartRule
  /** How long a graceful stop may take before the primary kills the workers left. */
  stopGraceMs?: number
  /** After every worker has exited on stop, with 0 (a signal) or 1 (a failed start). Default: process.exit. */
  onStopped?: (code: number) => void
}

export type Supervisor = {
  /** Pids of the live workers, by slot (index 0 = slot 1; null while a slot waits to be re-forked). */
  pids: () => (number | null)[]
  stop: (reason: string, code?: number) => Promise<void>
}

type Slot = { worker: Worker | null; bornAt: number; policy: RestartPolicy; timer: NodeJS.Timeout | null }

/** How a worker ended, for log lines and alerts: "exit code 1", "signal SIGKILL". */
export function describeDeath(n: Pick<RestartNotice, 'code' | 'signal'>): string {
  return n.signal ? `signal ${n.signal}` : `exit code ${n.code ?? 'unknown'}`
}

/** Primary side. Call once, in the primary, after anything that must run before the first worker. */
export function superviseWorkers(o: SupervisorOptions): Supervisor {
  const rule = o.rule ?? DEFAULT_RESTART_RULE
  let stopping = false
  let started = false
  const slots: Slot[] = Array.from({ length: Math.max(1, o.workers) }, () => ({ worker: null, bornAt: 0, policy: new RestartPolicy(rule), timer: null }))

  const fork = (index: number, notice: RestartNotice | null) => {
    const slot = slots[index]!
    slot.timer = null
    if (stopping) return
    const w = cluster.fork()
    slot.worker = w
    slot.bornAt = Date.now()
    // A worker's IPC channel may break while it dies; that is its exit's business, not a primary crash.
    w.on('error', (err: Error) => o.log.warn({ workerPid: w.process.pid, err: err.message }, `${o.service} worker channel error`))
    w.once('listening', () => {
      started = true
      if (notice && w.isConnected()) w.send(notice, () => undefined)
    })
    w.once('exit', (code: number | null, signal: string | null) => died(index, w, code, signal))
  }

  const died = (index: number, w: Worker, code: number | null, signal: string | null) => {
    const slot = slots[index]!
    if (slot.worker === w) slot.worker = null
    if (stopping) return
    if (!started) {
      o.log.error({ slot: index + 1, workerPid: w.process.pid, code, signal }, `${o.service} worker died before listening; start failed`)
      return void stop('failed start', 1)
    }
    const delay = slot.policy.next(Date.now() - slot.bornAt)
    const notice: RestartNotice = { type: RESTART_NOTICE, slot: index + 1, previousPid: w.process.pid ?? null, code, signal, consecutive: slot.policy.consecutive }
    const fields = { slot: index + 1, workerPid: notice.previousPid, code, signal, consecutive: notice.consecutive, restartInMs: delay }
    o.log.error(fields, `${o.service} worker died (${describeDeath(notice)}); restarting`)
    // Not unref'd: with one worker, this timer is what keeps the primary alive until the replacement.
    slot.timer = setTimeout(() => fork(index, notice), delay)
  }

  const stop = async (reason: string, code = 0) => {
    if (stopping) return
    stopping = true
    o.log.info({ reason }, `stopping ${o.service} workers`)
    for (const slot of slots) if (slot.timer) clearTimeout(slot.timer)
    const alive = slots.map((s) => s.worker).filter((w): w is Worker => !!w && !w.isDead())
    const exited = Promise.all(alive.map((w) => new Promise<void>((resolve) => (w.isDead() ? resolve() : w.once('exit', () => resolve())))))
    // SIGTERM, not worker.disconnect(): each worker then runs its own graceful stop.
    for (const w of alive) w.process.kill('SIGTERM')
    const grace = setTimeout(() => {
      o.log.warn({}, `${o.service} workers did not stop in time; killing them`)
      for (const w of alive) if (!w.isDead()) w.process.kill('SIGKILL')
    }, o.stopGraceMs ?? 25_000)
    await exited
    clearTimeout(grace)
    o.log.info({}, `${o.service} stopped`)
    ;(o.onStopped ?? ((c: number) => process.exit(c)))(code)
  }

  for (let i = 0; i < slots.length; i++) fork(i, null)
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
  o.log.info({ workers: slots.length, pid: process.pid }, `${o.service} primary started`)
  return { pids: () => slots.map((s) => (s.worker && !s.worker.isDead() ? (s.worker.process.pid ?? null) : null)), stop }
}

/** Worker side: calls `handler` when the primary says this worker replaced a dead one. */
export function onRestartNotice(handler: (notice: RestartNotice) => void): void {
  process.on('message', (msg: unknown) => {
    if (typeof msg === 'object' && msg !== null && (msg as { type?: unknown }).type === RESTART_NOTICE) handler(msg as RestartNotice)
  })
}
