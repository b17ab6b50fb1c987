/**
 * @module routes/auth
 * /api/auth/* of the accounts area: login, me, change-password, logout(-all), 2FA. All `inline` (no
 * per-user rate limit; each route checks the session with its own wording). Password recovery
 * (forgot/verify/reset) belongs to the recovery family.
 */
import type { Deps } from '../../deps.js'
import type { Router } from '../../lib/route.js'
import { changePasswordRoute } from './change-password.js'
import { inlineGuards } from './guard.js'
import { loginRoute } from './login.js'
import { logoutRoutes } from './logout.js'
import { meRoute } from './me.js'
import { twoFactorRoutes } from './two-factor.js'

export function authRoutes(r: Router, deps: Deps): void {
  const g = inlineGuards(deps.sessions)
  loginRoute(r, deps)
  meRoute(r, deps, g.active)
  changePasswordRoute(r, deps, g.any)
  logoutRoutes(r, deps, g.any)
  twoFactorRoutes(r, deps, g.twoFactor)
}
