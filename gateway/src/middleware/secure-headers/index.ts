/**
 * @module middleware/secure-headers
 * The reference's five security headers on every response (reference-api §1.8), set after the handler
 * so proxied and error responses get them too.
 */
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../../env.js'

const HEADERS: [string, string][] = [
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
  ['X-XSS-Protection', '1; mode=block'],
  ['Referrer-Policy', 'strict-origin-when-cross-origin'],
  ['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'],
]

export const secureHeaders = (): MiddlewareHandler<AppEnv> =>
  async function secureHeaders(c, next) {
    await next()
    const h = c.res.headers
    for (const [k, val] of HEADERS) h.set(k, val)
  }
