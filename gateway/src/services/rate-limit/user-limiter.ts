/**
 * @module services/rate-limit/user-limiter
 * The one per-user limiter (D8): `users.rate_limit` requests per fixed 60 s window (NULL = the
 * configured default, 0 = unlimited), counted in Redis so every replica shares it. When Redis fails
 * the insurance limiter counts in memory and the request is still served (fail open per process).
 */
import type { Redis } from 'ioredis'
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'

export const WINDOW_SECONDS = 60
/** The Lua command rate-limiter-flexible defines on the ioredis client. */
const LIMITER_COMMAND = 'rlflxIncr'

export type LimitDecision = {
  allowed: boolean
  limit: number
  remaining: number
  /** Seconds until the window resets. */
  resetSeconds: number
}

export class UserRateLimiter {
  private readonly byPoints = new Map<number, RateLimiterRedis>()

  constructor(
    private readonly redis: Redis,
    private readonly defaultLimit: number,
  ) {
    // ioredis auto-pipelining breaks Lua commands defined with defineCommand: after a Redis restart
    // (script cache empty) the EVALSHA -> NOSCRIPT fallback inside an auto-pipeline throws
    // "results[i] is not iterable" from a callback and kills the process. Keep the limiter's command
    // out of auto-pipelines (options are read per call, so this applies to the shared client).
    const ignored = redis.options.autoPipeliningIgnoredCommands ?? []
    if (!ignored.includes(LIMITER_COMMAND)) redis.options.autoPipeliningIgnoredCommands = [...ignored, LIMITER_COMMAND]
  }

  /** The effective limit of a user: their own, else the default; 0 means unlimited. */
  limitFor(rateLimit: number | null): number {
    const l = rateLimit ?? this.defaultLimit
    return l > 0 ? l : 0
  }

  async consume(userId: number, limit: number): Promise<LimitDecision> {
    const limiter = this.limiterFor(limit)
    try {
      const res = await limiter.consume(String(userId), 1)
      return decision(true, limit, res)
    } catch (err) {
      if (err instanceof RateLimiterRes) return decision(false, limit, err)
      // Both Redis and the insurance limiter failed: serve the request (documented fail-open).
      return { allowed: true, limit, remaining: limit, resetSeconds: WINDOW_SECONDS }
    }
  }

  private limiterFor(points: number): RateLimiterRedis {
    let l = this.byPoints.get(points)
    if (!l) {
      l = new RateLimiterRedis({
        storeClient: this.redis,
        keyPrefix: `taguato:rl:${points}`,
        points,
        duration: WINDOW_SECONDS,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix: `taguato:rlmem:${points}`, points, duration: WINDOW_SECONDS }),
      })
      this.byPoints.set(points, l)
    }
    return l
  }
}

function decision(allowed: boolean, limit: number, res: RateLimiterRes): LimitDecision {
  return {
    allowed,
    limit,
    remaining: Math.max(0, res.remainingPoints),
    resetSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
  }
}
