/**
 * @module services/rate-limit/ip-bucket
 * Per-IP token buckets (D8, docs/decisions.md#d8: `rate` tokens per second, up to `burst`).
 * - `IpBuckets`: in process memory, synchronous. The proxy's /message/* limit uses it because it runs
 *   before authentication and a Redis call there would add a round trip to every send; like the
 *   reference's nginx limit_req it is per gateway process (N replicas admit up to N x rate).
 * - `IpBucketLimiter`: the same bucket shared through Redis (one EVAL), falling back to `IpBuckets`
 *   when Redis fails, for routes where a shared limit matters more than the round trip (/api/status).
 */
import type { Redis } from 'ioredis'

export type IpBucketOptions = { rate: number; burst: number }

export class IpBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>()
  private lastSweep = Date.now()

  constructor(private readonly opts: IpBucketOptions) {}

  /** Takes one token; returns 0 when allowed, else the seconds until the next token. */
  take(ip: string, now = Date.now()): number {
    const { rate, burst } = this.opts
    if (rate <= 0) return 0
    const cap = Math.max(1, burst)
    this.sweep(now)
    const b = this.buckets.get(ip) ?? { tokens: cap, at: now }
    b.tokens = Math.min(cap, b.tokens + ((now - b.at) / 1000) * rate)
    b.at = now
    this.buckets.set(ip, b)
    if (b.tokens >= 1) {
      b.tokens -= 1
      return 0
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / rate))
  }

  /** Buckets that refilled completely carry no information: drop them now and then. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 10_000) return
    this.lastSweep = now
    const full = (Math.max(1, this.opts.burst) / this.opts.rate) * 1000
    for (const [ip, b] of this.buckets) if (now - b.at > full) this.buckets.delete(ip)
  }
}

// KEYS[1] bucket; ARGV rate, cap, now(ms). Returns {allowed 0|1, retry seconds}.
const SCRIPT = `
local rate, cap, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local b = redis.call('HMGET', KEYS[1], 't', 'at')
local tokens, at = tonumber(b[1]) or cap, tonumber(b[2]) or now
tokens = math.min(cap, tokens + math.max(0, now - at) / 1000 * rate)
local ok = 0
if tokens >= 1 then tokens = tokens - 1; ok = 1 end
redis.call('HSET', KEYS[1], 't', tokens, 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(cap / rate * 1000) + 1000)
if ok == 1 then return {1, 0} end
return {0, math.max(1, math.ceil((1 - tokens) / rate))}`

export type IpDecision = { allowed: boolean; retryAfterSeconds: number }

export class IpBucketLimiter {
  private readonly memory: IpBuckets

  constructor(
    private readonly redis: Redis,
    private readonly opts: IpBucketOptions & { prefix: string },
  ) {
    this.memory = new IpBuckets(opts)
  }

  async take(ip: string): Promise<IpDecision> {
    const { rate, burst, prefix } = this.opts
    if (rate <= 0) return { allowed: true, retryAfterSeconds: 0 }
    try {
      const [ok, retry] = (await this.redis.eval(SCRIPT, 1, prefix + ip, rate, Math.max(1, burst), Date.now())) as [number, number]
      return { allowed: ok === 1, retryAfterSeconds: retry }
    } catch {
      const wait = this.memory.take(ip)
      return { allowed: wait === 0, retryAfterSeconds: wait }
    }
  }
}
