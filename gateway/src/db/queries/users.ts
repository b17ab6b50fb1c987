/**
 * @module db/queries/users
 * Queries on taguato.users. Column lists are fixed here so no route ever selects password_hash or
 * TOTP secrets into a response by accident.
 */
import type { Queryable } from '../client.js'

/** The public user shape returned by admin routes (R4, docs/decisions.md#r4; null instead of absent, D11 (docs/decisions.md#d11)). */
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
  /** locked_until is in the future, by the database's clock. */
  locked: boolean
  totp_enabled: boolean
  totp_secret: string | null
  totp_last_step: number | null
}

export async function findUserForLogin(db: Queryable, username: string): Promise<LoginRow | undefined> {
  const [row] = await db<LoginRow[]>`
    select id, username, role, max_instances, is_active, must_change_password, rate_limit, email, phone_number,
           created_at, updated_at, password_hash, failed_login_attempts, locked_until, totp_enabled, totp_secret,
           totp_last_step, coalesce(locked_until > now(), false) as locked
    from taguato.users where username = ${username}`
  return row
}

/**
 * The caller as resolved from the session token (never carries secrets): the row of
 * `findSessionUser`, cached in Redis and put on the Hono context by the session middleware. It lives
 * here, beside the query that builds it, so that the session store and env.ts can share it without
 * importing each other.
 */
