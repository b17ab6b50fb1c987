/**
 * @module upstream/driver/baileys/owner-lock
 * One owner per instance across replicas: a session-level PostgreSQL advisory lock per instance,
 * taken before a socket opens. Two replicas linking the same WhatsApp device would kick each other
 * off (440) forever. All locks of this process live on ONE reserved connection (a connection per
 * instance would exhaust the pool). If that connection dies its locks die with it: the next acquire
 * reserves a fresh one, and the warning in the log says the running sessions are unguarded until
 * they reconnect. The statements are in db/owner-locks.ts.
 */
import type { Logger } from 'pino'
import type { Sql } from '../../db/client.js'
import {
  pingLockConnection,
  releaseAllOwnerLocks,
  releaseOwnerLock,
  reserveLockConnection,
  tryOwnerLock,
  type LockConnection,
} from '../../db/owner-locks.js'

export class OwnerLocks {
  private conn: LockConnection | null = null
  private connecting: Promise<LockConnection> | null = null
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
      const ok = await tryOwnerLock(await this.connection(), instanceId)
      if (ok) this.held.add(instanceId)
      return ok
    })
  }

  /** Gives the instance's lock back (no-op when not held). */
  release(instanceId: string): Promise<void> {
    return this.serial(async () => {
      if (!this.held.delete(instanceId) || !this.conn) return
      await releaseOwnerLock(this.conn, instanceId)
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
        await releaseAllOwnerLocks(conn)
      } finally {
        conn.release()
      }
    })
  }

  private async connection(): Promise<LockConnection> {
    if (this.conn) {
      try {
        await pingLockConnection(this.conn)
        return this.conn
      } catch (err) {
        // The session (and every lock on it) is gone: start over with a fresh one.
        this.log.warn({ err }, 'baileys owner-lock connection lost: running sessions are unguarded until they reconnect')
        this.conn = null
        this.held.clear()
      }
    }
    this.connecting ??= reserveLockConnection(this.sql).finally(() => (this.connecting = null))
    this.conn = await this.connecting
    return this.conn
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn)
    this.chain = run.catch(() => undefined)
    return run
  }
}
