/**
 * @module upstream/server
 * Node entry: `npx tsx upstream/src/server.ts`. Parses config (exits listing every problem), then runs as
 * a node:cluster primary that forks ONE worker and re-forks it when it dies (common/src/cluster/
 * supervisor.ts): a crash never stops the service. One worker only, because a WhatsApp session's socket
 * and the in-process state (drivers, event queues, hung fault requests) belong to one process; the
 * Baileys owner locks are PostgreSQL session locks, so a dead worker's locks go with its connections and
 * its replacement takes the sessions over. The worker migrates, joins placement (services/placement:
 * takes this replica's share of the instances and resumes them), listens on UPSTREAM_PORT. SIGTERM/SIGINT
 * (the primary passes them on) first hand every instance over to the other replicas, then stop
 * accepting, drain requests, close the pool. More replicas: more processes like this one, on the same
 * database, each with its own UPSTREAM_NODE_ID (docs/operations.md#scale-out).
 */
import cluster from 'node:cluster'
import pino from 'pino'
import { serve } from '@hono/node-server'
import { createUpstreamApp } from './app.js'
import { ConfigError, loadConfig, type UpstreamConfig } from './config.js'
import { buildDeps, closeDeps, startDeps } from './deps.js'
import { loggerOptions, withRedaction } from '../../common/src/logging/log-schema.js'
import { describeDeath, onRestartNotice, superviseWorkers } from '../../common/src/cluster/supervisor.js'
import { survivePoolOrphanRejections } from '../../common/src/db/pg-resilience.js'

/** Longest SIGTERM drain (the cluster primary kills a worker still running after 25 s). */
const DRAIN_MS = 18_000

let config: UpstreamConfig
try {
  config = loadConfig()
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`)
    process.exit(1)
  }
  throw err
}

if (cluster.isPrimary) {
  superviseWorkers({ service: 'upstream', workers: 1, log: pino(withRedaction(loggerOptions('upstream', config.LOG_LEVEL))) })
} else {
  await runWorker(config)
}

async function runWorker(config: UpstreamConfig): Promise<void> {
  const deps = buildDeps(config)
  survivePoolOrphanRejections(deps.log)
  onRestartNotice((n) => {
    const fields = { previousPid: n.previousPid, code: n.code, signal: n.signal, consecutive: n.consecutive }
    deps.log.error(fields, `upstream worker (pid ${n.previousPid ?? '?'}) died (${describeDeath(n)}); restarted as pid ${process.pid}`)
  })
  try {
    await startDeps(deps)
  } catch (err) {
    deps.log.fatal({ err }, 'upstream failed to start')
    await closeDeps(deps).catch(() => undefined)
    process.exit(1)
  }

  const app = createUpstreamApp(deps)
  const server = serve({ fetch: app.fetch, port: config.UPSTREAM_PORT, hostname: config.UPSTREAM_HOST }, (info) => {
    deps.log.info({ port: info.port, driver: config.UPSTREAM_DRIVER }, 'upstream listening')
  })

  let stopping = false
  async function shutdown(signal: string) {
    if (stopping) return
    stopping = true
    deps.log.info({ signal }, 'upstream stopping')
    // Hand every instance to another replica first, while still answering (requests for them are
    // forwarded to their new owners): a rolling upgrade loses no session and no send.
    if (signal !== 'primary gone') await deps.placement.drain(DRAIN_MS).catch((err: unknown) => deps.log.warn({ err }, 'drain failed'))
    // Hung (fault-injected) requests are released first so server.close() can finish.
    deps.faults.releaseHung()
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    if ('closeIdleConnections' in server) server.closeIdleConnections()
    const force = setTimeout(() => {
      if ('closeAllConnections' in server) server.closeAllConnections()
    }, 5000)
    force.unref()
    await closed
    await closeDeps(deps, { leave: true })
    deps.log.info('upstream stopped')
    process.exit(0)
  }

  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  process.on('SIGINT', () => void shutdown('SIGINT'))
  // A worker whose primary died would never be replaced again: stop with it.
  process.on('disconnect', () => void shutdown('primary gone'))
}
