/**
 * @module services/recovery/throttle
 * Fixed-window counters in Redis for the recovery routes (INCR, EXPIRE on the first hit), shared by
 * replicas. They fail open (R3, docs/decisions.md#r3): a Redis outage never blocks a reset.
 */
import type { Redis } from 'ioredis'

const SCRIPT = `local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end return n`

/** Counts one hit; true while the count is within `limit`. */
export async function withinLimit(redis: Redis, key: string, limit: number, windowSeconds: number): Promise<boolean> {
  try {
    const n = (await redis.eval(SCRIPT, 1, key, windowSeconds)) as number
    return n <= limit
  } catch {
    return true
  }
}
