/**
 * @module services/accounts/login
 * POST /api/auth/login's logic (R3 (docs/decisions.md#r3) with D4 (docs/decisions.md#d4)/D6): lockout,
 * the two-step 2FA answer, TOTP replay refusal, bcrypt -> argon2id upgrade, session.
 *
 * Only failures count toward the lockout, so a correct password is never refused because other
 * logins ran at the same time. Parallel guessing stays bounded because nothing is claimed up front
 * but every outcome is settled atomically against the account's row AFTER the secret was checked: a
 * failure is counted unless the account is locked by then (answered 429), and a success (or the
 * `requires_2fa` step) is revealed only if the account is still unlocked at that moment. Of any number
 * of parallel guesses, at most LOGIN_MAX_ATTEMPTS ever get an answer other than 429.
 */
import type { Deps } from '../../deps.js'
import {
  claimTotpStep,
  findUserForLogin,
  isLoginLocked,
  recordLoginFailure,
  replacePasswordHash,
  settleLoginSuccess,
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

/**
 * Called right before an outcome is revealed (a session, or `requires_2fa`); throws to refuse it. The
 * route uses it for its per-address limit, which must be decided after the password check too.
 */
export type RevealGate = () => Promise<void>

export const lockedMessage = (minutes: number) => `Account temporarily locked. Try again in ${minutes} minutes.`

export async function login(deps: Deps, input: LoginInput, gate: RevealGate = async () => undefined): Promise<LoginResult> {
  const { LOGIN_MAX_ATTEMPTS: max, LOGIN_LOCK_MINUTES: minutes } = deps.config
  const locked = () => new ApiError(429, lockedMessage(minutes))
  // Names longer than the column or holding NUL (which PostgreSQL text refuses) cannot exist: no
  // lookup, the same work as an unknown user.
  const possible = Buffer.byteLength(input.username) <= 100 && !input.username.includes('\0')
  const user = possible ? await findUserForLogin(deps.sql, input.username) : undefined
  if (!user || !user.is_active) {
    await deps.passwords.burn(input.password)
    throw new ApiError(401, INVALID_CREDENTIALS)
  }
  // Refused before any hashing work while locked (the reference answers 429 even to the right password).
  if (user.locked) throw locked()
  const fail = async (message: string): Promise<never> => {
    if (!(await recordLoginFailure(deps.sql, user.id, max, minutes))) throw locked()
    throw new ApiError(401, message)
  }

  const check = await deps.passwords.verify(user.password_hash, input.password)
  if (!check.ok) return fail(INVALID_CREDENTIALS)

  if (user.totp_enabled && user.totp_secret) {
    const code = input.totp_code
    if (code === undefined || code === null || code === '') {
      // The password was right: neither a failure nor a success, but revealed only while unlocked.
      if (await isLoginLocked(deps.sql, user.id)) throw locked()
      await gate()
      return { requires_2fa: true }
    }
    const step = verifyTotp(user.totp_secret, code, { afterStep: user.totp_last_step })
    if (step === null || !(await claimTotpStep(deps.sql, user.id, step))) return fail(INVALID_TOTP)
  }

  await gate()
  if (!(await settleLoginSuccess(deps.sql, user.id))) throw locked()
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
