/**
 * @module scripts/lib/services
 * Makes PostgreSQL and Redis reachable for the launcher: the configured (or default) servers when they
 * answer, private ones under .data/ when they do not (installing the binaries as root if needed).
 * Each service is decided on its own: a machine may have Redis but no PostgreSQL.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { findPgBinDir, findRedisServer, installServers, type Server } from './binaries.js'
import type { LauncherEnv } from './env.js'
import { say, warn } from './log.js'
import { databaseName, probePostgres, type Probe } from './pg-admin.js'
import { startPrivatePostgres, type PrivateServer } from './private-postgres.js'
import { startPrivateRedis } from './private-redis.js'
import { probeRedis } from './redis-probe.js'

export type Services = {
  /** DATABASE_URL to use (database named as configured; create it with ensureDatabase). */
  databaseUrl: string
  redisUrl: string
  /** Human descriptions of the private servers started (empty when the configured ones are used). */
  privates: string[]
  /** Stops the private servers (and removes them for test runs). Idempotent. */
  stop: () => Promise<void>
}

export type ServicesOptions = {
  launcher: LauncherEnv
  /**
   * `dev`: private data persists in <dataDir>/postgres and /redis. `test`: a throwaway dir per run, and
   * Redis is isolated from any dev stack (rate-limit and per-IP counters are keyed by user id and IP,
   * which a second stack on the same Redis would share): a private redis-server when the binary exists,
   * else a random logical database of the configured one.
   */
  scope: 'dev' | 'test'
  dataDir: string
}

const redact = (url: string) => {
  const u = new URL(url)
  if (u.password) u.password = '***'
  return u.toString()
}

/** Decides whether a probe result means "use it", "start a private one", or "stop: misconfigured". */
function needPrivate(name: string, url: string, probe: Probe, explicit: boolean, mode: LauncherEnv['TAGUATO_PRIVATE_SERVICES']): boolean {
  if (probe.ok) return false
  if (mode === 'never') throw new Error(`${name} at ${redact(url)} is not usable (${probe.reason}) and TAGUATO_PRIVATE_SERVICES=0`)
  // Someone answered but refused us (bad password, missing role): starting a private server would hide
  // a configuration mistake the user made on purpose, so only fall back for the default URL.
  if (!probe.unreachable && explicit) throw new Error(`${name} at ${redact(url)} answered but is not usable: ${probe.reason}`)
  warn(`${name} at ${redact(url)} is not usable (${probe.reason}); starting a private one`)
  return true
}

/** A random logical database (1-15) unless the URL already names one. */
function withRedisDb(url: string): string {
  const u = new URL(url)
  if (/^\/\d+$/.test(u.pathname)) return url
  u.pathname = `/${1 + crypto.randomInt(15)}`
  return u.toString()
}

export async function ensureServices(opts: ServicesOptions): Promise<Services> {
  const { launcher } = opts
  const force = launcher.TAGUATO_PRIVATE_SERVICES === 'always'
  const [pgProbe, redisProbe] = force
    ? [null, null]
    : await Promise.all([probePostgres(launcher.DATABASE_URL), probeRedis(launcher.REDIS_URL)])
  const wantPg = force || needPrivate('PostgreSQL', launcher.DATABASE_URL, pgProbe!, launcher.explicit.database, launcher.TAGUATO_PRIVATE_SERVICES)
  const isolateRedis = opts.scope === 'test' && launcher.TAGUATO_PRIVATE_SERVICES !== 'never' && findRedisServer() !== null
  const wantRedis = force || isolateRedis || needPrivate('Redis', launcher.REDIS_URL, redisProbe!, launcher.explicit.redis, launcher.TAGUATO_PRIVATE_SERVICES)

  const missing: Server[] = []
  if (wantPg && !findPgBinDir()) missing.push('postgres')
  if (wantRedis && !findRedisServer()) missing.push('redis')
  await installServers(missing)

  // Test runs get their own throwaway directory so they never touch (or wait for) a dev stack's servers.
  const base = opts.scope === 'dev' ? opts.dataDir : path.join(opts.dataDir, `test-${crypto.randomBytes(4).toString('hex')}`)
  const started: PrivateServer[] = []
  const stop = async () => {
    for (const s of started.reverse()) await s.stop().catch((err: unknown) => warn(`stopping ${s.describe}: ${String(err)}`))
    started.length = 0
    if (opts.scope === 'test') fs.rmSync(base, { recursive: true, force: true })
  }

  try {
    const [pg, redis] = await Promise.all([
      wantPg
        ? startPrivatePostgres({ dir: path.join(base, 'postgres'), binDir: findPgBinDir()!, ephemeral: opts.scope === 'test', database: databaseName(launcher.DATABASE_URL) }).then((s) => (started.push(s), s))
        : null,
      wantRedis
        ? startPrivateRedis({ dir: path.join(base, 'redis'), bin: findRedisServer()!, ephemeral: opts.scope === 'test', dbPath: new URL(launcher.REDIS_URL).pathname.replace(/^\/$/, '') }).then((s) => (started.push(s), s))
        : null,
    ])
    for (const s of started) say(`started ${s.describe}`)
    return {
      databaseUrl: pg?.url ?? launcher.DATABASE_URL,
      redisUrl: redis?.url ?? (opts.scope === 'test' ? withRedisDb(launcher.REDIS_URL) : launcher.REDIS_URL),
      privates: started.map((s) => s.describe),
      stop,
    }
  } catch (err) {
    await stop() // one of the two may have started before the other failed
    throw err
  }
}
