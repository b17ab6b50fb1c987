/**
 * @module routes/auth
 * /api/auth/* of the accounts area: login, me, change-password, logout(-all), 2FA. All `inline` (no
 * per-user rate limit; each route checks the session with its own wording). Password recovery
 * (forgot/verify/reset) belongs to the recovery family.
 */
import type { Deps } from '../../deps.js'
import type { Router } from '../../lib/route.js'
import { AttemptLimiter, ATTEMPT_WINDOW_SECONDS } from '../../services/attempt-limiter/attempt-limiter.js'
import { changePasswordRoute } from './change-password.js'
import { inlineGuards } from './guard.js'
import { loginRoute } from './login.js'
import { logoutRoutes } from './logout.js'
import { meRoute } from './me.js'
import { twoFactorRoutes } from './two-factor.js'

/** Wrong secrets a session may try per user and window: these routes have no per-user rate limit. */
export const SECRET_MAX_ATTEMPTS = 5

export function authRoutes(r: Router, deps: Deps): void {
  const g = inlineGuards(deps.sessions)
  // One counter per secret: a mistyped TOTP code must not block a password change, nor the reverse.
  const attempts = (kind: string) =>
    new AttemptLimiter(deps.redis, { prefix: `taguato:attempts:${kind}:`, max: SECRET_MAX_ATTEMPTS, windowSeconds: ATTEMPT_WINDOW_SECONDS })
  loginRoute(r, deps)
  meRoute(r, deps, g.active)
  changePasswordRoute(r, deps, g.any, attempts('password'))
  logoutRoutes(r, deps, g.any)
  twoFactorRoutes(r, deps, g.twoFactor, attempts('2fa'))
}
