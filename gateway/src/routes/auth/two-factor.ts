/**
 * @module routes/auth/two-factor
 * /api/auth/2fa/{setup,enable,disable} (R3, docs/decisions.md#r3, R3 fixed): setup remembers the secret it
 * issued and enable accepts only that one; every accepted code burns its time step (no replay). A
 * 6-digit code falls to guessing without a limit: 5 wrong codes (or passwords) per user and 15 minutes
 * across enable and disable, then 429.
 */
import * as v from 'valibot'
import type { Deps } from '../../deps.js'
import { claimTotpStep, disableTotp, enableTotp, findUserSecrets } from '../../db/queries/users.js'
import { ApiError } from '../../errors/api-error.js'
import { parseBody } from '../../lib/body.js'
import { register, type Router } from '../../lib/route.js'
import { TOO_MANY_ATTEMPTS, type AttemptLimiter } from '../../services/attempt-limiter/attempt-limiter.js'
import { safeEqual } from '../../services/sessions/tokens.js'
import { PendingTotpSecrets } from '../../services/totp/pending.js'
import { generateSecret, otpauthUri, verifyTotp } from '../../services/totp/totp.js'
import type { InlineGuard } from './guard.js'

const ENABLE_REQUIRED = 'secret and code are required'
const CODE_REQUIRED = 'code is required'
/** The reference's message, em dash (U+2014) included. */
const ENABLE_BAD_CODE = 'Invalid code \u2014 verify your authenticator app is synchronized'
const NO_PENDING = '2FA setup expired or secret does not match; start again with GET /api/auth/2fa/setup'

export const EnableBody = v.object({ secret: v.string(ENABLE_REQUIRED), code: v.unknown() }, ENABLE_REQUIRED)
export const DisableBody = v.object({ code: v.unknown(), password: v.optional(v.unknown()) }, CODE_REQUIRED)

const normalize = (s: string) => s.toUpperCase().replace(/[^A-Z2-7]/g, '')

export function twoFactorRoutes(r: Router, deps: Deps, guard: InlineGuard, attempts: AttemptLimiter): void {
  const pending = new PendingTotpSecrets(deps.redis)
  const tags = ['auth', '2fa']

  register(
    r,
    { method: 'GET', path: '/api/auth/2fa/setup', access: 'inline', summary: 'Issue a TOTP secret to confirm with /2fa/enable (valid 10 min)', tags, response: { status: 200, description: '{secret, otpauth_uri}' } },
    async (c) => {
      const user = await guard(c)
      const secret = generateSecret()
      await pending.put(user.id, secret)
      return c.json({ secret, otpauth_uri: otpauthUri(user.username, secret) })
    },
  )

  register(
    r,
    { method: 'POST', path: '/api/auth/2fa/enable', access: 'inline', summary: 'Turn 2FA on with the secret from /2fa/setup and a current code', tags, body: EnableBody, response: { status: 200, description: '{message}' } },
    async (c) => {
      const user = await guard(c)
      const body = await parseBody(c, EnableBody, ENABLE_REQUIRED)
      if (body.code === undefined || body.code === null || body.code === '') throw new ApiError(400, ENABLE_REQUIRED)
      const issued = await pending.get(user.id)
      if (!issued || !safeEqual(normalize(issued), normalize(body.secret))) throw new ApiError(400, NO_PENDING)
      await attempts.claimOrThrow(String(user.id), TOO_MANY_ATTEMPTS)
      const step = verifyTotp(issued, body.code)
      if (step === null) throw new ApiError(400, ENABLE_BAD_CODE)
      await attempts.reset(String(user.id))
      await enableTotp(deps.sql, user.id, issued, step)
      await pending.clear(user.id)
      await deps.sessions.refreshUser(user.id)
      await deps.audit.record({ userId: user.id, username: user.username, action: '2fa_enabled', resourceType: 'user', resourceId: user.id, ip: c.get('clientIp') })
      return c.json({ message: 'Two-factor authentication enabled' })
    },
  )

  register(
    r,
    { method: 'POST', path: '/api/auth/2fa/disable', access: 'inline', summary: 'Turn 2FA off with a current code (and the password when given)', tags, body: DisableBody, response: { status: 200, description: '{message}' } },
    async (c) => {
      const user = await guard(c)
      const body = await parseBody(c, DisableBody, CODE_REQUIRED)
      if (body.code === undefined || body.code === null || body.code === '') throw new ApiError(400, CODE_REQUIRED)
      const s = await findUserSecrets(deps.sql, user.id)
      if (!s?.totp_enabled || !s.totp_secret) throw new ApiError(400, '2FA is not currently enabled')
      await attempts.claimOrThrow(String(user.id), TOO_MANY_ATTEMPTS)
      if (body.password !== undefined) {
        const ok = typeof body.password === 'string' && (await deps.passwords.verify(s.password_hash, body.password)).ok
        if (!ok) throw new ApiError(400, 'Invalid password')
      }
      const step = verifyTotp(s.totp_secret, body.code, { afterStep: s.totp_last_step })
      if (step === null || !(await claimTotpStep(deps.sql, user.id, step))) throw new ApiError(400, 'Invalid code')
      await attempts.reset(String(user.id))
      await disableTotp(deps.sql, user.id)
      await deps.sessions.refreshUser(user.id)
      await deps.audit.record({ userId: user.id, username: user.username, action: '2fa_disabled', resourceType: 'user', resourceId: user.id, ip: c.get('clientIp') })
      return c.json({ message: 'Two-factor authentication disabled' })
    },
  )
}
