/**
 * @module services/attempt-limiter
 * Fixed-window counters of guesses at a secret (TOTP codes, current passwords, failed logins per IP),
 * shared by replicas through Redis (INCR + EXPIRE in one EVAL) and kept in this process while Redis
 * fails or times out (then Redis is skipped for a second, so a stalled Redis costs one command timeout,
 * not one per call): an outage never turns the limit off and never refuses by itself.
 *
 * Two ways to use it:
 * - `claim` before the secret is checked counts every attempt (2FA codes, current password): parallel
 *   requests cannot slip past the limit between a check and an increment.
 * - `check` + `failOrThrow` count failures only (logins per IP). `check` refuses an exhausted key
 *   before any work; after the secret was checked, a failure is counted by `failOrThrow` (refused when
 *   it went over the limit) and a success calls `check` again right before it is revealed. Every
 *   answer that reveals an outcome is thereby decided against the failures settled before it: however
 *   many guesses run in parallel, at most `max` of them learn something, and a correct secret is never
 *   refused because other correct ones ran at the same time.
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
// KEYS[1] counter. Reads without creating anything. Returns {count, ttl}.
const PEEK = `return {tonumber(redis.call('GET', KEYS[1]) or '0'), redis.call('TTL', KEYS[1])}`

type Window = { n: number; until: number }

/** After a Redis error or timeout, count in memory this long before asking Redis again. */
const REDIS_BACKOFF_MS = 1000

export class AttemptLimiter {
  private readonly memory = new Map<string, Window>()
  /** Until when Redis is skipped: a stalled Redis then costs one command timeout, not one per call. */
  private redisSkipUntil = 0

  constructor(
    private readonly redis: Redis,
    private readonly opts: AttemptOptions,
  ) {}

  get enabled(): boolean {
    return this.opts.max > 0
  }

  /** Counts one attempt (or one failure); allowed while the window holds at most `max` of them. */
  async claim(key: string): Promise<AttemptDecision> {
    const { max, windowSeconds, prefix } = this.opts
    if (max <= 0) return { allowed: true, retryAfterSeconds: 0 }
    if (Date.now() < this.redisSkipUntil) return this.claimLocal(key)
    try {
      const [n, ttl] = (await this.redis.eval(CLAIM, 1, prefix + key, windowSeconds)) as [number, number]
      return { allowed: n <= max, retryAfterSeconds: Math.max(1, ttl) }
    } catch {
      this.redisFailed()
      return this.claimLocal(key)
    }
  }

  /** Claims one attempt or throws 429 `message` with Retry-After. */
  async claimOrThrow(key: string, message: string): Promise<void> {
    throwIfRefused(await this.claim(key), message)
  }

  /** Counts one failure (the same count as `claim`); throws 429 `message` when it went over `max`. */
  async failOrThrow(key: string, message: string): Promise<void> {
    throwIfRefused(await this.claim(key), message)
  }

  /** Whether one more attempt may be made now (fewer than `max` counted); counts nothing. */
  async check(key: string): Promise<AttemptDecision> {
    const { max, prefix } = this.opts
    if (max <= 0) return { allowed: true, retryAfterSeconds: 0 }
    const local = this.peekLocal(key)
    if (!local.allowed || Date.now() < this.redisSkipUntil) return local
    try {
      const [n, ttl] = (await this.redis.eval(PEEK, 1, prefix + key)) as [number, number]
      return { allowed: n < max, retryAfterSeconds: Math.max(1, ttl) }
    } catch {
      this.redisFailed()
      return local
    }
  }

  /** `check`, throwing 429 `message` with Retry-After when the key is exhausted. */
  async checkOrThrow(key: string, message: string): Promise<void> {
    throwIfRefused(await this.check(key), message)
  }

  /** Forgets every attempt of `key` (a correct secret). */
  async reset(key: string): Promise<void> {
    if (!this.enabled) return
    this.memory.delete(key)
    await this.redis.del(this.opts.prefix + key).catch(() => undefined)
  }

  private redisFailed(): void {
    this.redisSkipUntil = Date.now() + REDIS_BACKOFF_MS
  }

  private window(key: string, now: number): Window {
    let e = this.memory.get(key)
    if (!e || e.until <= now) {
      // Bound memory during a long outage: expired windows carry no information.
      if (this.memory.size >= 10_000) for (const [k, v] of this.memory) if (v.until <= now) this.memory.delete(k)
      e = { n: 0, until: now + this.opts.windowSeconds * 1000 }
      this.memory.set(key, e)
    }
    return e
  }

  private claimLocal(key: string, now = Date.now()): AttemptDecision {
    const e = this.window(key, now)
    e.n += 1
    return { allowed: e.n <= this.opts.max, retryAfterSeconds: Math.max(1, Math.ceil((e.until - now) / 1000)) }
  }

  /** What this process counted while Redis failed (nothing otherwise). */
  private peekLocal(key: string, now = Date.now()): AttemptDecision {
    const e = this.memory.get(key)
    if (!e || e.until <= now) return { allowed: true, retryAfterSeconds: 0 }
    return { allowed: e.n < this.opts.max, retryAfterSeconds: Math.max(1, Math.ceil((e.until - now) / 1000)) }
  }
}

function throwIfRefused(d: AttemptDecision, message: string): void {
  if (!d.allowed) throw new ApiError(429, message, {}, { 'Retry-After': String(d.retryAfterSeconds) })
}

/** The window of every attempt limit below (15 minutes, D6 in docs/decisions.md#d6). */
export const ATTEMPT_WINDOW_SECONDS = 15 * 60
export const TOO_MANY_ATTEMPTS = 'Too many attempts. Try again later.'
