/**
 * @module routes/admin-users/temporary-password
 * POST /admin/users/{id}/temporary-password: the way back in for a user the emailed reset cannot reach
 * (no email, or no SMTP). The gateway picks a password, returns it once to the admin, stores only its
 * hash and sets `must_change_password`: the login answers with that flag and the panel opens the forced
 * change before anything else. It also clears a login lock and ends the user's sessions (D5,
 * docs/decisions.md#d5). The password never reaches a log line or the audit row (D4, docs/decisions.md#d4).
 */
import { randomInt } from 'node:crypto'
import type { Deps } from '../../deps.js'
import { updateUser } from '../../db/queries/users.js'
import { ApiError } from '../../errors/api-error.js'
import { parseId } from '../../lib/body.js'
import { register, type Router } from '../../lib/route.js'

// No look-alikes (0/O, 1/l/I), so it can be read out or typed from a screen.
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ'
const LOWER = 'abcdefghijkmnopqrstuvwxyz'
const DIGIT = '23456789'
const ALL = UPPER + LOWER + DIGIT

/** Three groups of four from a CSPRNG, with at least one upper, lower and digit (the password rule). */
export function temporaryPassword(): string {
  for (;;) {
    const chars = Array.from({ length: 12 }, () => ALL[randomInt(ALL.length)]!).join('')
    if (/[A-Z]/.test(chars) && /[a-z]/.test(chars) && /[0-9]/.test(chars)) return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`
  }
}

export function temporaryPasswordRoute(r: Router, deps: Deps): void {
  register(
    r,
    {
      method: 'POST',
      path: '/admin/users/:id/temporary-password',
      access: 'admin',
      summary: 'Set a generated temporary password (shown once); the user must change it at next login',
      tags: ['admin', 'users'],
      response: { status: 200, description: '{message, temporary_password, user}' },
    },
    async (c) => {
      const id = parseId(c.req.param('id'), 'User not found')
      const admin = c.get('user')
      const password = temporaryPassword()
      const hash = await deps.passwords.hash(password)
      const user = await deps.sql.begin(async (tx) => {
        const row = await updateUser(tx, id, { password_hash: hash, must_change_password: true, failed_login_attempts: 0, locked_until: null })
        if (!row) return undefined
        await deps.audit.record({ userId: admin.id, username: admin.username, action: 'admin_temporary_password', resourceType: 'user', resourceId: id, details: { target_username: row.username }, ip: c.get('clientIp') }, tx)
        return row
      })
      if (!user) throw new ApiError(404, 'User not found')
      await deps.sessions.revokeAllForUser(id)
      return c.json({ message: 'Temporary password set; the user must change it at the next login', temporary_password: password, user })
    },
  )
}
