/**
 * @module services/sessions/session-store
 * Session lifecycle: create at login, authenticate per request, slide, revoke.
 *
 * Why it is shaped like this (D5 (docs/decisions.md#d5) and the hot-path budget): every authenticated request asks Redis
 * `GET taguato:sess:<hash>` (one round trip, pipelined with the rate-limit call), so a revocation made
 * on any replica is seen on the very next request everywhere. Revocation writes Postgres first and then
 * deletes the Redis keys; a Redis miss falls back to Postgres, which is the source of truth. When Redis
 * is down every request asks Postgres: slower, never wrong. The sliding-expiry row write happens at
 * most once a minute per session per replica.
 *
 * Redis stalls and outages: Redis commands time out (REDIS_COMMAND_TIMEOUT_MS), so a stalled Redis is
 * a miss like a dead one. A tombstone that could not be written would leave the revoked session's
 * cached copy valid on every replica once Redis answers again, so nothing is dropped: the store keeps
 * the hashes it could not write and, once Redis answers, writes them together with every session that
 * Postgres says was revoked since the trouble began (another replica's, or one whose process died
 * before its retry), then stops retrying (`resync`). Until that resync is done, this replica trusts
 * no cached session (only tombstones): it reads Postgres, as when Redis is down.
 */
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import type { Db, Queryable } from '../../db/client.js'
import {
  activeTokenHashes,
  deactivateSessionByHash,
  deactivateSessionById,
  deactivateUserSessions,
  insertSession,
  recentlyRevokedHashes,
  slideSession,
} from '../../db/queries/sessions.js'
import { findSessionUser, type AuthUser } from '../../db/queries/users.js'
import { generateToken, sha256Hex } from './tokens.js'

const KEY_PREFIX = 'taguato:sess:'
/** Upper bound for a cached session in Redis; re-read from Postgres after that. */
const MAX_CACHE_SECONDS = 300
const SLIDE_EVERY_MS = 60_000
/** Tombstone value of a revoked session's cache key. */
const REVOKED = 'revoked'
/** Interval of the resync attempts after a Redis failure. */
const RESYNC_EVERY_MS = 250
/** Upper bound of the tombstones a resync re-sends from Postgres (newest first). */
const RESYNC_MAX = 10_000

export type SessionStoreOptions = { ttlHours: number }

export class SessionStore {
  /** token hash -> last slide time (ms); also the "seen before" set for the local fast path. */
  private readonly lastSlide = new Map<string, number>()
  /** Cache writes that failed: hash -> tombstone (revoked) or delete (user changed). */
  private readonly pending = new Map<string, boolean>()
  /** When Redis first failed since the last successful resync; null while all is well. */
  private troubleSince: number | null = null
  private lastFailure = 0
  private resyncTimer: NodeJS.Timeout | null = null
  private resyncRunning = false

  constructor(
    private readonly db: Db,
    private readonly redis: Redis,
    private readonly log: Logger,
    private readonly opts: SessionStoreOptions,
  ) {}

  /** Creates a session row and returns the raw token (shown once, never stored). */
  async create(userId: number, ip: string, userAgent: string, tx: Queryable = this.db): Promise<{ token: string; id: number }> {
    const token = generateToken()
    const id = await insertSession(tx, { userId, tokenHash: sha256Hex(token), ip, userAgent, ttlHours: this.opts.ttlHours })
    return { token, id }
  }

  /** Resolves a raw token to its user, or null when unknown, expired or revoked. */
  authenticate(token: string): Promise<AuthUser | null> {
    return this.authenticateHash(sha256Hex(token))
  }

  /** The same, for callers that already hashed the token (the hot path hashes it once). */
  async authenticateHash(hash: string): Promise<AuthUser | null> {
    let cached: string | null = null
    let redisOk = true
    try {
      cached = await this.redis.get(KEY_PREFIX + hash)
    } catch {
      redisOk = false
      this.redisFailed()
    }
    let user: AuthUser | null
    if (cached === REVOKED) return null
    // After a Redis failure, until the resync has written the tombstones Redis missed, a cached session
    // may be one revoked meanwhile: trust only Postgres (and do not re-cache) until then.
    const unsure = this.troubleSince !== null || this.pending.size > 0
    if (unsure && redisOk) this.resyncNow()
    if (cached && !unsure) {
      user = JSON.parse(cached) as AuthUser
    } else {
      const row = await findSessionUser(this.db, hash)
      if (!row) return null
      const { expires_at, ...rest } = row
      user = rest
      if (redisOk && !unsure) {
        const ttl = Math.min(MAX_CACHE_SECONDS, Math.floor((expires_at.getTime() - Date.now()) / 1000))
        // NX: a revocation that landed while we read Postgres left a tombstone; never overwrite it.
        if (ttl > 0) this.redis.set(KEY_PREFIX + hash, JSON.stringify(user), 'EX', ttl, 'NX').catch(() => undefined)
      }
    }
    this.slide(user.session_id, hash)
    return user
  }

  /** Sliding expiry: push expires_at forward, at most once a minute per session (fire and forget). */
  private slide(sessionId: number, hash: string): void {
    const now = Date.now()
    const last = this.lastSlide.get(hash)
    if (last !== undefined && now - last < SLIDE_EVERY_MS) return
    this.lastSlide.set(hash, now)
    if (this.lastSlide.size > 100_000) this.lastSlide.clear()
    slideSession(this.db, sessionId, this.opts.ttlHours)
      .catch((err: Error) => this.log.warn({ err: err.message }, 'session slide failed'))
  }

