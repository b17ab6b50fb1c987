/**
 * @module routes/accounts
 * The accounts area's families in one mount, so routes/index.ts (shared by everyone) gets one line.
 */
import type { Deps } from '../deps.js'
import type { Router } from '../lib/route.js'
import { adminUserRoutes } from './admin-users/index.js'
import { auditRoutes } from './audit/index.js'
import { authRoutes } from './auth/index.js'
import { sessionRoutes } from './sessions/index.js'

export function accountRoutes(r: Router, deps: Deps): void {
  authRoutes(r, deps)
  adminUserRoutes(r, deps)
  sessionRoutes(r, deps)
  auditRoutes(r, deps)
}
