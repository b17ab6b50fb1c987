/**
 * @module upstream/middleware/request-id
 * Propagates a sane incoming X-Request-ID (the gateway's) or makes one; echoes it on the response.
 */
import { randomUUID } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import type { Logger } from 'pino'
import type { UpstreamEnv } from '../env.js'

const VALID = /^[\w.:-]{1,128}$/

export function requestId(log: Logger): MiddlewareHandler<UpstreamEnv> {
  return async function requestIdMiddleware(c, next) {
    const given = c.req.header('x-request-id')
    const id = given && VALID.test(given) ? given : randomUUID()
    c.set('requestId', id)
    c.set('logger', log.child({ request_id: id }))
    c.header('X-Request-ID', id)
    await next()
  }
}
