/**
 * @module cluster/primary
 * GATEWAY_WORKERS > 1: the primary prepares the database once, forks N workers that share the port
 * (node:cluster), restarts a dead worker with exponential backoff, and on SIGTERM/SIGINT asks every
 * worker to stop gracefully (each runs the normal shutdown: drain, hooks, pools) before exiting.
 * The primary serves no HTTP itself. State that must be shared already lives in Redis/Postgres.
 */
import cluster, { type Worker } from 'node:cluster'
import { availableParallelism } from 'node:os'
import type { Logger } from 'pino'
import type { Config } from '../config.js'
import { serveClusterMetrics } from '../services/metrics/cluster.js'

/** NODE_ENV=production with GATEWAY_WORKERS unset/0 -> one per core; otherwise the number given (min 1). */
export function workerCount(config: Pick<Config, 'GATEWAY_WORKERS' | 'NODE_ENV'>): number {
  if (config.GATEWAY_WORKERS > 0) return config.GATEWAY_WORKERS
  return config.NODE_ENV === 'production' ? availableParallelism() : 1
}

/** A worker that lived this long is healthy: its next death restarts with no delay. */
const STABLE_MS = 30_000
const MAX_BACKOFF_MS = 30_000
/** How long a graceful stop may take before the primary kills what is left (workers drain for 10 s). */
const STOP_GRACE_MS = 25_000

export type PrimaryOptions = {
  workers: number
  log: Logger
  /** Migrations + admin seed, once, before any worker starts. */
  prepare: () => Promise<void>
}

export async function runPrimary({ workers, log, prepare }: PrimaryOptions): Promise<void> {
  await prepare()
  serveClusterMetrics()

  let stopping = false
  let failures = 0
  const bornAt = new Map<Worker, number>()

  const fork = () => {
    if (stopping) return
    const w = cluster.fork()
    bornAt.set(w, Date.now())
  }

  cluster.on('exit', (w, code, signal) => {
    const lived = Date.now() - (bornAt.get(w) ?? Date.now())
    bornAt.delete(w)
    if (stopping) return
    failures = lived >= STABLE_MS ? 0 : failures + 1
    // Crash loops (bad config, DB gone) back off instead of forking hot; a one-off death restarts at once.
    const delay = failures <= 1 ? 0 : Math.min(MAX_BACKOFF_MS, 250 * 2 ** (failures - 1))
    log.error({ workerPid: w.process.pid, code, signal, restartInMs: delay }, 'gateway worker died; restarting')
    setTimeout(fork, delay).unref()
  })

  for (let i = 0; i < workers; i++) fork()
  log.info({ workers, pid: process.pid }, 'gateway primary started')

  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'stopping gateway workers')
    const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead())
    const exited = Promise.all(alive.map((w) => new Promise<void>((resolve) => (w.isDead() ? resolve() : w.once('exit', () => resolve())))))
    // SIGTERM, not worker.disconnect(): each worker then runs its own graceful stop (server.ts).
    for (const w of alive) w.process.kill('SIGTERM')
    const timer = setTimeout(() => {
      log.warn('workers did not stop in time; killing them')
      for (const w of alive) if (!w.isDead()) w.process.kill('SIGKILL')
    }, STOP_GRACE_MS)
    await exited
    clearTimeout(timer)
    log.info('stopped')
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
}