  /** Revokes one session by its token hash (logout). */
  async revokeHash(hash: string): Promise<void> {
    await deactivateSessionByHash(this.db, hash)
    await this.forget([hash])
  }

  /** Revokes one session by id; with userId, only if it belongs to that user. Returns the row or null. */
  async revokeById(id: number, userId?: number): Promise<{ id: number; user_id: number } | null> {
    const row = await deactivateSessionById(this.db, id, userId)
    if (!row) return null
    await this.forget([row.token_hash])
    return { id: row.id, user_id: row.user_id }
  }

  /** Revokes every session of a user (logout-all, password change, deactivation, reset). */
  async revokeAllForUser(userId: number, tx: Queryable = this.db): Promise<void> {
    await this.forget(await deactivateUserSessions(tx, userId))
  }

  /**
   * Drops the cached copies of a user's live sessions so the next request re-reads the user from
   * Postgres (role, limits, is_active changed). Call after the change is committed.
   */
  async refreshUser(userId: number): Promise<void> {
    await this.forget(await activeTokenHashes(this.db, userId), false)
  }

  /**
   * Forgets cached sessions by hash; used after the rows were changed in Postgres. A revocation leaves
   * a short-lived tombstone instead of deleting: a request that read the still-active row from Postgres
   * just before the revocation committed cannot re-cache it (its SET is NX). Without `revoked` the key
   * is deleted, so the next request re-reads the changed user.
   */
  async forget(hashes: string[], revoked = true): Promise<void> {
    if (hashes.length === 0) return
    for (const h of hashes) this.lastSlide.delete(h)
    try {
      await this.writeCache(hashes.map((h) => [h, revoked]))
    } catch (err) {
      // Redis down or stalled: nothing is served from it meanwhile (authenticate falls back to Postgres),
      // and the resync writes these once it answers.
      this.log.warn({ err: (err as Error).message, sessions: hashes.length }, 'session cache write failed; retried when Redis answers')
      for (const h of hashes) this.pending.set(h, revoked || this.pending.get(h) === true)
      this.redisFailed()
    }
  }

  /** Tombstones (revoked) or deletes the cached copies, in one round trip. */
  private async writeCache(entries: Iterable<[string, boolean]>): Promise<void> {
    const list = [...entries]
    if (list.length === 0) return
    const multi = this.redis.multi()
    for (const [h, revoked] of list) {
      if (revoked) multi.set(KEY_PREFIX + h, REVOKED, 'EX', MAX_CACHE_SECONDS)
      else multi.del(KEY_PREFIX + h)
    }
    const replies = await multi.exec()
    const failed = replies?.find(([e]) => e)
    if (!replies || failed) throw failed?.[0] ?? new Error('transaction discarded')
  }

  private redisFailed(): void {
    this.lastFailure = Date.now()
    this.troubleSince ??= this.lastFailure
    if (!this.resyncTimer) this.scheduleResync()
  }

  /** Redis answered while a resync is due: run it now rather than at the next tick. */
  private resyncNow(): void {
    if (this.resyncRunning) return
    if (this.resyncTimer) clearTimeout(this.resyncTimer)
    this.scheduleResync(0)
  }

  private scheduleResync(delay = RESYNC_EVERY_MS): void {
    this.resyncTimer = setTimeout(() => {
      this.resyncRunning = true
      this.resync().then(
        (done) => {
          this.resyncRunning = false
          this.resyncTimer = null
          if (!done) this.scheduleResync()
        },
        () => {
          this.resyncRunning = false
          this.resyncTimer = null
          this.scheduleResync()
        },
      )
    }, delay)
    this.resyncTimer.unref()
  }

  /**
   * Once Redis answers again: re-sends the cache writes that failed and tombstones every session
   * revoked since the trouble began (plus the cache lifetime, the oldest copy that can still be there).
   * True when done; false to try again later (Redis or Postgres still failing).
   */
  async resync(): Promise<boolean> {
    if (this.troubleSince === null && this.pending.size === 0) return true
    const started = Date.now()
    const since = this.troubleSince ?? started
    try {
      await this.redis.ping()
    } catch {
      return false
    }
    const seconds = Math.ceil((Date.now() - since) / 1000) + MAX_CACHE_SECONDS
    const revoked = await recentlyRevokedHashes(this.db, seconds, RESYNC_MAX)
    const entries = new Map(this.pending)
    for (const h of revoked) entries.set(h, true)
    await this.writeCache(entries)
    for (const [h, r] of entries) if (this.pending.get(h) === r) this.pending.delete(h)
    if (this.pending.size > 0) return false
    // A failure after this resync started is left for the next one.
    if (this.lastFailure < started) this.troubleSince = null
    this.log.info({ sessions: entries.size }, 'session cache resynced after a Redis failure')
    return this.troubleSince === null
  }

  /** Forgets every cached session (after a restore replaces the sessions table). */
  async forgetAll(): Promise<void> {
    this.lastSlide.clear()
    const stream = this.redis.scanStream({ match: `${KEY_PREFIX}*`, count: 500 })
    for await (const keys of stream as AsyncIterable<string[]>) {
      if (keys.length) await this.redis.del(...keys)
    }
  }
}
