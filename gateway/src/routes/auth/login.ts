/**
 * @module routes/auth/login
 * POST /api/auth/login (R3, docs/decisions.md#r3): public, never rate limited per user; lockout and 2FA live in
 * services/accounts/login. The per-account lockout cannot see password spraying (one guess at many
 * accounts), so failed logins are also counted per client IP (LOGIN_IP_MAX_FAILURES per 15 minutes).
 */
import * as v from 'valibot'
import type { Deps } from '../../deps.js'
import { ApiError } from '../../errors/api-error.js'
import { parseBody } from '../../lib/body.js'
import { register, type Router } from '../../lib/route.js'
import { login } from '../../services/accounts/login.js'
import { AttemptLimiter, ATTEMPT_WINDOW_SECONDS } from '../../services/attempt-limiter/attempt-limiter.js'

const REQUIRED = 'username and password are required'
export const IP_BLOCKED = 'Too many failed login attempts from this address. Try again later.'

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
  const ipFailures = new AttemptLimiter(deps.redis, {
    prefix: 'taguato:attempts:login-ip:',
    max: deps.config.LOGIN_IP_MAX_FAILURES,
    windowSeconds: ATTEMPT_WINDOW_SECONDS,
  })
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
      const ip = c.get('clientIp')
      // Claimed before the password is checked (parallel guesses cannot overshoot), given back unless the
      // login failed: a success must neither count nor wipe the address's failures (one valid account
      // would otherwise let a sprayer reset its counter).
      await ipFailures.claimOrThrow(ip, IP_BLOCKED)
      let result
      try {
        result = await login(deps, {
          username: body.username,
          password: body.password,
          totp_code: body.totp_code,
          ip,
          userAgent: c.req.header('user-agent') ?? 'unknown',
        })
      } catch (err) {
        if (!(err instanceof ApiError && err.status === 401)) await ipFailures.release(ip)
        throw err
      }
      await ipFailures.release(ip)
      return c.json(result, 200)
    },
  )
}
