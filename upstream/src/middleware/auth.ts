/**
 * @module upstream/middleware/auth
 * Evolution's guards, in its order: instance-exists (404, even with a wrong key), then apikey (401).
 * The global key opens every route; an instance's own token opens only that instance's routes.
 */
import type { MiddlewareHandler } from 'hono'
import type { Tx } from '../db/instances.js'
import { findInstanceByName } from '../db/instances.js'
import type { UpstreamEnv } from '../env.js'
import { instanceNotFound, unauthorized } from '../lib/errors.js'
import { safeEqual } from '../lib/secrets.js'

/** Global key only (the sandbox routes, and anything not scoped to one instance). */
export function requireGlobalKey(globalKey: string): MiddlewareHandler<UpstreamEnv> {
  return async function globalKeyGuard(c, next) {
    const key = c.req.header('apikey')
    if (!key || !safeEqual(key, globalKey)) throw unauthorized()
    await next()
  }
}

/** Loads `:instanceName` into c.var.instance (404 first), then checks global key or instance token. */
export function instanceGuard(sql: Tx, globalKey: string): MiddlewareHandler<UpstreamEnv> {
  return async function instanceGuardMiddleware(c, next) {
    const name = c.req.param('instanceName') ?? ''
    const row = await findInstanceByName(sql, name)
    if (!row) throw instanceNotFound(name)
    const key = c.req.header('apikey')
    if (!key) throw unauthorized()
    // Both comparisons always run so timing does not tell which one matched.
    const isGlobal = safeEqual(key, globalKey)
    const isOwn = safeEqual(key, row.token)
    if (!isGlobal && !isOwn) throw unauthorized()
    c.set('instance', row)
    await next()
  }
}
