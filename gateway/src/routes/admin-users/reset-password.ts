/**
 * @module routes/admin-users/reset-password
 * POST /admin/users/{id}/reset-password (R4, docs/decisions.md#r4): checks and messages of the reference; the
 * code and the mail are services/accounts/admin-reset (the mail itself is a seam still to be filled).
 */
import type { Deps } from '../../deps.js'
import { findPublicUser } from '../../db/queries/users.js'
import { ApiError } from '../../errors/api-error.js'
import { parseId } from '../../lib/body.js'
import { register, type Router } from '../../lib/route.js'
import { issueAdminReset, smtpConfigured } from '../../services/accounts/admin-reset.js'

export function resetPasswordRoute(r: Router, deps: Deps): void {
  register(
    r,
    { method: 'POST', path: '/admin/users/:id/reset-password', access: 'admin', summary: "Email the user a password reset code", tags: ['admin', 'users'], response: { status: 200, description: '{message}' } },
    async (c) => {
      const id = parseId(c.req.param('id'), 'User not found')
      const target = await findPublicUser(deps.sql, id)
      if (!target) throw new ApiError(404, 'User not found')
      if (!target.email) throw new ApiError(400, 'User has no email configured')
      if (!smtpConfigured(deps)) throw new ApiError(400, 'SMTP is not configured')
      const admin = c.get('user')
      await issueAdminReset(deps, { id: target.id, username: target.username, email: target.email }, admin.username)
      await deps.audit.record({ userId: admin.id, username: admin.username, action: 'admin_password_reset', resourceType: 'user', resourceId: id, details: { target_username: target.username }, ip: c.get('clientIp') })
      return c.json({ message: 'Reset email sent to user' })
    },
  )
}
