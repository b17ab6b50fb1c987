/**
 * @module routes/auth/login
 * POST /api/auth/login (reference §3.2.1): public, never rate limited per user; lockout and 2FA live in
 * services/accounts/login.
 */
import * as v from 'valibot'
import type { Deps } from '../../deps.js'
import { parseBody } from '../../lib/body.js'
import { register, type Router } from '../../lib/route.js'
import { login } from '../../services/accounts/login.js'

const REQUIRED = 'username and password are required'

export const LoginBody = v.object(
  {
    username: v.string(REQUIRED),
    password: v.string(REQUIRED),
    /** 6-digit string, only for users with 2FA; absent or "" answers {requires_2fa:true}. */
    totp_code: v.optional(v.unknown()),
  },
  REQUIRED,
)

export function loginRoute(r: Router, deps: Deps): void {
  register(
    r,
    {
      method: 'POST',
      path: '/api/auth/login',
      access: 'public',
      summary: 'Log in with username and password (and totp_code when 2FA is on); returns a session token once',
      tags: ['auth'],
      body: LoginBody,
      response: { status: 200, description: '{token, user:{id, username, role, max_instances, must_change_password}} or {requires_2fa:true}' },
    },
    async (c) => {
      const body = await parseBody(c, LoginBody)
      const result = await login(deps, {
        username: body.username,
        password: body.password,
        totp_code: body.totp_code,
        ip: c.get('clientIp'),
        userAgent: c.req.header('user-agent') ?? 'unknown',
      })
      return c.json(result, 200)
    },
  )
}
