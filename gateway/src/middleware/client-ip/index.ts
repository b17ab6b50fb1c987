/**
 * @module middleware/client-ip
 * Puts the resolved client address on `c.var.clientIp` (socket peer, or X-Forwarded-For through
 * trusted proxies only, D7 (docs/decisions.md#d7)).
 */
import { getConnInfo } from '@hono/node-server/conninfo'
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../../env.js'
import { resolveClientIp, type TrustedProxies } from '../../lib/client-ip.js'
import { header } from '../../lib/request-header.js'

export const clientIp = ({ trusted }: { trusted: TrustedProxies }): MiddlewareHandler<AppEnv> =>
  async function clientIp(c, next) {
    let peer: string | undefined
    try {
      peer = getConnInfo(c).remote.address
    } catch {
      peer = undefined // app.request() in unit tests has no socket
    }
    c.set('clientIp', resolveClientIp(peer, header(c, 'x-forwarded-for'), trusted))
    return next()
  }
