/**
 * @module routes/auth/guard
 * /api/auth/* routes are `access: 'inline'` (no per-user rate limit, R3 (docs/decisions.md#r3)) and check the
 * session themselves with the reference's per-route wording. These reuse the session middleware.
 */
import type { Context } from 'hono'
import type { AppEnv, AuthUser } from '../../env.js'
import { session } from '../../middleware/session/index.js'
import type { SessionStore } from '../../services/sessions/session-store.js'

export type InlineGuard = (c: Context<AppEnv>) => Promise<AuthUser>

function guard(mw: ReturnType<typeof session>): InlineGuard {
  return async (c) => {
    await mw(c, async () => undefined)
    return c.get('user')
  }
}

export function inlineGuards(sessions: SessionStore) {
  return {
    /** /me: 401 Missing apikey header / Invalid or expired session token, 403 Account is disabled. */
    active: guard(session({ sessions })),
    /** change-password, logout, logout-all: the 401s only (a disabled user may still log out). */
    any: guard(session({ sessions, requireActive: false })),
    /** 2FA routes: every failure is 401 "Unauthorized". */
    twoFactor: guard(session({ sessions, missingMessage: 'Unauthorized', invalidMessage: 'Unauthorized', requireActive: false })),
  }
}
