/**
 * @module lib/method-not-allowed
 * Unmatched requests: 405 {error:"Method not allowed"} when the path exists with another method,
 * else the 404 handler. Paths are compiled from the route registry once, on first use.
 */
import type { Context } from 'hono'
import type { AppEnv } from '../env.js'
import type { RouteDef } from './route.js'

export function methodNotAllowed(defs: RouteDef[], fallback: (c: Context<AppEnv>) => Response) {
  let compiled: RegExp[] | undefined
  return function notFound(c: Context<AppEnv>): Response {
    compiled ??= defs.map((d) => new RegExp(`^${d.path.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:\w+/g, '[^/]+').replace(/\*/g, '.*')}$`))
    if (c.req.method !== 'OPTIONS' && compiled.some((re) => re.test(c.req.path))) {
      return c.json({ error: 'Method not allowed' }, 405)
    }
    return fallback(c)
  }
}
