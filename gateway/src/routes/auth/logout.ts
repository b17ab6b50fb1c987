/**
 * @module routes/auth/logout
 * POST /api/auth/logout and /api/auth/logout-all (R3, docs/decisions.md#r3). Revocation goes through the
 * session store, so the token is refused on the next request on every replica (D5, docs/decisions.md#d5).
 */
import type { Deps } from '../../deps.js'
import { register, type Router } from '../../lib/route.js'
import type { InlineGuard } from './guard.js'

export function logoutRoutes(r: Router, deps: Deps, guard: InlineGuard): void {
  register(
    r,
    { method: 'POST', path: '/api/auth/logout', access: 'inline', summary: 'Revoke the current session', tags: ['auth'], response: { status: 200, description: '{message}' } },
    async (c) => {
      const user = await guard(c)
      await deps.sessions.revokeHash(user.token_hash)
      await deps.audit.record({ userId: user.id, username: user.username, action: 'user_logout', resourceType: 'session', ip: c.get('clientIp') })
      return c.json({ message: 'Logged out successfully' })
    },
  )
  register(
    r,
    { method: 'POST', path: '/api/auth/logout-all', access: 'inline', summary: 'Revoke every session of the current user', tags: ['auth'], response: { status: 200, description: '{message}' } },
    async (c) => {
      const user = await guard(c)
      await deps.sessions.revokeAllForUser(user.id)
      await deps.audit.record({ userId: user.id, username: user.username, action: 'user_logout_all', resourceType: 'session', ip: c.get('clientIp') })
      return c.json({ message: 'All sessions logged out successfully' })
    },
  )
}
