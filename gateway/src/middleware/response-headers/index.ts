/**
 * @module middleware/response-headers
 * Every global response header, set in one place after the handler (so proxied and error responses get
 * them too): X-Request-ID (unless the response already has one, e.g. echoed by the upstream), the
 * X-RateLimit-* of an allowed request (put on `c.var.rateLimit` by the session + limit middleware), the
 * reference's five security headers, CORS headers when CORS_ORIGIN is set and X-Served-By when
 * EXPOSE_WORKER_ID is set (the static set: lib/response-headers). Any OPTIONS request is answered 204
 * before auth (CORS, as the reference does).
 * The send pipeline (routes/proxy/fast-send, no Hono) puts the same set on its answers with
 * lib/response-headers `directResponseHeaders`.
 *
 * perf: one loop over a set built at boot, instead of four middleware each calling `c.header` /
 * `c.res.headers.set` (undici Headers) per request.
 */
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../../env.js'
import { rateLimitHeaders, REQUEST_ID_HEADER, staticResponseHeaders, type GlobalHeaderOptions } from '../../lib/response-headers.js'

export const responseHeaders = (o: GlobalHeaderOptions): MiddlewareHandler<AppEnv> => {
  const statics = staticResponseHeaders(o)
  return async function responseHeaders(c, next) {
    if (c.req.method === 'OPTIONS') c.res = new Response(null, { status: 204 })
    else await next()
    const h = c.res.headers
    const id = c.get('requestId')
    if (id !== undefined && !h.has(REQUEST_ID_HEADER)) h.set(REQUEST_ID_HEADER, id)
    const d = c.get('rateLimit')
    if (d) {
      const rl = rateLimitHeaders(d)
      for (const k in rl) h.set(k, rl[k]!)
    }
    for (let i = 0; i < statics.length; i++) h.set(statics[i]![0], statics[i]![1])
  }
}
