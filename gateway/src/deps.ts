/**
 * @module deps
 * Builds every long-lived service once per process (pool, Redis, logger, session store, limiter, ...)
 * and hands them to the app and workers. Nothing here is built per request.
 */
import { Redis } from 'ioredis'
import type { Logger } from 'pino'
import type { Config } from './config.js'
import { createDb, dbCircuit, stopDbCircuit, type Db, type DbCircuit } from './db/client.js'
import { trustedProxies, type TrustedProxies } from './lib/client-ip.js'
import { coalesceWrites } from './lib/redis-write-batch.js'
import { AlertService } from './services/alerts/alerts.js'
import { wireBreakerAlerts } from './services/status/breaker-view.js'
import { Audit } from './services/audit/audit.js'
import { Passwords } from './services/passwords/passwords.js'
import { UserRateLimiter } from './services/rate-limit/user-limiter.js'
import { SessionStore } from './services/sessions/session-store.js'
import { InstanceAccess } from './services/instances/instance-access.js'
import { UpstreamClient } from './services/upstream-client/upstream-client.js'
import { Scheduler } from './workers/scheduler.js'
import { UpstreamBreaker } from './services/breaker/breaker.js'
import { MessageLogWriter, messageLogJournalDir, messageLogPrefix } from './services/message-log/message-log.js'
import { JobQueue } from './services/jobs/job-queue.js'
import { SendGate } from './services/send-gate/send-gate.js'
import { OwnerMap } from './services/upstream-owners/owner-map.js'
import { UpstreamProxy } from './services/upstream-proxy/upstream-proxy.js'
import { createMetrics, type Metrics } from './services/metrics/index.js'

export type Deps = {
  config: Config
  log: Logger
  sql: Db
  /** The pool's circuit (db/client.ts): open while PostgreSQL is unreachable; /health/ready reports it. */
  dbCircuit: DbCircuit | undefined
  redis: Redis
  trusted: TrustedProxies
  sessions: SessionStore
  limiter: UserRateLimiter
  passwords: Passwords
  audit: Audit
  /** The gateway's own calls to the upstream, with the global key. */
  upstream: UpstreamClient
  /** The "may use instance" predicate (D2, docs/decisions.md#d2). */
  instances: InstanceAccess
  /**
   * Cron jobs (workers/index.ts adds them; started by server.ts when WORKERS_ENABLED). Built from the
   * pool, logger and metrics only, so it exists before this object does.
   */
  scheduler: Scheduler
  /** Prometheus metrics of this process (services/metrics): the proxy, limiter and scheduler record into it. */
  metrics: Metrics
  /** Operator alerts to ALERT_WEBHOOK_URL with per-kind cooldown: `deps.alerts.notify(event)`. */
  alerts: AlertService
  /** Client traffic to the upstream (routes/proxy); `deps.upstream` stays for the gateway's own calls. */
  proxy: UpstreamProxy
  /** Which upstream replica runs each instance (the proxy routes by it); started by server.ts. */
  owners: OwnerMap
  /** Durable jobs on PostgreSQL (pg-boss): queued sends, webhook deliveries. Started on first use. */
  jobs: JobQueue
  /** Checks every send passes before the hop (pauses, budgets, queued sends): services/send-gate. */
  sendGate: SendGate
  /** D9 (docs/decisions.md#d9) breaker of the proxied hop: `state()`, `stats()`, `onStateChange(fn)` (per process). */
  breaker: UpstreamBreaker
  /** Durable message_logs writer (D13, docs/decisions.md#d13; services/message-log): `await add(row)` before the answer, `flush()`. */
  messageLog: MessageLogWriter
  /**
   * Work to finish before the pools close on shutdown (flush the message-log buffer, stop workers...).
   * Run in reverse order of registration.
   */
  shutdownHooks: Array<() => Promise<void>>
  /**
   * Timers and subscribers started after buildDeps (the send checks' refreshers): stopped by close(), so
   * anything that builds Deps (the docs scripts, tests) exits when it closes them.
   */
  stopOnClose: Array<() => void>
  /** Closes pools and clients (graceful shutdown), after the hooks. */
  close: () => Promise<void>
}

export type RedisOptions = {
  /** ioredis auto-pipelining instead of lib/redis-write-batch (REDIS_AUTO_PIPELINING). */
  autoPipelining?: boolean
  /** A command not answered in this many ms fails (REDIS_COMMAND_TIMEOUT_MS); 0 = never. */
  commandTimeoutMs?: number
}

export function createRedis(url: string, log: Logger, o: RedisOptions = {}): Redis {
  const autoPipelining = o.autoPipelining ?? false
  const commandTimeout = o.commandTimeoutMs ?? 1000
  const redis = new Redis(url, {
    // Fail fast instead of queueing while Redis is down: callers have fallbacks (D8, docs/decisions.md#d8, sessions).
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    // A Redis that is connected but does not answer (frozen, swapping, a long blocking command) would
    // otherwise hold every request for as long as it stalls: a command fails after this long and the
    // caller's fallback runs (docs/operations.md#what-each-outage-does-to-users).
    ...(commandTimeout > 0 ? { commandTimeout } : {}),
    // Off by default (REDIS_AUTO_PIPELINING): coalesceWrites below batches a turn's commands into one
    // socket write without ioredis' per-turn Pipeline objects, which outlived scavenges (lib/redis-write-batch).
    enableAutoPipelining: autoPipelining,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  })
  let down = false
  redis.on('error', (err) => {
    if (!down) log.warn({ err: err.message }, 'redis unavailable')
    down = true
  })
  redis.on('ready', () => {
    if (down) log.info('redis reconnected')
    down = false
  })
  if (!autoPipelining) coalesceWrites(redis)
  return redis
}

