/**
 * @module services/status/cache
 * The /api/status body cached in Redis for 15 s under the reference's key, shared by replicas.
 * Admin changes to incidents and maintenance drop it so the page shows them at once.
 */
import type { Redis } from 'ioredis'

export const STATUS_CACHE_KEY = 'taguato:status:cache'
export const STATUS_CACHE_SECONDS = 15

export async function invalidateStatusCache(redis: Redis): Promise<void> {
  await redis.del(STATUS_CACHE_KEY).catch(() => undefined)
}
