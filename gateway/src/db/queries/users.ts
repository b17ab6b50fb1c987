/**
 * @module db/queries/users
 * Queries on taguato.users. Column lists are fixed here so no route ever selects password_hash or
 * TOTP secrets into a response by accident.
 */
import type { Queryable } from '../client.js'
import type { AuthUser } from '../../env.js'

/** The public user shape returned by admin routes (reference §3.3; null instead of absent, D11). */
export type PublicUser = {
  id: number
  username: string
  role: 'admin' | 'user'
  max_instances: number
  is_active: boolean
  must_change_password: boolean
  rate_limit: number | null
  email: string | null
  phone_number: string | null
  created_at: Date
  updated_at: Date
}

export type LoginRow = PublicUser & {
  password_hash: string
  failed_login_attempts: number
  locked_until: Date | null
  totp_enabled: boolean
  totp_secret: string | null
  totp_last_step: number | null
}

export async function findUserForLogin(db: Queryable, username: string): Promise<LoginRow | undefined> {
  const [row] = await db<LoginRow[]>`
    select id, username, role, max_instances, is_active, must_change_password, rate_limit, email, phone_number,
           created_at, updated_at, password_hash, failed_login_attempts, locked_until, totp_enabled, totp_secret,
           totp_last_step
    from taguato.users where username = ${username}`
  return row
}

/** The session -> user join used on a session-cache miss. */
export async function findSessionUser(db: Queryable, tokenHash: string): Promise<(AuthUser & { expires_at: Date }) | undefined> {
  const [row] = await db<(Omit<AuthUser, 'created_at'> & { created_at: Date; expires_at: Date })[]>`
    select u.id, u.username, u.role, u.max_instances, u.is_active, u.rate_limit, u.must_change_password,
           u.email, u.phone_number, u.created_at, u.totp_enabled, s.id as session_id, s.token_hash, s.expires_at
    from taguato.sessions s join taguato.users u on u.id = s.user_id
    where s.token_hash = ${tokenHash} and s.is_active and s.expires_at > now()`
  return row ? { ...row, created_at: row.created_at.toISOString() } : undefined
}

export async function findPublicUser(db: Queryable, id: number): Promise<PublicUser | undefined> {
  const [row] = await db<PublicUser[]>`
    select id, username, role, max_instances, is_active, must_change_password, rate_limit, email, phone_number,
           created_at, updated_at
    from taguato.users where id = ${id}`
  return row
}

/** Instances a user owns (not granted), oldest first, as /api/auth/me and /admin/users/{id} show them. */
export async function listOwnedInstances(db: Queryable, userId: number): Promise<{ instance_name: string; created_at: Date }[]> {
  return db<{ instance_name: string; created_at: Date }[]>`
    select instance_name, created_at from taguato.user_instances where user_id = ${userId} order by created_at asc, id asc`
}