export function buildDeps(config: Config, log: Logger): Deps {
  const sql = createDb(config.DATABASE_URL, config.DATABASE_POOL_MAX, {
    connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
    onCircuit: (open, cause) =>
      open ? log.error({ cause }, 'database unavailable: failing queries fast until it answers') : log.info('database reachable again'),
  })
  const redis = createRedis(config.REDIS_URL, log, { autoPipelining: config.REDIS_AUTO_PIPELINING, commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS })
  const metrics = createMetrics(config, sql)
  const upstream = new UpstreamClient({
    baseUrl: config.UPSTREAM_URL,
    apiKey: config.AUTHENTICATION_API_KEY,
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
    connectTimeoutMs: config.UPSTREAM_CONNECT_TIMEOUT_MS,
  })
  const owners = new OwnerMap(upstream, log.child({ component: 'upstream-owners' }), config.UPSTREAM_PLACEMENT_REFRESH_MS)
  const deps: Deps = {
    config,
    log,
    sql,
    dbCircuit: dbCircuit(sql),
    redis,
    trusted: trustedProxies(config.TRUSTED_PROXIES),
    sessions: new SessionStore(sql, redis, log, { ttlHours: config.SESSION_TTL_HOURS }),
    limiter: new UserRateLimiter(redis, config.RATE_LIMIT_DEFAULT),
    passwords: new Passwords({ memoryKib: config.ARGON2_MEMORY_KIB, timeCost: config.ARGON2_TIME_COST, concurrency: config.PASSWORD_HASH_CONCURRENCY }),
    audit: new Audit(sql, log),
    upstream,
    instances: new InstanceAccess(sql, { redis, log }),
    scheduler: new Scheduler({ sql, log, metrics }),
    metrics,
    alerts: new AlertService(redis, log, { url: config.ALERT_WEBHOOK_URL, cooldownSeconds: config.ALERT_COOLDOWN_SECONDS }),
    owners,
    jobs: new JobQueue(config.DATABASE_URL, log.child({ component: 'jobs' })),
    sendGate: new SendGate(),
    proxy: new UpstreamProxy({
      baseUrl: config.UPSTREAM_URL,
      route: owners,
      apiKey: config.AUTHENTICATION_API_KEY,
      connectTimeoutMs: config.UPSTREAM_CONNECT_TIMEOUT_MS,
      readTimeoutMs: config.UPSTREAM_TIMEOUT_MS,
      sendTimeoutMs: config.UPSTREAM_SEND_TIMEOUT_MS,
      // Media uploads are slow on a healthy upstream: at least the idle timeout, as before sends had a deadline.
      longSendTimeoutMs: Math.max(config.UPSTREAM_SEND_TIMEOUT_MS, config.UPSTREAM_TIMEOUT_MS),
    }),
    breaker: new UpstreamBreaker({
      threshold: config.BREAKER_THRESHOLD,
      resetSeconds: config.BREAKER_RESET_SECONDS,
      slowCallMs: config.BREAKER_SLOW_CALL_MS,
      log,
    }),
    messageLog: new MessageLogWriter(sql, log, {
      redis,
      redisPrefix: messageLogPrefix(config.DATABASE_URL),
      journalDir: messageLogJournalDir(config.MESSAGE_LOG_JOURNAL_DIR, config.DATABASE_URL),
      bufferMax: config.MESSAGE_LOG_BUFFER_MAX,
      alerts: { notify: (e) => deps.alerts.notify(e) },
    }),
    shutdownHooks: [],
    stopOnClose: [],
    close: async () => {
      for (const stop of deps.stopOnClose.splice(0)) stop()
      owners.stop()
      await deps.jobs.stop()
      deps.breaker.shutdown()
      deps.proxy.close()
      await deps.instances.close()
      redis.disconnect()
      await upstream.close()
      await deps.alerts.close()
      stopDbCircuit(sql)
      await sql.end({ timeout: 5 })
    },
  }
  // Registered first so it runs last: every other hook (workers) may still log sends.
  deps.shutdownHooks.unshift(async () => {
    await deps.messageLog.flush()
    deps.messageLog.stop()
  })
  deps.metrics.gaugeOnScrape('taguato_message_log_buffer_rows', 'Message-log rows made durable but not yet in PostgreSQL (Redis list + local journal)', () =>
    deps.messageLog.pending(),
  )
  deps.metrics.watchBreaker(() => deps.breaker.state())
  wireBreakerAlerts(deps)
  // The send checks (pauses, queued sends, budgets) are registered by createApp: services/send-gate/checks.ts.
  return deps
}

/** Waits until Redis is ready, but never blocks start for long: the gateway runs degraded without it. */
export async function waitForRedis(redis: Redis, ms: number): Promise<boolean> {
  if (redis.status === 'ready') return true
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms)
    redis.once('ready', () => {
      clearTimeout(t)
      resolve(true)
    })
  })
}
