/**
 * @module cluster/primary
 * The gateway always runs as a node:cluster primary plus GATEWAY_WORKERS workers (one included), so a
 * worker that crashes (an uncaught error, OOM, kill -9) is replaced and the port keeps answering. The
 * primary prepares the database once, then only supervises (common/src/cluster/supervisor.ts: re-fork
 * with backoff, graceful stop on SIGTERM/SIGINT) and aggregates /metrics. It serves no HTTP itself.
 * State that must be shared already lives in Redis/Postgres.
 */
import { availableParallelism } from 'node:os'
import type { Logger } from 'pino'
import type { Config } from '../config.js'
import { serveClusterMetrics } from '../services/metrics/cluster.js'
import { superviseWorkers, type Supervisor } from '../../../common/src/cluster/supervisor.js'

/** NODE_ENV=production with GATEWAY_WORKERS unset/0 -> one per core; otherwise the number given (min 1). */
export function workerCount(config: Pick<Config, 'GATEWAY_WORKERS' | 'NODE_ENV'>): number {
  if (config.GATEWAY_WORKERS > 0) return config.GATEWAY_WORKERS
  return config.NODE_ENV === 'production' ? availableParallelism() : 1
}

export type PrimaryOptions = {
  workers: number
  log: Logger
  /** Migrations + admin seed, once, before any worker starts. */
  prepare: () => Promise<void>
}

export async function runPrimary({ workers, log, prepare }: PrimaryOptions): Promise<Supervisor> {
  await prepare()
  serveClusterMetrics()
  return superviseWorkers({ service: 'gateway', workers, log })
}
