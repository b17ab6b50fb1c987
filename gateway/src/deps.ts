/**
 * @module deps
 * Builds every long-lived service once per process (pool, Redis, logger, session store, limiter, ...)
 * and hands them to the app and workers. Nothing here is built per request.
 */
import { Redis } from 'ioredis'
import type { Logger } from 'pino'
import type { Config } from './config.js'
import { createDb, type Db } from './db/client.js'
import { trustedProxies, type TrustedProxies } from './lib/client-ip.js'
import { Audit } from './services/audit/audit.js'
import { Passwords } from './services/passwords/passwords.js'
import { UserRateLimiter } from './services/rate-limit/user-limiter.js'
import { SessionStore } from './services/sessions/session-store.js'
import { InstanceAccess } from './services/instances/instance-access.js'
import { UpstreamClient } from './services/upstream-client/upstream-client.js'
import { Scheduler } from './workers/scheduler.js'

export type Deps = {
  config: Config
  log: Logger
  sql: Db
  redis: Redis
  trusted: TrustedProxies
  sessions: SessionStore
  limiter: UserRateLimiter
  passwords: Passwords
  audit: Audit
  /** The gateway's own calls to the upstream, with the global key. */
  upstream: UpstreamClient
  /** The "may use instance" predicate (D2). */
  instances: InstanceAccess
  /** Cron jobs (workers/index.ts adds them; started by server.ts when WORKERS_ENABLED). */
  scheduler: Scheduler
  /**
   * Work to finish before the pools close on shutdown (flush the message-log buffer, stop workers...).
   * Run in reverse order of registration.
   */
  shutdownHooks: Array<() => Promise<void>>
  /** Closes pools and clients (graceful shutdown), after the hooks. */
  close: () => Promise<void>
}

export function createRedis(url: string, log: Logger): Redis {
  const redis = new Redis(url, {
    // Fail fast instead of queueing while Redis is down: callers have fallbacks (D8, sessions).
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    enableAutoPipelining: true,
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
  return redis
}

export function buildDeps(config: Config, log: Logger): Deps {
  const sql = createDb(config.DATABASE_URL, config.DATABASE_POOL_MAX)
  const redis = createRedis(config.REDIS_URL, log)
  const upstream = new UpstreamClient({
    baseUrl: config.UPSTREAM_URL,
    apiKey: config.AUTHENTICATION_API_KEY,
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
    connectTimeoutMs: config.UPSTREAM_CONNECT_TIMEOUT_MS,
  })
  const deps: Deps = {
    config,
    log,
    sql,
    redis,
    trusted: trustedProxies(config.TRUSTED_PROXIES),
    sessions: new SessionStore(sql, redis, log, { ttlHours: config.SESSION_TTL_HOURS }),
    limiter: new UserRateLimiter(redis, config.RATE_LIMIT_DEFAULT),
    passwords: new Passwords({ memoryKib: config.ARGON2_MEMORY_KIB, timeCost: config.ARGON2_TIME_COST }),
    audit: new Audit(sql, log),
    upstream,
    instances: new InstanceAccess(sql),
    scheduler: undefined as unknown as Scheduler,
    shutdownHooks: [],
    close: async () => {
      redis.disconnect()
      await upstream.close()
      await sql.end({ timeout: 5 })
    },
  }
  deps.scheduler = new Scheduler(deps)
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
