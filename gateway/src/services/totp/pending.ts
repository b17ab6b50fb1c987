/**
 * @module services/totp/pending
 * The secret issued by GET /api/auth/2fa/setup, remembered server-side for 10 minutes so that enable
 * only accepts a secret the server generated (R3, docs/decisions.md#r3). Redis is shared by every replica;
 * while it is down the secret is kept in this process only (setup and enable then need the same replica).
 */
import type { Redis } from 'ioredis'

const KEY = (userId: number) => `taguato:2fa:pending:${userId}`
export const PENDING_TTL_SECONDS = 600

export class PendingTotpSecrets {
  private readonly local = new Map<number, { secret: string; until: number }>()

  constructor(private readonly redis: Redis) {}

  async put(userId: number, secret: string): Promise<void> {
    this.local.set(userId, { secret, until: Date.now() + PENDING_TTL_SECONDS * 1000 })
    if (this.local.size > 10_000) this.local.clear()
    await this.redis.set(KEY(userId), secret, 'EX', PENDING_TTL_SECONDS).catch(() => undefined)
  }

  async get(userId: number): Promise<string | null> {
    try {
      return await this.redis.get(KEY(userId))
    } catch {
      // Redis down: the local copy (only a secret this process issued) is the best we have.
    }
    const l = this.local.get(userId)
    return l && l.until > Date.now() ? l.secret : null
  }

  async clear(userId: number): Promise<void> {
    this.local.delete(userId)
    await this.redis.del(KEY(userId)).catch(() => undefined)
  }
}
