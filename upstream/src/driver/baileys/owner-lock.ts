/**
 * @module upstream/driver/baileys/owner-lock
 * One owner per instance across replicas: a session-level PostgreSQL advisory lock per instance,
 * taken before a socket opens. Two replicas linking the same WhatsApp device would kick each other
 * off (440) forever. All locks of this process live on ONE reserved connection (a connection per
 * instance would exhaust the pool). If that connection dies its locks die with it: the next acquire
 * reserves a fresh one, and the warning in the log says the running sessions are unguarded until
 * they reconnect.
 */
import type { Logger } from 'pino'
import type postgres from 'postgres'
import type { Sql } from '../../db/client.js'

/** First half of the two-int advisory key; the second is hashtext(instance id). */
export const BAILEYS_OWNER_LOCK_SPACE = 727_002

export class OwnerLocks {
  private conn: postgres.ReservedSql | null = null
  private connecting: Promise<postgres.ReservedSql> | null = null
  private readonly held = new Set<string>()
  private chain: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly sql: Sql,
    private readonly log: Logger,
  ) {}

  /** Takes the instance's lock without waiting; false when another session (replica) holds it. */
  acquire(instanceId: string): Promise<boolean> {
    return this.serial(async () => {
      if (this.held.has(instanceId)) return true
      const conn = await this.connection()
      const [row] = await conn<{ ok: boolean }[]>`
        select pg_try_advisory_lock(${BAILEYS_OWNER_LOCK_SPACE}, hashtext(${instanceId})) as ok`
      if (row?.ok) this.held.add(instanceId)
      return row?.ok === true
    })
  }

  /** Gives the instance's lock back (no-op when not held). */
  release(instanceId: string): Promise<void> {
    return this.serial(async () => {
      if (!this.held.delete(instanceId) || !this.conn) return
      await this.conn`select pg_advisory_unlock(${BAILEYS_OWNER_LOCK_SPACE}, hashtext(${instanceId}))`
    })
  }

  /** Releases every lock and hands the connection back to the pool. */
  close(): Promise<void> {
    return this.serial(async () => {
      this.held.clear()
      const conn = this.conn
      this.conn = null
      if (!conn) return
      try {
        await conn`select pg_advisory_unlock_all()`
      } finally {
        conn.release()
      }
    })
  }

  private async connection(): Promise<postgres.ReservedSql> {
    if (this.conn) {
      try {
        await this.conn`select 1`
        return this.conn
      } catch (err) {
        // The session (and every lock on it) is gone: start over with a fresh one.
        this.log.warn({ err }, 'baileys owner-lock connection lost: running sessions are unguarded until they reconnect')
        this.conn = null
        this.held.clear()
      }
    }
    this.connecting ??= this.sql.reserve().finally(() => (this.connecting = null))
    this.conn = await this.connecting
    return this.conn
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn)
    this.chain = run.catch(() => undefined)
    return run
  }
}
