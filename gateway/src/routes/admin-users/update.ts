/**
 * @module routes/admin-users/update
 * PUT /admin/users/{id} (R4, docs/decisions.md#r4, R4/R4/R4 fixed): validated fields, `unlock`, 404 only
 * for a missing id, 409 for a taken email, no password in the audit. A new password, deactivation or
 * a regenerated token revokes every session; any other change refreshes the cached user, so it
 * applies on the next request on every replica. Demoting or deactivating the last active admin is 400.
 */
import { randomBytes } from 'node:crypto'
import type { Deps } from '../../deps.js'
import { uniqueViolation, updateUser, type UserChanges } from '../../db/queries/users.js'
import { ApiError } from '../../errors/api-error.js'
import { parseId, readJsonObject } from '../../lib/body.js'
import { register, type Router } from '../../lib/route.js'
import { refuseLastActiveAdmin } from './last-admin.js'
import { readUpdate, UpdateUserBody, type UpdateUserInput } from './schemas.js'

async function toChanges(deps: Deps, input: UpdateUserInput): Promise<UserChanges> {
  const { password, regenerate_token, unlock, ...plain } = input
  const changes: UserChanges = { ...plain }
  if (password !== undefined) {
    changes.password_hash = await deps.passwords.hash(password)
    changes.must_change_password = true
  }
  if (regenerate_token) changes.api_token = randomBytes(32).toString('hex')
  if (unlock) {
    changes.failed_login_attempts = 0
    changes.locked_until = null
  }
  return changes
}

export function updateUserRoute(r: Router, deps: Deps): void {
  register(
    r,
    { method: 'PUT', path: '/admin/users/:id', access: 'admin', summary: 'Update a user (partial); unlock:true clears a login lock', tags: ['admin', 'users'], body: UpdateUserBody, response: { status: 200, description: '{user}' } },
    async (c) => {
      const id = parseId(c.req.param('id'), 'User not found')
      const input = readUpdate(await readJsonObject(c))
      const changes = await toChanges(deps, input)
      const admin = c.get('user')
      const revoke = input.password !== undefined || input.is_active === false || input.regenerate_token === true
      let user
      try {
        user = await deps.sql.begin(async (tx) => {
          if (input.role === 'user' || input.is_active === false) await refuseLastActiveAdmin(tx, id)
          const row = await updateUser(tx, id, changes)
          if (!row) return undefined
          const { password, ...rest } = input
          const details = password === undefined ? rest : { ...rest, password_changed: true }
          await deps.audit.record({ userId: admin.id, username: admin.username, action: 'user_updated', resourceType: 'user', resourceId: id, details, ip: c.get('clientIp') }, tx)
          return row
        })
      } catch (err) {
        if (uniqueViolation(err) === 'email') throw new ApiError(409, 'Email already exists')
        throw err
      }
      if (!user) throw new ApiError(404, 'User not found')
      // After commit (a cache dropped before it could be refilled from the old row): revoke, or drop
      // the cached copies so role, limits and is_active apply on the next request.
      if (revoke) await deps.sessions.revokeAllForUser(id)
      else await deps.sessions.refreshUser(id)
      return c.json({ user })
    },
  )
}
