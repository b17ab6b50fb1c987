/**
 * @module upstream/middleware/request-id
 * Propagates a sane incoming X-Request-ID (the gateway's) or makes one; echoes it on the response. The
 * request's log lines carry it under the shared field name (`reqId`), so one id finds both services' lines.
 */
import { randomUUID } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import type { Logger } from 'pino'
import { LOG_FIELDS } from '../../../common/src/logging/log-schema.js'
import type { UpstreamEnv } from '../env.js'

const VALID = /^[\w.:-]{1,128}$/

export function requestId(log: Logger): MiddlewareHandler<UpstreamEnv> {
  return async function requestIdMiddleware(c, next) {
    const given = c.req.header('x-request-id')
    const id = given && VALID.test(given) ? given : randomUUID()
    c.set('requestId', id)
    c.set('logger', log.child({ [LOG_FIELDS.requestId]: id }))
    c.header('X-Request-ID', id)
    await next()
  }
}
