/**
 * @module upstream/server
 * Node entry: `npx tsx upstream/src/server.ts`. Parses config (exits listing every problem), migrates,
 * resumes instances, listens on UPSTREAM_PORT; SIGTERM/SIGINT stop accepting, drain, close the pool.
 */
import { serve } from '@hono/node-server'
import { createUpstreamApp } from './app.js'
import { ConfigError, loadConfig, type UpstreamConfig } from './config.js'
import { buildDeps, closeDeps, startDeps } from './deps.js'

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

const deps = buildDeps(config)
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
  // Hung (fault-injected) requests are released first so server.close() can finish.
  deps.faults.releaseHung()
  const closed = new Promise<void>((resolve) => server.close(() => resolve()))
  if ('closeIdleConnections' in server) server.closeIdleConnections()
  const force = setTimeout(() => {
    if ('closeAllConnections' in server) server.closeAllConnections()
  }, 5000)
  force.unref()
  await closed
  await closeDeps(deps)
  deps.log.info('upstream stopped')
  process.exit(0)
}

process.on('SIGTERM', () => void shutdown('SIGTERM'))
process.on('SIGINT', () => void shutdown('SIGINT'))
