/**
 * @module services/live-events/slots
 * At most a few live streams per user, counted across every replica: a Redis sorted set per user holds
 * the open streams scored by their last heartbeat. A stream whose process died without closing it stops
 * being refreshed and falls out after `staleMs`, so a crash never locks a user out for long.
 */
import { randomBytes } from 'node:crypto'
import type { Redis } from 'ioredis'

export const MAX_STREAMS_PER_USER = 5

export class LiveSlots {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly max = MAX_STREAMS_PER_USER,
    private readonly staleMs = 45_000,
  ) {}

  private key(userId: number): string {
    return `${this.prefix}:streams:${userId}`
  }

  /** A slot id, or null when the user already has `max` live streams. Redis down: allowed (no slot kept). */
  async take(userId: number): Promise<string | null> {
    const id = randomBytes(8).toString('hex')
    const key = this.key(userId)
    const now = Date.now()
    try {
      const res = await this.redis.multi().zremrangebyscore(key, 0, now - this.staleMs).zcard(key).exec()
      const count = Number(res?.[1]?.[1] ?? 0)
      if (count >= this.max) return null
      await this.redis.multi().zadd(key, now, id).pexpire(key, this.staleMs * 2).exec()
    } catch {
      /* Redis unreachable: the stream cannot carry cross-replica events anyway, but it may still open */
    }
    return id
  }

  /** Keeps a slot alive (every heartbeat). */
  touch(userId: number, id: string): void {
    const key = this.key(userId)
    this.redis.multi().zadd(key, Date.now(), id).pexpire(key, this.staleMs * 2).exec().catch(() => undefined)
  }

  release(userId: number, id: string): void {
    this.redis.zrem(this.key(userId), id).catch(() => undefined)
  }
}
