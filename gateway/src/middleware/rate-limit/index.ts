/**
 * @module middleware/rate-limit
 * Per-user limit (D8), after auth so it is keyed by user. Every limited response carries
 * X-RateLimit-Limit/Remaining/Reset; a refusal is 429 {error, limit, window:"60s"} + Retry-After.
 */
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../../env.js'
import { ApiError } from '../../errors/api-error.js'
import type { UserRateLimiter } from '../../services/rate-limit/user-limiter.js'

export type RateLimitOptions = {
  limiter: UserRateLimiter
  /** Called on each refusal (metrics). */
  onReject?: (userId: number) => void
}

export const rateLimit = ({ limiter, onReject }: RateLimitOptions): MiddlewareHandler<AppEnv> =>
  async function rateLimit(c, next) {
    const user = c.get('user')
    const limit = limiter.limitFor(user.rate_limit)
    if (limit === 0) return next()
    const d = await limiter.consume(user.id, limit)
    const headers = {
      'X-RateLimit-Limit': String(d.limit),
      'X-RateLimit-Remaining': String(d.remaining),
      'X-RateLimit-Reset': String(d.resetSeconds),
    }
    if (!d.allowed) {
      onReject?.(user.id)
      throw new ApiError(429, 'Rate limit exceeded', { limit: d.limit, window: '60s' }, {
        ...headers,
        'Retry-After': String(d.resetSeconds),
      })
    }
    for (const [k, val] of Object.entries(headers)) c.header(k, val)
    return next()
  }
