/**
 * @module lib/request-header
 * `header(c, name)`: one request header, read from Node's IncomingMessage when there is one.
 * Why: under @hono/node-server the first `c.req.header(name)` builds a full undici `Headers` from every
 * incoming header (~1.5 % of a proxied send's CPU in `npm run bench -- --cpu-prof`), only to read one.
 * Node joins repeated headers with ", " as `Headers.get` does. `name` must be lowercase.
 * Falls back to `c.req.header` under app.request() (unit tests: no Node request).
 */
import type { Context } from 'hono'
import type { IncomingMessage } from 'node:http'

export function header(c: Context, name: string): string | undefined {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming
  if (incoming?.headers) return headerValue(incoming.headers[name])
  return c.req.header(name)
}

/** A Node header value as `Headers.get` gives it: repeated values joined with ", ". */
export function headerValue(v: string | string[] | undefined): string | undefined {
  return v === undefined ? undefined : Array.isArray(v) ? v.join(', ') : v
}
