/**
 * @module services/live-events/tickets
 * One-time tickets for the live stream. A browser's EventSource cannot send the `apikey` header, and the
 * session token must never appear in a URL (logs, history, referrers): the panel trades its session for a
 * ticket (POST /api/events/ticket) and opens GET /api/events?ticket=... with it. A ticket is 32 random
 * bytes; Redis keeps only its SHA-256, mapped to the session's token hash, for 60 s; redeeming deletes it
 * (GETDEL), so it works once. The stream then authenticates the session itself, so a session revoked
 * between the two calls gets nothing.
 */
import { randomBytes } from 'node:crypto'
import type { Redis } from 'ioredis'
import { sha256Hex as sha } from '../sessions/tokens.js'

export const TICKET_TTL_SECONDS = 60
const PREFIX = 'taguato:live-ticket:'

export class LiveTickets {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds = TICKET_TTL_SECONDS,
  ) {}

  /** A new ticket for the session whose token hashes to `sessionHash`. */
  async issue(sessionHash: string): Promise<string> {
    const ticket = randomBytes(32).toString('hex')
    await this.redis.set(PREFIX + sha(ticket), sessionHash, 'EX', this.ttlSeconds)
    return ticket
  }

  /** The session hash of a live ticket, consuming it; null when unknown, used or expired. */
  async redeem(ticket: string): Promise<string | null> {
    if (!/^[0-9a-f]{64}$/.test(ticket)) return null
    return this.redis.getdel(PREFIX + sha(ticket))
  }
}

