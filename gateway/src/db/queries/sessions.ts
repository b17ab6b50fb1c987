/**
 * @module db/queries/sessions
 * Queries on taguato.sessions. Only active and unexpired sessions are listed (R4, docs/decisions.md#r4).
 * The writes are called by services/sessions (which also drops the Redis copies: revoke through it,
 * not through these), by the cleanup job and by a backup restore.
 */
import type { Queryable } from '../client.js'

export type OwnSession = {
  id: number
  ip_address: string | null
  user_agent: string | null
  last_active: Date
  is_active: boolean
  created_at: Date
  token_hash: string
}

export type AdminSession = Omit<OwnSession, 'token_hash'> & { user_id: number; username: string }

export async function listOwnSessions(db: Queryable, userId: number): Promise<OwnSession[]> {
  return db<OwnSession[]>`
    select id, ip_address, user_agent, last_active, is_active, created_at, token_hash
    from taguato.sessions where user_id = ${userId} and is_active and expires_at > now()
    order by last_active desc, id desc`
}

export async function listActiveSessions(db: Queryable, userId: number | undefined, limit: number, offset: number): Promise<{ rows: AdminSession[]; total: number }> {
  const where = db`where s.is_active and s.expires_at > now() ${userId === undefined ? db`` : db`and s.user_id = ${userId}`}`
  const [rows, [count]] = await Promise.all([
    db<AdminSession[]>`
      select s.id, s.user_id, u.username, s.ip_address, s.user_agent, s.last_active, s.is_active, s.created_at
      from taguato.sessions s join taguato.users u on u.id = s.user_id
      ${where} order by s.last_active desc, s.id desc limit ${limit} offset ${offset}`,
    db<{ n: number }[]>`select count(*) as n from taguato.sessions s ${where}`,
  ])
  return { rows, total: count!.n }
}

/** Token hashes of a user's live sessions: read before a delete cascades them away. */
export async function activeTokenHashes(db: Queryable, userId: number): Promise<string[]> {
  const rows = await db<{ token_hash: string }[]>`
    select token_hash from taguato.sessions where user_id = ${userId} and is_active`
  return rows.map((r) => r.token_hash)
}

/** Inserts a session row valid for `ttlHours`; returns its id. */
export async function insertSession(db: Queryable, s: { userId: number; tokenHash: string; ip: string; userAgent: string; ttlHours: number }): Promise<number> {
  const [row] = await db<{ id: number }[]>`
    insert into taguato.sessions (user_id, token_hash, ip_address, user_agent, expires_at)
    values (${s.userId}, ${s.tokenHash}, ${s.ip.slice(0, 45)}, ${s.userAgent}, now() + make_interval(hours => ${s.ttlHours}))
    returning id`
  return row!.id
}

/** Sliding expiry: the session lives `ttlHours` from now (no-op once revoked). */
export async function slideSession(db: Queryable, sessionId: number, ttlHours: number): Promise<void> {
  await db`
    update taguato.sessions set last_active = now(), expires_at = now() + make_interval(hours => ${ttlHours})
    where id = ${sessionId} and is_active`
}

/*
 * Revocations (the three deactivations below) also end `expires_at` now: the row then says when it was
 * revoked, which `recentlyRevokedHashes` needs to re-send tombstones that could not reach Redis.
 */
export async function deactivateSessionByHash(db: Queryable, tokenHash: string): Promise<void> {
  await db`update taguato.sessions set is_active = false, expires_at = least(expires_at, now()) where token_hash = ${tokenHash}`
}

export type DeactivatedSession = { id: number; user_id: number; token_hash: string }

/** Deactivates one session by id; with userId, only if it belongs to that user. */
export async function deactivateSessionById(db: Queryable, id: number, userId?: number): Promise<DeactivatedSession | undefined> {
  const rows = userId === undefined
    ? await db<DeactivatedSession[]>`
        update taguato.sessions set is_active = false, expires_at = least(expires_at, now()) where id = ${id} returning id, user_id, token_hash`
    : await db<DeactivatedSession[]>`
        update taguato.sessions set is_active = false, expires_at = least(expires_at, now()) where id = ${id} and user_id = ${userId} returning id, user_id, token_hash`
  return rows[0]
}

/** Deactivates every live session of a user; returns their token hashes (to drop the cached copies). */
export async function deactivateUserSessions(db: Queryable, userId: number): Promise<string[]> {
  const rows = await db<{ token_hash: string }[]>`
    update taguato.sessions set is_active = false, expires_at = least(expires_at, now()) where user_id = ${userId} and is_active returning token_hash`
  return rows.map((r) => r.token_hash)
}

/** Deactivates the sessions past their expiry; returns their token hashes. */
export async function deactivateExpiredSessions(db: Queryable): Promise<string[]> {
  const rows = await db<{ token_hash: string }[]>`
    update taguato.sessions set is_active = false where is_active and expires_at < now() returning token_hash`
  return rows.map((r) => r.token_hash)
}

/** After a restore: every session but the one with `keepHash` is deactivated. */
export async function deactivateSessionsExcept(db: Queryable, keepHash: string): Promise<void> {
  await db`update taguato.sessions set is_active = false where is_active and token_hash <> ${keepHash}`
}

/** Re-creates (or revives) a session row under a known token hash, valid for `ttlHours`. */
export async function upsertSession(db: Queryable, s: { userId: number; tokenHash: string; ip: string; userAgent: string; ttlHours: number }): Promise<void> {
  await db`
    insert into taguato.sessions (user_id, token_hash, ip_address, user_agent, expires_at)
    values (${s.userId}, ${s.tokenHash}, ${s.ip.slice(0, 45)}, ${s.userAgent}, now() + make_interval(hours => ${s.ttlHours}))
    on conflict (token_hash) do update set user_id = excluded.user_id, is_active = true, expires_at = excluded.expires_at, last_active = now()`
}

/**
 * Token hashes of sessions revoked (or otherwise deactivated) whose cached copy may still be in Redis:
 * inactive rows that were valid at some point in the last `seconds`. Newest first, at most `limit`.
 */
export async function recentlyRevokedHashes(db: Queryable, seconds: number, limit: number): Promise<string[]> {
  const rows = await db<{ token_hash: string }[]>`
    select token_hash from taguato.sessions
    where not is_active and expires_at > now() - make_interval(secs => ${seconds})
    order by expires_at desc limit ${limit}`
  return rows.map((r) => r.token_hash)
}
