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
import type { AppEnv, AuthUser } from '../../env.js'
import { ApiError } from '../../errors/api-error.js'
import { ACCOUNT_DISABLED, INVALID_SESSION, MISSING_APIKEY } from '../session/index.js'
import type { LimitDecision, UserRateLimiter } from '../../services/rate-limit/user-limiter.js'
import type { SessionStore } from '../../services/sessions/session-store.js'
import { sha256Hex } from '../../services/sessions/tokens.js'
import { rateLimitHeaders } from '../../lib/response-headers.js'
import { header } from '../../lib/request-header.js'

export type ProxyAuthOptions = { sessions: SessionStore; limiter: UserRateLimiter; onReject?: (userId: number) => void }

/** What a passed check yields: the caller and, when they are limited, the decision (X-RateLimit-*). */
export type GateResult = { user: AuthUser; rateLimit: LimitDecision | undefined }

const MAX_HINTS = 100_000

/**
 * The check itself, free of Hono: used by the middleware below and by the Node-level send path
 * (routes/proxy/fast-send.ts). Throws ApiError 401/403/429; `onUser` learns the caller as soon as the
 * session is known, so a 429 is still logged with its user.
 */
export class SessionGate {
  private readonly hints = new Map<string, { userId: number; limit: number }>()

  constructor(private readonly o: ProxyAuthOptions) {}

  async check(token: string | undefined, onUser?: (user: AuthUser) => void): Promise<GateResult> {
    const { sessions, limiter, onReject } = this.o
    if (!token) throw new ApiError(401, MISSING_APIKEY)
    if (token.length > 256) throw new ApiError(401, INVALID_SESSION)
    const hash = sha256Hex(token)
    const hints = this.hints
    const hint = hints.get(hash)
    // Both calls below reach Redis in this same tick (one round trip of latency).
    const early = hint && hint.limit > 0 ? limiter.consume(hint.userId, hint.limit) : undefined
    const user = await sessions.authenticateHash(hash)
    if (!user) {
      hints.delete(hash)
      throw new ApiError(401, INVALID_SESSION)
    }
    if (!user.is_active) throw new ApiError(403, ACCOUNT_DISABLED)
    onUser?.(user)
    const limit = limiter.limitFor(user.rate_limit)
    if (!hint || hint.userId !== user.id || hint.limit !== limit) {
      if (hints.size >= MAX_HINTS) hints.clear()
      hints.set(hash, { userId: user.id, limit })
    }
    if (limit === 0) return { user, rateLimit: undefined }
    const d: LimitDecision = early && hint!.userId === user.id && hint!.limit === limit ? await early : await limiter.consume(user.id, limit)
    if (!d.allowed) {
      onReject?.(user.id)
      throw new ApiError(429, 'Rate limit exceeded', { limit: d.limit, window: '60s' }, { ...rateLimitHeaders(d), 'Retry-After': String(d.resetSeconds) })
    }
    return { user, rateLimit: d }
  }
}

export const proxyAuth = (gate: SessionGate): MiddlewareHandler<AppEnv> =>
  async function proxyAuth(c, next) {
    const r = await gate.check(header(c, 'apikey'), (user) => c.set('user', user))
    // X-RateLimit-* go on the response in middleware/response-headers (or the handler's direct write).
    if (r.rateLimit) c.set('rateLimit', r.rateLimit)
    return next()
  }
