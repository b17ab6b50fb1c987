/**
 * @module middleware/ip-rate-limit
 * Per-client-IP limit before authentication (D8, docs/decisions.md#d8: /message/* 5 r/s burst 10; reusable for /api/status).
 * A refusal is 429 JSON {error:"Too many requests"} with Retry-After, never an HTML page.
 */
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../../env.js'
import { ApiError } from '../../errors/api-error.js'
import { IpBuckets, type IpBucketOptions } from '../../services/rate-limit/ip-bucket.js'

export const ipRateLimit = (opts: IpBucketOptions): MiddlewareHandler<AppEnv> => {
  const buckets = new IpBuckets(opts)
  return async function ipRateLimit(c, next) {
    const wait = buckets.take(c.get('clientIp') ?? 'unknown')
    if (wait > 0) throw new ApiError(429, 'Too many requests', {}, { 'Retry-After': String(wait) })
    return next()
  }
}

/** Same check as a plain function, for handlers that decide per path whether it applies. */
export function ipLimiter(opts: IpBucketOptions): (ip: string) => void {
  const buckets = new IpBuckets(opts)
  return (ip) => {
    const wait = buckets.take(ip)
    if (wait > 0) throw new ApiError(429, 'Too many requests', {}, { 'Retry-After': String(wait) })
  }
}
