/**
 * @module middleware/request-id
 * X-Request-ID: a well-formed incoming id is propagated, otherwise one is generated; it goes on every
 * response and, through the child logger, on every log line of the request (D15).
 */
import { randomUUID } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import type { Logger } from 'pino'
import type { AppEnv } from '../../env.js'

const HEADER = 'X-Request-ID'
const VALID = /^[A-Za-z0-9._:-]{1,128}$/

export type RequestIdOptions = { logger: Logger }

export const requestId = ({ logger }: RequestIdOptions): MiddlewareHandler<AppEnv> =>
  async function requestId(c, next) {
    const incoming = c.req.header(HEADER)
    const id = incoming && VALID.test(incoming) ? incoming : randomUUID()
    c.set('requestId', id)
    c.set('log', logger.child({ reqId: id }))
    c.header(HEADER, id)
    await next()
    // Errors rendered by onError build a fresh response: make sure it carries the id too.
    if (!c.res.headers.has(HEADER)) c.res.headers.set(HEADER, id)
  }
