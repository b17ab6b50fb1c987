/**
 * @module middleware/session-rate-limit
 * Session + per-user rate limit in one step, for proxied routes and (app.ts guards) every native
 * `session`/`admin` route, for the hot-path budget: the session
 * lookup (Redis GET) and the limiter call (Redis EVALSHA) are issued in the same tick, so a warm send
 * waits for one Redis round trip, not two. The limiter needs the user id and limit before the session is
 * known, so a small local map remembers token-hash -> (user id, limit) from earlier requests; on a miss
 * or a changed limit the limiter is called after the session (cold path). Same messages and headers as
 * the session and rate-limit middleware (G-PROXY: admins are limited too). A revoked token whose hint
 * is still here costs its former owner one point: it was theirs.
 */
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../../env.js'
import { ApiError } from '../../errors/api-error.js'
import { ACCOUNT_DISABLED, INVALID_SESSION, MISSING_APIKEY } from '../session/index.js'
import type { LimitDecision, UserRateLimiter } from '../../services/rate-limit/user-limiter.js'
import type { SessionStore } from '../../services/sessions/session-store.js'
import { sha256Hex } from '../../services/sessions/tokens.js'
import { rateLimitHeaders } from '../../lib/response-headers.js'
import { header } from '../../lib/request-header.js'

export type ProxyAuthOptions = { sessions: SessionStore; limiter: UserRateLimiter; onReject?: (userId: number) => void }

const MAX_HINTS = 100_000

export const proxyAuth = ({ sessions, limiter, onReject }: ProxyAuthOptions): MiddlewareHandler<AppEnv> => {
  const hints = new Map<string, { userId: number; limit: number }>()
  return async function proxyAuth(c, next) {
    const token = header(c, 'apikey')
    if (!token) throw new ApiError(401, MISSING_APIKEY)
    if (token.length > 256) throw new ApiError(401, INVALID_SESSION)
    const hash = sha256Hex(token)
    const hint = hints.get(hash)
    // Both calls below reach Redis in this same tick (one round trip of latency).
    const early = hint && hint.limit > 0 ? limiter.consume(hint.userId, hint.limit) : undefined
    const user = await sessions.authenticateHash(hash)
    if (!user) {
      hints.delete(hash)
      throw new ApiError(401, INVALID_SESSION)
    }
    if (!user.is_active) throw new ApiError(403, ACCOUNT_DISABLED)
    c.set('user', user)
    const limit = limiter.limitFor(user.rate_limit)
    if (!hint || hint.userId !== user.id || hint.limit !== limit) {
      if (hints.size >= MAX_HINTS) hints.clear()
      hints.set(hash, { userId: user.id, limit })
    }
    if (limit === 0) return next()
    const d: LimitDecision = early && hint!.userId === user.id && hint!.limit === limit ? await early : await limiter.consume(user.id, limit)
    if (!d.allowed) {
      onReject?.(user.id)
      throw new ApiError(429, 'Rate limit exceeded', { limit: d.limit, window: '60s' }, { ...rateLimitHeaders(d), 'Retry-After': String(d.resetSeconds) })
    }
    // X-RateLimit-* go on the response in middleware/response-headers (or the handler's direct write).
    c.set('rateLimit', d)
    return next()
  }
}
