/**
 * @module services/rate-limit/user-limiter
 * The one per-user limiter (D8): `users.rate_limit` requests per fixed 60 s window (NULL = the
 * configured default, 0 = unlimited), counted in Redis so every replica shares it. When Redis fails
 * the insurance limiter counts in memory and the request is still served (fail open per process).
 */
import type { Redis } from 'ioredis'
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'
import { pipelinedIncrStore } from './pipelined-store.js'

export const WINDOW_SECONDS = 60

export type LimitDecision = {
  allowed: boolean
  limit: number
  remaining: number
  /** Seconds until the window resets. */
  resetSeconds: number
}

export class UserRateLimiter {
  private readonly byPoints = new Map<number, RateLimiterRedis>()
  private readonly store: ReturnType<typeof pipelinedIncrStore>

  constructor(
    redis: Redis,
    private readonly defaultLimit: number,
  ) {
    // perf: the limiter's Lua call is written in the same turn as the session GET (one round trip), and
    // stays safe when REDIS_AUTO_PIPELINING batches it with them; see pipelined-store.ts for why not defineCommand.
    this.store = pipelinedIncrStore(redis)
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
        storeClient: this.store.client,
        customIncrTtlLuaScript: this.store.script,
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
