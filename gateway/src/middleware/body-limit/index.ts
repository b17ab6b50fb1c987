/**
 * @module middleware/body-limit
 * Refuses bodies over the configured size with 413 JSON (D10, docs/decisions.md#d10; the reference answered nginx HTML).
 * Content-Length is checked up front; chunked bodies are read (and counted) here, before any route.
 * That read has the body deadline (REQUEST_BODY_TIMEOUT_MS, 408 + Connection: close, lib/raw-body),
 * and a client that leaves mid-body is the client's 400, not an unhandled 500: a chunked request that
 * stalled used to be held until the client gave up, then logged as a 500.
 */
import type { MiddlewareHandler } from 'hono'
import { bodyLimit as honoBodyLimit } from 'hono/body-limit'
import type { IncomingMessage } from 'node:http'
import type { AppEnv } from '../../env.js'
import { ApiError } from '../../errors/api-error.js'
import { bodyTimeoutError, bodyTooLargeError } from '../../lib/raw-body.js'
import { header } from '../../lib/request-header.js'

export type BodyLimitOptions = { maxBytes: number }

export const bodyLimit = ({ maxBytes }: BodyLimitOptions): MiddlewareHandler<AppEnv> => {
  const inner = honoBodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw bodyTooLargeError(maxBytes)
    },
  })
  return async function bodyLimit(c, next) {
    const len = header(c, 'content-length')
    if (len !== undefined && Number(len) > maxBytes) throw bodyTooLargeError(maxBytes)
    // Bodiless methods skip the streaming counter entirely (hot path for GETs).
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next()
    // Content-Length already checked: skip Hono's wrapper, whose first move (`c.req.raw.body`) builds a
    // full WHATWG Request per POST under @hono/node-server. Chunked bodies still get its counting reader.
    if (len !== undefined && header(c, 'transfer-encoding') === undefined) return next()

    // Hono's reader buffers the whole body, then calls `proceed`: until then, failures are the read's.
    let reading = true
    let timedOut = false
    let timer: NodeJS.Timeout | undefined
    const proceed = async () => {
      reading = false
      clearTimeout(timer)
      // Already answered 408: a body that turns up afterwards must not run the route after all.
      if (!timedOut) await next()
    }
    const run = inner(c, proceed).catch((err: unknown) => {
      if (reading && !(err instanceof ApiError)) throw new ApiError(400, 'Request aborted')
      throw err
    })
    const timeoutMs = c.get('deps')?.config.REQUEST_BODY_TIMEOUT_MS ?? 0
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming
    if (timeoutMs <= 0 || incoming?.complete) return run
    // The read is left to fail once the connection closes after the 408 (`run`'s rejection is handled by the race).
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut = true
        reject(bodyTimeoutError())
      }, timeoutMs)
    })
    return Promise.race([run, deadline])
  }
}
