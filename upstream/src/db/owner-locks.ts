/**
 * @module upstream/db/owner-locks
 * The statements of the Baileys owner lock (driver/baileys/owner-lock.ts): session-level PostgreSQL
 * advisory locks keyed (727002, hashtext(instance id)). They run on one reserved connection the caller
 * keeps, because a session-level lock belongs to the connection that took it: the pool would hand the
 * unlock to another connection.
 */
import type postgres from 'postgres'
import type { Sql } from './client.js'

/** The connection that holds this process's locks (`reserveLockConnection`). */
export type LockConnection = postgres.ReservedSql

/** First half of the two-int advisory key; the second is hashtext(instance id). */
export const BAILEYS_OWNER_LOCK_SPACE = 727_002

/** Takes a connection out of the pool for the locks; `release()` gives it back. */
export function reserveLockConnection(sql: Sql): Promise<LockConnection> {
  return sql.reserve()
}

/** Throws when the connection (and so every lock on it) is gone. */
export async function pingLockConnection(conn: LockConnection): Promise<void> {
  await conn`select 1`
}

/** Takes the instance's lock without waiting; false when another session holds it. */
export async function tryOwnerLock(conn: LockConnection, instanceId: string): Promise<boolean> {
  const [row] = await conn<{ ok: boolean }[]>`
    select pg_try_advisory_lock(${BAILEYS_OWNER_LOCK_SPACE}, hashtext(${instanceId})) as ok`
  return row?.ok === true
}

export async function releaseOwnerLock(conn: LockConnection, instanceId: string): Promise<void> {
  await conn`select pg_advisory_unlock(${BAILEYS_OWNER_LOCK_SPACE}, hashtext(${instanceId}))`
}

/** Every advisory lock this connection holds. */
export async function releaseAllOwnerLocks(conn: LockConnection): Promise<void> {
  await conn`select pg_advisory_unlock_all()`
}