export type AuthUser = {
  id: number
  username: string
  role: 'admin' | 'user'
  max_instances: number
  is_active: boolean
  rate_limit: number | null
  must_change_password: boolean
  email: string | null
  phone_number: string | null
  created_at: string
  totp_enabled: boolean
  session_id: number
  token_hash: string
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

// --- login accounting (D6, docs/decisions.md#d6) -------------------------------------------------------------------------

/**
 * Counts one failed login (wrong password or authenticator code), settled after the secret was
 * checked: atomically, unless the account is locked by then. The failure that reaches `maxAttempts`
 * locks it; a lock that has run out counts from 0 again. Returns false when the account was locked
 * (the caller answers 429 and the failure is not counted).
 */
export async function recordLoginFailure(db: Queryable, id: number, maxAttempts: number, lockMinutes: number): Promise<boolean> {
  const rows = await db`
    update taguato.users u set
      failed_login_attempts = old.n + 1,
      locked_until = case when old.n + 1 >= ${maxAttempts} then now() + make_interval(mins => ${lockMinutes}) else null end
    from (select id, case when locked_until <= now() then 0 else failed_login_attempts end as n
          from taguato.users where id = ${id} and (locked_until is null or locked_until <= now()) for update) old
    where u.id = old.id
    returning u.id`
  return rows.length > 0
}

/** A successful login resets the counters, atomically, unless the account is locked (then false). */
export async function settleLoginSuccess(db: Queryable, id: number): Promise<boolean> {
  const rows = await db`
    update taguato.users set failed_login_attempts = 0, locked_until = null
    where id = ${id} and (locked_until is null or locked_until <= now())
    returning id`
  return rows.length > 0
}

export async function isLoginLocked(db: Queryable, id: number): Promise<boolean> {
  const rows = await db`select 1 from taguato.users where id = ${id} and locked_until > now()`
  return rows.length > 0
}

/** Upgrades a verified bcrypt (or weaker argon2) hash, unless it changed meanwhile. */
export async function replacePasswordHash(db: Queryable, id: number, oldHash: string, newHash: string): Promise<void> {
  await db`update taguato.users set password_hash = ${newHash} where id = ${id} and password_hash = ${oldHash}`
}

// --- self-service password and TOTP -----------------------------------------------------------------

export type UserSecrets = { id: number; is_active: boolean; password_hash: string; totp_enabled: boolean; totp_secret: string | null; totp_last_step: number | null }

export async function findUserSecrets(db: Queryable, id: number): Promise<UserSecrets | undefined> {
  const [row] = await db<UserSecrets[]>`
    select id, is_active, password_hash, totp_enabled, totp_secret, totp_last_step
    from taguato.users where id = ${id}`
  return row
}

/** Sets a password the user chose (change-password): the forced-change flag is cleared. */
export async function setOwnPassword(db: Queryable, id: number, hash: string): Promise<void> {
  await db`update taguato.users set password_hash = ${hash}, must_change_password = false, updated_at = now() where id = ${id}`
}

/** Records the TOTP step just used; false when it (or a later one) was already used: a replay. */
export async function claimTotpStep(db: Queryable, id: number, step: number): Promise<boolean> {
  const rows = await db`
    update taguato.users set totp_last_step = ${step}
    where id = ${id} and (totp_last_step is null or totp_last_step < ${step}) returning id`
  return rows.length > 0
}

export async function enableTotp(db: Queryable, id: number, secret: string, step: number): Promise<void> {
  await db`
    update taguato.users set totp_secret = ${secret}, totp_enabled = true, totp_last_step = ${step}, updated_at = now()
    where id = ${id}`
}

export async function disableTotp(db: Queryable, id: number): Promise<void> {
  await db`
    update taguato.users set totp_secret = null, totp_enabled = false, totp_last_step = null, updated_at = now()
    where id = ${id}`
}

// --- admin management (R4) --------------------------------------------------------------

export type NewUser = {
  username: string
  password_hash: string
  role: 'admin' | 'user'
  max_instances: number
  email: string | null
  phone_number: string | null
  rate_limit: number | null
  api_token: string
}

export async function insertUser(db: Queryable, u: NewUser): Promise<Omit<PublicUser, 'updated_at'>> {
  const [row] = await db<Omit<PublicUser, 'updated_at'>[]>`
    insert into taguato.users (username, password_hash, role, max_instances, email, phone_number, rate_limit, api_token)
    values (${u.username}, ${u.password_hash}, ${u.role}, ${u.max_instances}, ${u.email}, ${u.phone_number}, ${u.rate_limit}, ${u.api_token})
    returning id, username, role, max_instances, is_active, must_change_password, rate_limit, email, phone_number, created_at`
  return row!
}

export type UserFilter = { search?: string | undefined; role?: 'admin' | 'user' | undefined; active?: boolean | undefined }

/** Escapes LIKE wildcards so `search` is a plain substring (R2, docs/decisions.md#r2: `%`/`_` were wildcards). */
export const likeEscape = (s: string): string => s.replace(/[\\%_]/g, (m) => `\\${m}`)

/** Admin list rows also say `locked_until` while a login lock holds (null otherwise), so the panel offers Unlock only then. */
export async function listUsers(db: Queryable, f: UserFilter, limit: number, offset: number): Promise<{ rows: (PublicUser & { locked_until: Date | null })[]; total: number }> {
  const where = db`
    where true
    ${f.search ? db`and username ilike ${`%${likeEscape(f.search)}%`} escape '\\'` : db``}
    ${f.role ? db`and role = ${f.role}` : db``}
    ${f.active === undefined ? db`` : db`and is_active = ${f.active}`}`
  const [rows, [count]] = await Promise.all([
    db<(PublicUser & { locked_until: Date | null })[]>`
      select id, username, role, max_instances, is_active, must_change_password, rate_limit, email, phone_number,
             created_at, updated_at, case when locked_until > now() then locked_until end as locked_until
      from taguato.users ${where} order by id asc limit ${limit} offset ${offset}`,
    db<{ n: number }[]>`select count(*) as n from taguato.users ${where}`,
  ])
  return { rows, total: count!.n }
}

/** Columns an admin may set; `unlock` and `regenerate_token` are turned into columns by the caller. */
export type UserChanges = Partial<{
  max_instances: number
  is_active: boolean
  role: 'admin' | 'user'
  rate_limit: number | null
  email: string | null
  phone_number: string | null
  password_hash: string
  must_change_password: boolean
  api_token: string
  failed_login_attempts: number
  locked_until: null
}>

/** Applies the changes; undefined when the id does not exist. */
export async function updateUser(db: Queryable, id: number, changes: UserChanges): Promise<PublicUser | undefined> {
  // The helper must follow `set` directly for postgres.js to render "col = value" pairs.
  const set = { ...changes, updated_at: new Date() }
  const [row] = await db<PublicUser[]>`
    update taguato.users set ${db(set, Object.keys(set) as (keyof typeof set)[])}
    where id = ${id}
    returning id, username, role, max_instances, is_active, must_change_password, rate_limit, email, phone_number,
              created_at, updated_at`
  return row
}

/**
 * Ids of the active admins, their rows locked until the transaction ends (always in id order, so two
 * callers cannot deadlock). Two concurrent demotions then see each other's result, and the last active
 * admin cannot be removed by a race.
 */
export async function lockActiveAdminIds(db: Queryable): Promise<number[]> {
  const rows = await db<{ id: number }[]>`
    select id from taguato.users where role = 'admin' and is_active order by id for update`
  return rows.map((r) => r.id)
}

/** Locks a user's row until the transaction ends; false when there is no such user. */
export async function lockUserRow(db: Queryable, id: number): Promise<boolean> {
  const rows = await db`select id from taguato.users where id = ${id} for update`
  return rows.length > 0
}

export async function userExists(db: Queryable, id: number): Promise<boolean> {
  const rows = await db`select 1 from taguato.users where id = ${id}`
  return rows.length > 0
}

export async function isActiveUser(db: Queryable, id: number): Promise<boolean> {
  const rows = await db<{ id: number }[]>`select id from taguato.users where id = ${id} and is_active`
  return rows.length > 0
}

export async function deleteUser(db: Queryable, id: number): Promise<{ id: number; username: string } | undefined> {
  const [row] = await db<{ id: number; username: string }[]>`delete from taguato.users where id = ${id} returning id, username`
  return row
}

/** Instances a user owns with their channel (only WhatsApp ones exist upstream). */
export async function listOwnedInstanceChannels(db: Queryable, userId: number): Promise<{ instance_name: string; channel_type: string }[]> {
  return db<{ instance_name: string; channel_type: string }[]>`
    select instance_name, channel_type from taguato.user_instances where user_id = ${userId} order by id`
}

/** Which unique constraint a 23505 violated, as the reference's two 409 messages need. */
export function uniqueViolation(err: unknown): 'username' | 'email' | 'other' | null {
  const e = err as { code?: string; constraint_name?: string }
  if (e?.code !== '23505') return null
  if (e.constraint_name?.includes('email')) return 'email'
  if (e.constraint_name?.includes('username')) return 'username'
  return 'other'
}
