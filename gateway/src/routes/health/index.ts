/**
 * @module routes/health
 * /health (reference shape, JSON this time), /health/live (process up), /health/ready (Postgres and
 * Redis reachable: what a load balancer should ask). /health/detailed lives with the operations routes.
 */
import type { Deps } from '../../deps.js'
import { ping } from '../../db/queries/server.js'
import { register, type Router } from '../../lib/route.js'

export async function pingDb(deps: Deps): Promise<{ ok: boolean; ms: number }> {
  const t = performance.now()
  try {
    await ping(deps.sql)
    return { ok: true, ms: Math.round(performance.now() - t) }
  } catch {
    return { ok: false, ms: Math.round(performance.now() - t) }
  }
}

export async function pingRedis(deps: Deps): Promise<{ ok: boolean; ms: number }> {
  const t = performance.now()
  try {
    await deps.redis.ping()
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
    return c.json(
      { status: ready ? 'ready' : 'not_ready', db: db.ok ? 'connected' : 'disconnected', redis: redis.ok ? 'connected' : 'disconnected' },
      ready ? 200 : 503,
    )
  })
}
