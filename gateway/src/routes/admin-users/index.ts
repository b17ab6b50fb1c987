/**
 * @module routes/admin-users
 * /admin/users: create, list, read, update, delete, reset-password (R4, docs/decisions.md#r4), and a
 * temporary password for users the emailed reset cannot reach. Admin only.
 */
import type { Deps } from '../../deps.js'
import type { Router } from '../../lib/route.js'
import { createUserRoute } from './create.js'
import { deleteUserRoute } from './delete.js'
import { readUserRoutes } from './read.js'
import { resetPasswordRoute } from './reset-password.js'
import { temporaryPasswordRoute } from './temporary-password.js'
import { updateUserRoute } from './update.js'

export function adminUserRoutes(r: Router, deps: Deps): void {
  createUserRoute(r, deps)
  readUserRoutes(r, deps)
  updateUserRoute(r, deps)
  deleteUserRoute(r, deps)
  resetPasswordRoute(r, deps)
  temporaryPasswordRoute(r, deps)
}
