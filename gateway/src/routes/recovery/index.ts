/**
 * @module routes/recovery
 * POST /api/auth/forgot-password, /verify-reset-code, /reset-password (R3, docs/decisions.md#r3): public,
 * the reference's messages and check order. The identifier is `username` when that key is present,
 * else `email`; either is matched against both columns.
 */
import * as v from 'valibot'
import type { Deps } from '../../deps.js'
import { ApiError } from '../../errors/api-error.js'
import { readJsonObject, validate } from '../../lib/body.js'
import { register, type Router } from '../../lib/route.js'
import { PasswordRule } from '../../lib/rules.js'
import { forgotPassword, GENERIC_MESSAGE, resetPassword, verifyResetCode } from '../../services/recovery/recovery.js'

const tags = ['auth', 'recovery']
const any = v.optional(v.unknown())
export const ForgotBody = v.object({ username: any, email: any })
export const VerifyBody = v.object({ username: any, email: any, code: v.string() })
export const ResetBody = v.object({ reset_token: v.string(), new_password: v.string() })

function identifier(b: Record<string, unknown>): string {
  const id = 'username' in b ? b.username : b.email
  if (typeof id !== 'string' || id === '') throw new ApiError(400, 'username or email is required')
  return id
}

const required = (value: unknown, message: string): string => {
  if (typeof value !== 'string' || value === '') throw new ApiError(400, message)
  return value
}

export function recoveryRoutes(r: Router, deps: Deps): void {
  register(r, { method: 'POST', path: '/api/auth/forgot-password', access: 'public', summary: 'Send a recovery code (always the same answer)', tags, body: ForgotBody, response: { status: 200, description: '{message}' } }, async (c) => {
    const id = identifier(await readJsonObject(c))
    try {
      await forgotPassword(deps, id, c.get('clientIp'))
    } catch (err) {
      // Anti-enumeration: whatever happened, the answer is the generic one.
      c.get('log').error({ err: (err as Error).message }, 'forgot-password failed')
    }
    return c.json({ message: GENERIC_MESSAGE })
  })

  register(r, { method: 'POST', path: '/api/auth/verify-reset-code', access: 'public', summary: 'Trade a recovery code for a reset token', tags, body: VerifyBody, response: { status: 200, description: '{reset_token}' } }, async (c) => {
    const b = await readJsonObject(c)
    const id = identifier(b)
    if (b.code === undefined || b.code === null || b.code === '') throw new ApiError(400, 'code is required')
    const token = await verifyResetCode(deps, id, b.code, c.get('clientIp'))
    return c.json({ reset_token: token })
  })

  register(r, { method: 'POST', path: '/api/auth/reset-password', access: 'public', summary: 'Set a new password with a reset token', tags, body: ResetBody, response: { status: 200, description: '{message}' } }, async (c) => {
    const b = await readJsonObject(c)
    const token = required(b.reset_token, 'reset_token is required')
    if (b.new_password === undefined || b.new_password === null || b.new_password === '') throw new ApiError(400, 'new_password is required')
    const password = validate(PasswordRule, b.new_password)
    await resetPassword(deps, token, password, c.get('clientIp'))
    return c.json({ message: 'Password has been reset successfully. Please login with your new password.' })
  })
}
