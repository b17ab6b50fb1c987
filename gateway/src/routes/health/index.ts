/**
 * @module routes/health
 * /health (reference shape, JSON this time), /health/live (process up), /health/ready (Postgres and
 * Redis reachable: what a load balancer should ask). /health/detailed lives with the operations routes.
 * Every check is bounded (CHECK_TIMEOUT_MS) so a stalled dependency is a fast "not ready", and a
 * not-ready answer names the cause (`reasons`) and carries Retry-After.
 */
import type { Deps } from '../../deps.js'
import { ping } from '../../db/queries/server.js'
import { register, type Router } from '../../lib/route.js'

/** Upper bound of one dependency check here: a load balancer must not wait on a frozen dependency. */
const CHECK_TIMEOUT_MS = 1500

function bounded<T>(p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS)
  })
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer))
}

export async function pingDb(deps: Deps): Promise<{ ok: boolean; ms: number }> {
  const t = performance.now()
  try {
    await bounded(ping(deps.sql))
    return { ok: true, ms: Math.round(performance.now() - t) }
  } catch {
    return { ok: false, ms: Math.round(performance.now() - t) }
  }
}

export async function pingRedis(deps: Deps): Promise<{ ok: boolean; ms: number }> {
  const t = performance.now()
  try {
    await bounded(deps.redis.ping())
    return { ok: true, ms: Math.round(performance.now() - t) }
  } catch {
    return { ok: false, ms: Math.round(performance.now() - t) }
  }
}

export function healthRoutes(r: Router, deps: Deps): void {
  register(r, { method: 'GET', path: '/health', access: 'public', summary: 'Gateway health with database state', tags: ['health'] }, async (c) => {
    const db = await pingDb(deps)
    return db.ok
      ? c.json({ status: 'ok', gateway: 'taguato', db: 'connected' }, 200)
      : c.json({ status: 'degraded', gateway: 'taguato', db: 'disconnected' }, 503)
  })
  register(r, { method: 'GET', path: '/health/live', access: 'public', summary: 'Liveness: the process answers', tags: ['health'] }, (c) =>
    c.json({ status: 'ok' }),
  )
  register(r, { method: 'GET', path: '/health/ready', access: 'public', summary: 'Readiness: PostgreSQL and Redis reachable', tags: ['health'] }, async (c) => {
    const [db, redis] = await Promise.all([pingDb(deps), pingRedis(deps)])
    const ready = db.ok && redis.ok
    const circuit = deps.dbCircuit?.state()
    const reasons: string[] = []
    if (!db.ok) reasons.push(circuit?.open ? `database unavailable since ${circuit.since?.toISOString()} (${circuit.lastError})` : 'database unavailable')
    if (!redis.ok) reasons.push('redis unavailable or not answering')
    // `upstream` (issue 31): ok | stalled (a proxied call past BREAKER_SLOW_CALL_MS unanswered) | unavailable
    // (breaker open or half-open). Reported, not a readiness failure: every replica shares the upstream,
    // and a gateway that answers fast 503s and serves everything else must stay in the balancer.
    if (!ready) c.header('Retry-After', String(deps.dbCircuit?.retryAfterSeconds() ?? 2))
    return c.json(
      { status: ready ? 'ready' : 'not_ready', db: db.ok ? 'connected' : 'disconnected', redis: redis.ok ? 'connected' : 'disconnected', reasons, upstream: deps.breaker.condition() },
      ready ? 200 : 503,
    )
  })
}
