/**
 * @module services/accounts/login
 * POST /api/auth/login's logic (R3 (docs/decisions.md#r3) with D4 (docs/decisions.md#d4)/D6): lockout claimed atomically before the
 * password check, the two-step 2FA answer, TOTP replay refusal, bcrypt -> argon2id upgrade, session.
 */
import type { Deps } from '../../deps.js'
import {
  claimLoginAttempt,
  claimTotpStep,
  findUserForLogin,
  releaseLoginAttempt,
  replacePasswordHash,
  resetLoginFailures,
} from '../../db/queries/users.js'
import { ApiError } from '../../errors/api-error.js'
import { verifyTotp } from '../totp/totp.js'

export const INVALID_CREDENTIALS = 'Invalid username or password'
export const INVALID_TOTP = 'Invalid authenticator code'

export type LoginInput = { username: string; password: string; totp_code?: unknown; ip: string; userAgent: string }

export type LoginResult =
  | { requires_2fa: true }
  | {
      token: string
      user: { id: number; username: string; role: 'admin' | 'user'; max_instances: number; must_change_password: boolean }
    }

export const lockedMessage = (minutes: number) => `Account temporarily locked. Try again in ${minutes} minutes.`

export async function login(deps: Deps, input: LoginInput): Promise<LoginResult> {
  const { LOGIN_MAX_ATTEMPTS: max, LOGIN_LOCK_MINUTES: minutes } = deps.config
  // Names longer than the column or holding NUL (which PostgreSQL text refuses) cannot exist: no
  // lookup, the same work as an unknown user.
  const possible = Buffer.byteLength(input.username) <= 100 && !input.username.includes('\0')
  const user = possible ? await findUserForLogin(deps.sql, input.username) : undefined
  if (!user || !user.is_active) {
    await deps.passwords.burn(input.password)
    throw new ApiError(401, INVALID_CREDENTIALS)
  }
  if (!(await claimLoginAttempt(deps.sql, user.id, max, minutes))) throw new ApiError(429, lockedMessage(minutes))

  const check = await deps.passwords.verify(user.password_hash, input.password)
  if (!check.ok) throw new ApiError(401, INVALID_CREDENTIALS)

  if (user.totp_enabled && user.totp_secret) {
    const code = input.totp_code
    if (code === undefined || code === null || code === '') {
      await releaseLoginAttempt(deps.sql, user.id, max)
      return { requires_2fa: true }
    }
    const step = verifyTotp(user.totp_secret, code, { afterStep: user.totp_last_step })
    if (step === null || !(await claimTotpStep(deps.sql, user.id, step))) throw new ApiError(401, INVALID_TOTP)
  }

  await resetLoginFailures(deps.sql, user.id)
  if (check.needsRehash) {
    // Best effort: a failed upgrade must not fail a correct login; the next login tries again.
    try {
      await replacePasswordHash(deps.sql, user.id, user.password_hash, await deps.passwords.hash(input.password))
    } catch (err) {
      deps.log.warn({ err: (err as Error).message, userId: user.id }, 'password rehash failed')
    }
  }
  const { token } = await deps.sessions.create(user.id, input.ip || 'unknown', input.userAgent || 'unknown')
  await deps.audit.record({ userId: user.id, username: user.username, action: 'user_login', resourceType: 'session', ip: input.ip })
  return {
    token,
    user: {
      id: user.id,
      username: user.username,
      role: user.role,
      max_instances: user.max_instances,
      must_change_password: user.must_change_password,
    },
  }
}
