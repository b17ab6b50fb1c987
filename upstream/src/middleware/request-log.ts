/**
 * @module upstream/middleware/request-log
 * One log line per request after it finished: method, path, status, duration. Never the apikey.
 */
import type { MiddlewareHandler } from 'hono'
import type { UpstreamEnv } from '../env.js'

export function requestLog(): MiddlewareHandler<UpstreamEnv> {
  return async function requestLogMiddleware(c, next) {
    const started = performance.now()
    await next()
    const status = c.res.status
    const line = { method: c.req.method, path: c.req.path, status, duration_ms: Math.round(performance.now() - started) }
    if (status >= 500) c.var.logger.warn(line, 'request')
    else c.var.logger.info(line, 'request')
  }
}
