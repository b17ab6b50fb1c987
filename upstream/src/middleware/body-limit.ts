/**
 * @module upstream/middleware/body-limit
 * Evolution's 136 MB request limit (413 `request entity too large`). A body with a Content-Length is
 * judged by the header alone, without touching `c.req.raw.body`: hono's bodyLimit reads that getter
 * first, which makes @hono/node-server wrap the socket in a web stream; a route that then answers
 * without reading the body (unknown instance, bad key) left that stream unread and the connection was
 * reset after a keep-alive answer, so the gateway's next request on the socket failed (a 502).
 * Chunked bodies have no length to judge and go through hono's bodyLimit, which reads them whole.
 */
import type { MiddlewareHandler } from 'hono'
import { bodyLimit as honoBodyLimit } from 'hono/body-limit'
import type { UpstreamEnv } from '../env.js'
import { EvoError } from '../lib/errors.js'

export function bodyLimit(maxSize: number): MiddlewareHandler<UpstreamEnv> {
  const tooLarge = (): never => {
    throw new EvoError(413, ['request entity too large'])
  }
  const streamed = honoBodyLimit({ maxSize, onError: tooLarge })
  return async function bodyLimitMiddleware(c, next) {
    const length = c.req.header('content-length')
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      if (Number(length) > maxSize) tooLarge()
      return next()
    }
    return streamed(c, next)
  }
}
