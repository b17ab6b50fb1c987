/**
 * @module routes/auth/login
 * POST /api/auth/login (R3, docs/decisions.md#r3): public, never rate limited per user; lockout and 2FA live in
 * services/accounts/login. The per-account lockout cannot see password spraying (one guess at many
 * accounts), so failed logins are also counted per client IP (LOGIN_IP_MAX_FAILURES per 15 minutes).
 * Only failures count there too, settled after the password check the same way as the lockout: an
 * exhausted address is refused up front; a failure that goes over the limit is answered 429 rather
 * than 401, and a success is revealed only if the address is still under the limit at that moment.
 * A success neither counts nor wipes the address's failures (one valid account would otherwise let a
 * sprayer reset its counter). Redis errors fall back to this process's count, never to a refusal.
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
      await ipFailures.checkOrThrow(ip, IP_BLOCKED)
      let result
      try {
        const input = { username: body.username, password: body.password, totp_code: body.totp_code, ip, userAgent: c.req.header('user-agent') ?? 'unknown' }
        result = await login(deps, input, () => ipFailures.checkOrThrow(ip, IP_BLOCKED))
      } catch (err) {
        // A failure over the address's limit is not told apart from a blocked address.
        if (err instanceof ApiError && err.status === 401) await ipFailures.failOrThrow(ip, IP_BLOCKED)
        throw err
      }
      return c.json(result, 200)
    },
  )
}
