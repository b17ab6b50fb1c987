/**
 * @module server
 * The gateway's Node entry: config -> (primary) migrations -> admin seed -> fork workers; (worker) deps
 * -> HTTP server -> jobs. Always clustered, one worker included, so a crashed worker is re-forked
 * (cluster/primary.ts). SIGTERM/SIGINT: stop accepting, let in-flight requests finish, run shutdown
 * hooks, close pools.
 */
import cluster from 'node:cluster'
import v8 from 'node:v8'
import { fileURLToPath } from 'node:url'
import { ConfigError, loadConfig, type Config } from './config.js'
import { buildDeps, waitForRedis, type Deps } from './deps.js'
import { createApp } from './app.js'
import { createHttpServer } from './http-server.js'
import { seedAdmin } from './db/seed-admin.js'
import { createLogger } from './lib/logger.js'
import { listMigrations, migrate, MigrationHistoryError } from '../../db/migrate.js'
import { assertServableSchema, SchemaRefusedError } from './db/schema-check.js'
import { registerJobs } from './workers/index.js'
import { runPrimary, workerCount } from './cluster/primary.js'
import { reportRestarts } from './cluster/worker-restart.js'
import { survivePoolOrphanRejections } from '../../common/src/db/pg-resilience.js'

const MIGRATIONS_DIR = fileURLToPath(new URL('../../db/migrations', import.meta.url))
/** Advisory-lock key for the gateway's migrations (the upstream uses its own). */
const MIGRATION_LOCK = 727_000

function readConfig(): Config {
  try {
    return loadConfig()
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`)
      process.exit(1)
    }
    throw err
  }
}

/**
 * Migrations and the admin seed: run by the primary only, before any worker starts. A schema
 * we did not make (TAGUATO-SEND's, another program's) stops the start here, before anything listens.
 */
export async function prepareDatabase(deps: Deps): Promise<void> {
  await assertServableSchema(deps.sql, await listMigrations(MIGRATIONS_DIR))
  const applied = await migrate(deps.sql, { dir: MIGRATIONS_DIR, schema: 'taguato', lockKey: MIGRATION_LOCK })
  if (applied.length) deps.log.info({ applied }, 'migrations applied')
  const { ADMIN_USERNAME, ADMIN_PASSWORD } = deps.config
  if (ADMIN_PASSWORD) {
    const r = await seedAdmin(deps.sql, deps.passwords, ADMIN_USERNAME, ADMIN_PASSWORD)
    if (r === 'created') deps.log.info({ username: ADMIN_USERNAME }, 'admin user seeded')
  } else {
    deps.log.warn('ADMIN_PASSWORD is not set: no admin seeded')
  }
}

/**
 * GATEWAY_HEAP_GROWTH_PERCENT: V8 reads this flag whenever it sizes the old generation after a major
 * GC, so setting it at start (before the heap has grown) is as good as the command-line flag, and works
 * however the process is launched (npm start, Docker CMD, cluster workers).
 */
function applyHeapPolicy(config: Config): void {
  if (config.GATEWAY_HEAP_GROWTH_PERCENT > 0) v8.setFlagsFromString(`--heap-growing-percent=${config.GATEWAY_HEAP_GROWTH_PERCENT}`)
}

export async function main(): Promise<void> {
  const config = readConfig()
  applyHeapPolicy(config)
  const log = createLogger(config.LOG_LEVEL)
  if (cluster.isPrimary) {
    // The primary migrates and seeds once with throwaway deps, then only supervises (even one worker:
    // a crash must not stop the service).
    const prepare = async () => {
      const d = buildDeps(config, log)
      try {
        await prepareDatabase(d)
      } finally {
        await d.close()
      }
    }
    await runPrimary({ workers: workerCount(config), log, prepare })
    return
  }
  survivePoolOrphanRejections(log)
  const deps = buildDeps(config, log)
  if (!(await waitForRedis(deps.redis, 3000))) log.warn('redis not ready at start; continuing degraded')
  reportRestarts(deps)

  registerJobs(deps)
  const gateway = createApp(deps)
  // Registered last so it runs first on shutdown: no job starts sending while buffers are flushed.
  deps.shutdownHooks.push(() => deps.scheduler.stop())
  if (config.WORKERS_ENABLED) deps.scheduler.start()
  // Which upstream replica runs each instance: read now and every UPSTREAM_PLACEMENT_REFRESH_MS.
  deps.owners.start()
  const server = createHttpServer(gateway, config.GATEWAY_HOST, { requestBodyTimeoutMs: config.REQUEST_BODY_TIMEOUT_MS })
  server.listen(config.GATEWAY_PORT, config.GATEWAY_HOST, () => {
    const addr = server.address()
    log.info({ port: typeof addr === 'object' && addr ? addr.port : config.GATEWAY_PORT }, 'gateway listening')
  })

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'shutting down')
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    // Idle keep-alive sockets would hold close() open; in-flight requests still finish.
    ;(server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.()
    await Promise.race([closed, new Promise((r) => setTimeout(r, 10_000))])
    for (const hook of [...deps.shutdownHooks].reverse()) {
      await hook().catch((err: Error) => log.error({ err: err.message }, 'shutdown hook failed'))
    }
    await deps.close()
    log.info('stopped')
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
  // A worker whose primary died would hold connections but never get new ones: stop with it.
  process.on('disconnect', () => void stop('primary gone'))
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err: Error) => {
    // A refused schema is the operator's to fix, not a crash: the message says what to run, no stack.
    const refused = err instanceof SchemaRefusedError || err instanceof MigrationHistoryError
    process.stderr.write(refused ? `gateway refused to start:\n${err.message}\n` : `gateway failed to start: ${err.stack ?? err.message}\n`)
    process.exit(1)
  })
}
