/**
 * @module routes/auth/change-password
 * POST /api/auth/change-password (R3, docs/decisions.md#r3): policy first, then the current password; on
 * success every session of the user is revoked at once (D5, docs/decisions.md#d5), the current one included. A stolen session
 * cannot brute-force the current password: 5 wrong ones per 15 minutes, then 429.
 */
import * as v from 'valibot'
import type { Deps } from '../../deps.js'
import { findUserSecrets, setOwnPassword } from '../../db/queries/users.js'
import { ApiError } from '../../errors/api-error.js'
import { parseBody, validate } from '../../lib/body.js'
import { register, type Router } from '../../lib/route.js'
import { PasswordRule } from '../../lib/rules.js'
import { TOO_MANY_ATTEMPTS, type AttemptLimiter } from '../../services/attempt-limiter/attempt-limiter.js'
import type { InlineGuard } from './guard.js'

const REQUIRED = 'current_password and new_password are required'

export const ChangePasswordBody = v.object(
  { current_password: v.string(REQUIRED), new_password: v.unknown() },
  REQUIRED,
)

export function changePasswordRoute(r: Router, deps: Deps, guard: InlineGuard, attempts: AttemptLimiter): void {
  register(
    r,
    {
      method: 'POST',
      path: '/api/auth/change-password',
      access: 'inline',
      summary: 'Change the own password; logs out every session',
      tags: ['auth'],
      body: ChangePasswordBody,
      response: { status: 200, description: '{message}' },
    },
    async (c) => {
      const user = await guard(c)
      const body = await parseBody(c, ChangePasswordBody)
      if (body.new_password === undefined || body.new_password === null) throw new ApiError(400, REQUIRED)
      const newPassword = validate(PasswordRule, body.new_password)
      await attempts.claimOrThrow(String(user.id), TOO_MANY_ATTEMPTS)
      const secrets = await findUserSecrets(deps.sql, user.id)
      const check = secrets?.is_active ? await deps.passwords.verify(secrets.password_hash, body.current_password) : { ok: false }
      if (!check.ok) throw new ApiError(401, 'Current password is incorrect')
      await attempts.reset(String(user.id))

      await setOwnPassword(deps.sql, user.id, await deps.passwords.hash(newPassword))
      await deps.sessions.revokeAllForUser(user.id)
      await deps.audit.record({
        userId: user.id,
        username: user.username,
        action: 'password_changed',
        resourceType: 'user',
        resourceId: user.id,
        ip: c.get('clientIp'),
      })
      return c.json({ message: 'Password changed successfully. Please login again.' })
    },
  )
}
