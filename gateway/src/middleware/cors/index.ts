/**
 * @module middleware/cors
 * CORS as the reference does it: one configured origin (not reflected) on every response when
 * CORS_ORIGIN is set, and every OPTIONS request answered 204 before any auth.
 */
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../../env.js'

export type CorsOptions = { origin: string }

export const cors = ({ origin }: CorsOptions): MiddlewareHandler<AppEnv> => {
  const headers: [string, string][] = origin
    ? [
        ['Access-Control-Allow-Origin', origin],
        ['Access-Control-Allow-Methods', 'GET, POST, PUT, DELETE, OPTIONS'],
        ['Access-Control-Allow-Headers', 'apikey, Content-Type, Authorization, X-Request-ID'],
        ['Access-Control-Expose-Headers', 'X-Request-ID, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After'],
        ['Access-Control-Max-Age', '86400'],
      ]
    : []
  return async function cors(c, next) {
    if (c.req.method === 'OPTIONS') {
      c.res = new Response(null, { status: 204 })
    } else {
      await next()
    }
    for (const [k, val] of headers) c.res.headers.set(k, val)
  }
}
