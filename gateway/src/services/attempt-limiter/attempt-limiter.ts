/**
 * @module services/attempt-limiter
 * Fixed-window counters of guesses at a secret (TOTP codes, current passwords, logins per IP), shared by
 * replicas through Redis (INCR + EXPIRE in one EVAL) and kept in this process while Redis fails, so an
 * outage never turns the limit off. An attempt is claimed BEFORE the secret is checked: parallel
 * requests cannot slip past the limit between a check and an increment.
 */
import type { Redis } from 'ioredis'
import { ApiError } from '../../errors/api-error.js'

export type AttemptOptions = {
  /** Redis key prefix, e.g. "taguato:attempts:totp:". */
  prefix: string
  /** Attempts allowed per window; 0 turns the limiter off. */
  max: number
  windowSeconds: number
}

export type AttemptDecision = { allowed: boolean; retryAfterSeconds: number }

// KEYS[1] counter; ARGV[1] window (s). The TTL is (re)set only when missing, so refused attempts
// never extend the window. Returns {count, ttl}.
const CLAIM = `
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('TTL', KEYS[1])
if ttl < 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}`
// Gives one attempt back without ever creating a key (a DECR on an expired key would leave a
// counter without TTL).
const RELEASE = `if redis.call('EXISTS', KEYS[1]) == 1 and tonumber(redis.call('GET', KEYS[1])) > 0 then return redis.call('DECR', KEYS[1]) end return 0`

export class AttemptLimiter {
  private readonly memory = new Map<string, { n: number; until: number }>()

  constructor(
    private readonly redis: Redis,
    private readonly opts: AttemptOptions,
  ) {}

  get enabled(): boolean {
    return this.opts.max > 0
  }

  /** Counts one attempt; allowed while the window holds at most `max` of them. */
  async claim(key: string): Promise<AttemptDecision> {
    const { max, windowSeconds, prefix } = this.opts
    if (max <= 0) return { allowed: true, retryAfterSeconds: 0 }
    try {
      const [n, ttl] = (await this.redis.eval(CLAIM, 1, prefix + key, windowSeconds)) as [number, number]
      return { allowed: n <= max, retryAfterSeconds: Math.max(1, ttl) }
    } catch {
      return this.claimLocal(key)
    }
  }

  /** Claims one attempt or throws 429 `message` with Retry-After. */
  async claimOrThrow(key: string, message: string): Promise<void> {
    const d = await this.claim(key)
    if (!d.allowed) throw new ApiError(429, message, {}, { 'Retry-After': String(d.retryAfterSeconds) })
  }

  /** Gives back one claimed attempt: the attempt did not fail but must not wipe the others (logins per IP). */
  async release(key: string): Promise<void> {
    if (!this.enabled) return
    const l = this.memory.get(key)
    if (l && l.n > 0) l.n -= 1
    await this.redis.eval(RELEASE, 1, this.opts.prefix + key).catch(() => undefined)
  }

  /** Forgets every attempt of `key` (a correct secret). */
  async reset(key: string): Promise<void> {
    if (!this.enabled) return
    this.memory.delete(key)
    await this.redis.del(this.opts.prefix + key).catch(() => undefined)
  }

  private claimLocal(key: string, now = Date.now()): AttemptDecision {
    const { max, windowSeconds } = this.opts
    let e = this.memory.get(key)
    if (!e || e.until <= now) {
      // Bound memory during a long outage: expired windows carry no information.
      if (this.memory.size >= 10_000) for (const [k, v] of this.memory) if (v.until <= now) this.memory.delete(k)
      e = { n: 0, until: now + windowSeconds * 1000 }
      this.memory.set(key, e)
    }
    e.n += 1
    return { allowed: e.n <= max, retryAfterSeconds: Math.max(1, Math.ceil((e.until - now) / 1000)) }
  }
}

/** The window of every attempt limit below (15 minutes, D6 in docs/decisions.md#d6). */
export const ATTEMPT_WINDOW_SECONDS = 15 * 60
export const TOO_MANY_ATTEMPTS = 'Too many attempts. Try again later.'
