/**
 * @module db/queries/password-resets
 * Password recovery rows (R3, docs/decisions.md#r3, D6 (docs/decisions.md#d6)): codes and tokens are SHA-256 hex. Attempts are
 * counted with a conditional UPDATE so concurrent guesses cannot exceed the limit.
 */
import type { Queryable } from '../client.js'

export type RecoveryUser = { id: number; username: string; email: string | null; phone_number: string | null }

/** Active user whose username or email equals the identifier (reference: both columns). */
export async function findRecoveryUser(db: Queryable, identifier: string): Promise<RecoveryUser | undefined> {
  const [row] = await db<RecoveryUser[]>`
    select id, username, email, phone_number from taguato.users
    where is_active and (username = ${identifier} or email = ${identifier}) order by id limit 1`
  return row
}

/** Invalidates the user's unused rows and stores a new code hash valid for `minutes`. */
export async function replaceResetCode(db: Queryable, userId: number, codeHash: string, method: string, minutes: number): Promise<void> {
  await db`update taguato.password_resets set used_at = now() where user_id = ${userId} and used_at is null`
  await db`
    insert into taguato.password_resets (user_id, reset_code, method, expires_at)
    values (${userId}, ${codeHash}, ${method}, now() + make_interval(mins => ${minutes}))`
}

export type LiveReset = { id: number; reset_code: string; attempts: number }

/** The newest unused, unexpired row of the user. */
export async function liveReset(db: Queryable, userId: number): Promise<LiveReset | undefined> {
  const [row] = await db<LiveReset[]>`
    select id, reset_code, attempts from taguato.password_resets
    where user_id = ${userId} and used_at is null and expires_at > now() order by created_at desc, id desc limit 1`
  return row
}

/** Counts one attempt; false (and the row is burnt) when `max` attempts were already made. */
export async function countAttempt(db: Queryable, id: number, max: number): Promise<boolean> {
  const rows = await db`update taguato.password_resets set attempts = attempts + 1 where id = ${id} and attempts < ${max} returning id`
  if (rows.length > 0) return true
  await db`update taguato.password_resets set used_at = now() where id = ${id} and used_at is null`
  return false
}

export async function storeResetToken(db: Queryable, id: number, tokenHash: string, minutes: number): Promise<void> {
  await db`update taguato.password_resets set reset_token = ${tokenHash}, expires_at = now() + make_interval(mins => ${minutes}) where id = ${id}`
}

/** True when the token belongs to a live row (checked before the costly password hash). */
export async function isLiveToken(db: Queryable, tokenHash: string): Promise<boolean> {
  const rows = await db`select 1 from taguato.password_resets where reset_token = ${tokenHash} and used_at is null and expires_at > now() limit 1`
  return rows.length > 0
}

/** Marks the row of a live token used; returns its user, or undefined when the token is not live. */
export async function consumeResetToken(db: Queryable, tokenHash: string): Promise<{ user_id: number } | undefined> {
  const [row] = await db<{ user_id: number }[]>`
    update taguato.password_resets set used_at = now()
    where id = (select id from taguato.password_resets where reset_token = ${tokenHash} and used_at is null and expires_at > now() limit 1)
      and used_at is null
    returning user_id`
  return row
}

/** The password a reset sets: lockout cleared, no forced change (R3). */
export async function setResetPassword(db: Queryable, userId: number, hash: string): Promise<{ username: string } | undefined> {
  const [row] = await db<{ username: string }[]>`
    update taguato.users set password_hash = ${hash}, must_change_password = false, failed_login_attempts = 0,
      locked_until = null, updated_at = now()
    where id = ${userId} returning username`
  return row
}

/** Housekeeping: rows used over an hour ago or expired over a day ago. Returns how many went. */
export async function deleteStaleResets(db: Queryable): Promise<number> {
  const rows = await db`
    delete from taguato.password_resets
    where (used_at is not null and used_at < now() - interval '1 hour') or expires_at < now() - interval '24 hours'
    returning id`
  return rows.length
}
