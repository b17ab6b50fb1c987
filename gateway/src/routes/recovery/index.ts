/**
 * @module routes/recovery
 * POST /api/auth/forgot-password, /verify-reset-code, /reset-password (R3, docs/decisions.md#r3): public,
 * the reference's messages and check order. The identifier is `username` when that key is present,
 * else `email`; either is matched against both columns.
 */
import * as v from 'valibot'
import type { Deps } from '../../deps.js'
import { parseBody } from '../../lib/body.js'
import { fields } from '../../lib/body-schema.js'
import { register, type Router } from '../../lib/route.js'
import { PasswordRule } from '../../lib/rules.js'
import { forgotPassword, GENERIC_MESSAGE, resetPassword, verifyResetCode } from '../../services/recovery/recovery.js'

const tags = ['auth', 'recovery']
const ID_REQUIRED = 'username or email is required'
const IdText = v.pipe(v.string(ID_REQUIRED), v.nonEmpty(ID_REQUIRED))

/**
 * The identifier is `username` when that key is present (whatever `email` holds), else `email`: two
 * alternatives, each a non-empty string, and a present `username` rules the second one out. Every way
 * of failing says "username or email is required".
 */
const Identifier = v.union(
  [v.looseObject({ username: IdText }), v.looseObject({ username: v.optional(v.never()), email: IdText })],
  ID_REQUIRED,
)
const identifier = (b: v.InferOutput<typeof Identifier>): string => (typeof b.username === 'string' ? b.username : (b.email as string))

const CODE_REQUIRED = 'code is required'
const NEW_PASSWORD_REQUIRED = 'new_password is required'

/** The bodies the routes validate with and GET /api/openapi.json shows. */
export const ForgotBody = Identifier
/** The identifier first, then `code` (any JSON value but null or "": as before, a non-string one is simply a wrong code). */
export const VerifyBody = v.intersect([
  Identifier,
  fields({ code: v.pipe(v.unknown(), v.check((x) => x !== undefined && x !== null && x !== '', CODE_REQUIRED), v.description('The 6-digit code sent by email')) }),
])
export const ResetBody = fields({
  reset_token: v.pipe(v.string('reset_token is required'), v.nonEmpty('reset_token is required')),
  // Absent, null or "" is "required"; any other value is checked by the password rule (its messages).
  new_password: v.pipe(
    v.string((issue) => (issue.input === undefined || issue.input === null ? NEW_PASSWORD_REQUIRED : 'Password is required')),
    v.nonEmpty(NEW_PASSWORD_REQUIRED),
    PasswordRule,
  ),
})

export function recoveryRoutes(r: Router, deps: Deps): void {
  register(r, { method: 'POST', path: '/api/auth/forgot-password', access: 'public', summary: 'Send a recovery code (always the same answer)', tags, body: ForgotBody, response: { status: 200, description: '{message}' } }, async (c) => {
    const id = identifier(await parseBody(c, ForgotBody))
    try {
      await forgotPassword(deps, id, c.get('clientIp'))
    } catch (err) {
      // Anti-enumeration: whatever happened, the answer is the generic one.
      c.get('log').error({ err: (err as Error).message }, 'forgot-password failed')
    }
    return c.json({ message: GENERIC_MESSAGE })
  })

  register(r, { method: 'POST', path: '/api/auth/verify-reset-code', access: 'public', summary: 'Trade a recovery code for a reset token', tags, body: VerifyBody, response: { status: 200, description: '{reset_token}' } }, async (c) => {
    const b = await parseBody(c, VerifyBody)
    const token = await verifyResetCode(deps, identifier(b), b.code, c.get('clientIp'))
    return c.json({ reset_token: token })
  })

  register(r, { method: 'POST', path: '/api/auth/reset-password', access: 'public', summary: 'Set a new password with a reset token', tags, body: ResetBody, response: { status: 200, description: '{message}' } }, async (c) => {
    const b = await parseBody(c, ResetBody)
    await resetPassword(deps, b.reset_token, b.new_password, c.get('clientIp'))
    return c.json({ message: 'Password has been reset successfully. Please login with your new password.' })
  })
}
