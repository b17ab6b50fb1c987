/**
 * @module lib/raw-body
 * Reads a request body as a Buffer straight from Node's IncomingMessage when it is still untouched.
 * Why: under @hono/node-server, the first access to `c.req.raw.body`/`arrayBuffer()` materialises a full
 * WHATWG Request (undici Request + AbortController + web stream over the socket), which cost ~10% of
 * the CPU of a proxied send in the benchmark. The result is also put in Hono's body cache, so a later
 * `c.req.json()`/`text()` still works. Anything unusual falls back to the standard path.
 * Both paths stop waiting after REQUEST_BODY_TIMEOUT_MS (408, connection closed): a client that sends
 * `Transfer-Encoding: chunked` or a Content-Length and then nothing would otherwise hold the request
 * until it gave up. The HTTP server's requestTimeout (http-server.ts) is the backstop for bodies that
 * nothing reads.
 */
import type { Context } from 'hono'
import type { IncomingMessage } from 'node:http'
import { ApiError } from '../errors/api-error.js'

type Cache = { arrayBuffer?: Promise<ArrayBuffer> }

/** The Node request under @hono/node-server (none under app.request in unit tests). */
function nodeIncoming(c: Context): IncomingMessage | null {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming
  return incoming && typeof incoming.on === 'function' ? incoming : null
}

function untouchedIncoming(c: Context): IncomingMessage | null {
  const incoming = nodeIncoming(c)
  if (!incoming) return null
  // Chunked bodies go through the body-limit middleware's counting reader: use the standard path then.
  if (incoming.headers['transfer-encoding'] !== undefined) return null
  // Something (a web stream adapter) already listens or read: the socket data is not ours to take.
  if (incoming.readableDidRead || incoming.listenerCount('data') > 0 || incoming.readableEnded) return null
  if (Object.keys((c.req as unknown as { bodyCache: Cache }).bodyCache).length > 0) return null
  return incoming
}

const REQUEST_TIMEOUT = 'Request timeout'

/**
 * A body that did not arrive in time. `Connection: close`: the rest of the body would otherwise be
 * awaited on this connection before another request could be read from it.
 */
export function bodyTimeoutError(): ApiError {
  return new ApiError(408, REQUEST_TIMEOUT, {}, { Connection: 'close' })
}

/** A body over the limit: the one 413 of body-limit's Content-Length check, readIncoming and the send path. */
export function bodyTooLargeError(maxBytes: number): ApiError {
  return new ApiError(413, 'Request body too large', { max_bytes: maxBytes })
}

/**
 * Reads a whole Node request body (413 ApiError over `maxBytes`, 400 when the client hangs up mid-body,
 * 408 when it is not all there `timeoutMs` after the read starts; 0 = no deadline).
 */
export function readIncoming(incoming: IncomingMessage, maxBytes: number, timeoutMs = 0): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let timer: NodeJS.Timeout | undefined
    const fail = (err: unknown) => {
      clearTimeout(timer)
      reject(err)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      // The body-limit middleware checked Content-Length already; this guards an explicit smaller cap.
      if (size > maxBytes) {
        incoming.off('data', onData)
        incoming.resume() // discard the rest so the 413 can still be written on this connection
        chunks.length = 0
        fail(bodyTooLargeError(maxBytes))
        return
      }
      chunks.push(chunk)
    }
    // `on`, not `once` (which wraps each listener): a settled promise ignores any later call anyway.
    incoming.on('data', onData)
    incoming.on('end', () => {
      clearTimeout(timer)
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size))
    })
    incoming.on('error', fail)
    // A client that hangs up mid-body: 'close' without 'end' (no-op once resolved).
    incoming.on('close', () => {
      if (!incoming.complete) fail(new ApiError(400, 'Request aborted'))
    })
    // perf: a body that came in with its head (nearly every send) is parsed already: no timer for it.
    if (timeoutMs > 0 && !incoming.complete) {
      timer = setTimeout(() => {
        incoming.off('data', onData)
        fail(bodyTimeoutError())
      }, timeoutMs)
    }
  })
}

/**
 * `read` with the body deadline (for the standard path, whose reader cannot be told to stop). The read
 * itself is left to fail when the connection closes after the 408; its rejection is handled here.
 */
export function withBodyDeadline<T>(read: Promise<T>, incoming: IncomingMessage | undefined, timeoutMs: number): Promise<T> {
  if (timeoutMs <= 0 || incoming?.complete) return read
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(bodyTimeoutError()), timeoutMs)
    read.then(
      (v) => {
        clearTimeout(timer)
        resolve(v)
      },
      (err: unknown) => {
        clearTimeout(timer)
        reject(err)
      },
    )
  })
}

/** The whole body (empty Buffer for GET/HEAD or no body). `maxBytes` defaults to BODY_LIMIT_MB. */
export async function readRawBody(c: Context, maxBytes?: number): Promise<Buffer> {
  if (c.req.method === 'GET' || c.req.method === 'HEAD') return Buffer.alloc(0)
  const config = (c.get('deps') as { config: { BODY_LIMIT_MB: number; REQUEST_BODY_TIMEOUT_MS: number } } | undefined)?.config
  const timeoutMs = config?.REQUEST_BODY_TIMEOUT_MS ?? 0
  const incoming = untouchedIncoming(c)
  if (!incoming) return Buffer.from(await withBodyDeadline(c.req.arrayBuffer(), nodeIncoming(c) ?? undefined, timeoutMs))
  const buf = await readIncoming(incoming, maxBytes ?? (config?.BODY_LIMIT_MB ?? 50) * 1024 * 1024, timeoutMs)
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer
  ;(c.req as unknown as { bodyCache: Cache }).bodyCache.arrayBuffer = Promise.resolve(ab)
  return buf
}
