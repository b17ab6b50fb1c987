/**
 * @module upstream/middleware/auth
 * Evolution's guards, in its order: instance-exists (404, even with a wrong key), then apikey (401).
 * The global key opens every route; an instance's own token opens only that instance's routes.
 * The send routes' guard (`whileDbDown: 'lastKnown'`) keeps answering while PostgreSQL is unavailable,
 * from the row this process last read or wrote (db/instances.ts lastKnownInstance): a live session
 * keeps sending through an outage. Only then: while PostgreSQL is up every request reads the row.
 */
import type { MiddlewareHandler } from 'hono'
import { isDatabaseUnavailable } from '../../../common/src/db/pg-resilience.js'
import type { InstanceRow, Tx } from '../db/instances.js'
import { findInstanceByName, lastKnownInstance } from '../db/instances.js'
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

export type GuardOptions = {
  /** `lastKnown`: while PostgreSQL is unavailable, use the last row this process saw (send routes only). */
  whileDbDown?: 'fail' | 'lastKnown'
}

/** The instance's row; while PostgreSQL is unavailable, the last known one when allowed (else the 503). */
async function loadInstance(sql: Tx, name: string, opts: GuardOptions): Promise<InstanceRow | null> {
  try {
    return await findInstanceByName(sql, name)
  } catch (err) {
    const known = opts.whileDbDown === 'lastKnown' && isDatabaseUnavailable(err) ? lastKnownInstance(name) : null
    if (!known) throw err
    return known
  }
}

/** Loads `:instanceName` into c.var.instance (404 first), then checks global key or instance token. */
export function instanceGuard(sql: Tx, globalKey: string, opts: GuardOptions = {}): MiddlewareHandler<UpstreamEnv> {
  return async function instanceGuardMiddleware(c, next) {
    const name = c.req.param('instanceName') ?? ''
    const row = await loadInstance(sql, name, opts)
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
