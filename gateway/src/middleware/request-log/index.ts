/**
 * @module middleware/request-log
 * One pino line per request after it finished: method, path, status, duration, user, client IP.
 * Never the query string's secrets or any header value but the user agent.
 */
import type { MiddlewareHandler } from 'hono'
import type { Logger } from 'pino'
import type { AppEnv } from '../../env.js'
import { requestLineLogger } from '../../lib/logger.js'

export type RequestLine = { reqId: string; method: string; path: string; status: number; ms: number; ip: string; userId: number | undefined }

/** The request line: error level for 5xx answers, info otherwise (also used by routes/proxy/fast-send). */
export function writeRequestLine(root: Logger, line: RequestLine): void {
  const log = requestLineLogger(root)
  if (line.status >= 500) log.error(line, 'request')
  else log.info(line, 'request')
}

export const requestLog = (): MiddlewareHandler<AppEnv> =>
  async function requestLog(c, next) {
    const start = performance.now()
    try {
      await next()
    } finally {
      const status = c.res.status
      const user = c.get('user')
      // Through the root logger with the request's id as a field: the same line a child logger would
      // write, without building a child per request (request-id creates one only when a handler logs).
      const line: RequestLine = {
        reqId: c.get('requestId'),
        method: c.req.method,
        path: c.req.path,
        status,
        ms: Math.round((performance.now() - start) * 100) / 100,
        ip: c.get('clientIp'),
        userId: user?.id,
      }
      writeRequestLine(c.get('deps')?.log ?? c.get('log'), line)
    }
  }
