/**
 * @module services/recovery
 * The three public recovery steps (R3 (docs/decisions.md#r3) with D6 (docs/decisions.md#d6)): forgot (always the generic answer;
 * throttled per IP and per account; the code is sent in the background so timing says nothing about
 * the account), verify (5 attempts per code; per-IP limit), reset (password set, lockout cleared,
 * every session revoked, in one transaction).
 */
import type { Deps } from '../../deps.js'
import * as q from '../../db/queries/password-resets.js'
import { ApiError } from '../../errors/api-error.js'
import { hashSecret, matchesHash, newResetCode, newResetToken } from './codes.js'
import { chooseChannel, deliverCode } from './delivery.js'
import { withinLimit } from './throttle.js'

export const GENERIC_MESSAGE = 'If the account exists, a recovery code has been sent.'
export const INVALID_CODE = 'Invalid code or expired'
const CODE_MINUTES = 15
const TOKEN_MINUTES = 10
const MAX_ATTEMPTS = 5
const VERIFY_WINDOW_SECONDS = 15 * 60

export async function forgotPassword(deps: Deps, identifier: string, ip: string): Promise<void> {
  const { redis, log } = deps
  const limit = deps.config.RECOVERY_HOURLY_LIMIT
  if (!(await withinLimit(redis, `recovery_rl:ip:${ip}`, limit, 3600))) return
  const user = Buffer.byteLength(identifier) <= 255 ? await q.findRecoveryUser(deps.sql, identifier) : undefined
  if (!user) return
  if (!(await withinLimit(redis, `recovery_rl:user:${user.id}`, limit, 3600))) return
  const channel = chooseChannel(deps, user)
  if (!channel) {
    log.warn({ userId: user.id }, 'recovery: no delivery channel for user')
    return
  }
  const code = newResetCode()
  await q.replaceResetCode(deps.sql, user.id, hashSecret(code), channel, CODE_MINUTES)
  await deps.audit.record({ userId: user.id, username: user.username, action: 'password_reset_requested', resourceType: 'user', resourceId: user.id, details: { method: channel }, ip })
  void deliverCode(deps, channel, user, code).then(
    () => log.info({ userId: user.id, channel }, 'recovery code sent'),
    (err: Error) => log.error({ userId: user.id, channel, err: err.message }, 'recovery code delivery failed'),
  )
}

export async function verifyResetCode(deps: Deps, identifier: string, code: unknown, ip: string): Promise<string> {
  if (!(await withinLimit(deps.redis, `recovery_rl:verify:${ip}`, deps.config.RECOVERY_VERIFY_LIMIT, VERIFY_WINDOW_SECONDS))) {
    throw new ApiError(429, 'Too many attempts. Please try again later.', {}, { 'Retry-After': String(VERIFY_WINDOW_SECONDS) })
  }
  const user = Buffer.byteLength(identifier) <= 255 ? await q.findRecoveryUser(deps.sql, identifier) : undefined
  const row = user ? await q.liveReset(deps.sql, user.id) : undefined
  if (!row) throw new ApiError(400, INVALID_CODE)
  if (!(await q.countAttempt(deps.sql, row.id, MAX_ATTEMPTS))) throw new ApiError(400, 'Too many attempts. Please request a new code.')
  if (!matchesHash(code, row.reset_code)) throw new ApiError(400, INVALID_CODE)
  const token = newResetToken()
  await q.storeResetToken(deps.sql, row.id, hashSecret(token), TOKEN_MINUTES)
  return token
}

export async function resetPassword(deps: Deps, token: string, newPassword: string, ip: string): Promise<void> {
  const tokenHash = hashSecret(token)
  if (!(await q.isLiveToken(deps.sql, tokenHash))) throw new ApiError(400, 'Invalid or expired reset token')
  const hash = await deps.passwords.hash(newPassword)
  await deps.sql.begin(async (tx) => {
    const row = await q.consumeResetToken(tx, tokenHash)
    if (!row) throw new ApiError(400, 'Invalid or expired reset token')
    const user = await q.setResetPassword(tx, row.user_id, hash)
    if (!user) throw new ApiError(400, 'Invalid or expired reset token')
    await deps.sessions.revokeAllForUser(row.user_id, tx)
    await deps.audit.record({ userId: row.user_id, username: user.username, action: 'password_reset_completed', resourceType: 'user', resourceId: row.user_id, ip }, tx)
  }).catch((err: unknown) => {
    if (err instanceof ApiError) throw err
    deps.log.error({ err: (err as Error).message }, 'password reset failed')
    throw new ApiError(500, 'Failed to update password')
  })
}
