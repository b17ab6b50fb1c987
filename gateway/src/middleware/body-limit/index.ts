/**
 * @module middleware/body-limit
 * Refuses bodies over the configured size with 413 JSON (D10; the reference answered nginx HTML).
 * Content-Length is checked up front; chunked bodies are counted while read.
 */
import type { MiddlewareHandler } from 'hono'
import { bodyLimit as honoBodyLimit } from 'hono/body-limit'
import type { AppEnv } from '../../env.js'
import { ApiError } from '../../errors/api-error.js'
import { header } from '../../lib/request-header.js'

export type BodyLimitOptions = { maxBytes: number }

export const bodyLimit = ({ maxBytes }: BodyLimitOptions): MiddlewareHandler<AppEnv> => {
  const inner = honoBodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError(413, 'Request body too large', { max_bytes: maxBytes })
    },
  })
  return async function bodyLimit(c, next) {
    const len = header(c, 'content-length')
    if (len !== undefined && Number(len) > maxBytes) throw new ApiError(413, 'Request body too large', { max_bytes: maxBytes })
    // Bodiless methods skip the streaming counter entirely (hot path for GETs).
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next()
    // Content-Length already checked: skip Hono's wrapper, whose first move (`c.req.raw.body`) builds a
    // full WHATWG Request per POST under @hono/node-server. Chunked bodies still get its counting reader.
    if (len !== undefined && header(c, 'transfer-encoding') === undefined) return next()
    return inner(c, next)
  }
}
