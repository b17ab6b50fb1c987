/**
 * @module db/queries/sessions
 * Listing queries on taguato.sessions (revocation lives in services/sessions, which also drops the
 * Redis copies). Only active and unexpired sessions are listed (R4, docs/decisions.md#r4).
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
