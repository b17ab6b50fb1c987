/**
 * @module routes/admin-users/delete
 * DELETE /admin/users/{id} (R4 (docs/decisions.md#r4) + D18 (docs/decisions.md#d18)): the rows go (cascades), the user's cached
 * sessions are forgotten (their hashes are read before the cascade removes them), then the user's
 * WhatsApp instances are deleted upstream, best effort: a failure is logged, never fatal (their logouts
 * announced first, so they are no ban signal, and their open sending pauses closed after). The last
 * active admin cannot be deleted (400).
 */
import type { Deps } from '../../deps.js'
import { activeTokenHashes } from '../../db/queries/sessions.js'
import { deleteUser, listOwnedInstanceChannels, lockUserRow } from '../../db/queries/users.js'
import { ApiError } from '../../errors/api-error.js'
import { parseId } from '../../lib/body.js'
import { register, type Router } from '../../lib/route.js'
import { sendPausesOf } from '../../services/send-pauses/index.js'
import { refuseLastActiveAdmin } from './last-admin.js'

/** Deletes instances upstream in parallel; 404 means already gone. Returns the names that failed. */
async function deleteUpstream(deps: Deps, names: string[]): Promise<string[]> {
  const upstream = deps.upstream
  if (names.length === 0) return []
  const results = await Promise.all(
    names.map(async (name) => {
      try {
        const res = await upstream.request('DELETE', `/instance/delete/${encodeURIComponent(name)}`, undefined, { timeoutMs: 10_000 })
        if (res.status < 400 || res.status === 404) return null
        deps.log.warn({ instance: name, status: res.status }, 'user delete: upstream instance delete refused')
      } catch (err) {
        deps.log.warn({ instance: name, err: (err as Error).message }, 'user delete: upstream instance delete failed')
      }
      return name
    }),
  )
  return results.filter((n): n is string => n !== null)
}

export function deleteUserRoute(r: Router, deps: Deps): void {
  register(
    r,
    { method: 'DELETE', path: '/admin/users/:id', access: 'admin', summary: 'Delete a user, their rows and their upstream instances', tags: ['admin', 'users'], response: { status: 200, description: '{deleted:{id, username}}' } },
    async (c) => {
      const id = parseId(c.req.param('id'), 'User not found')
      const admin = c.get('user')
      if (id === admin.id) throw new ApiError(400, 'Cannot delete your own account')
      const found = await deps.sql.begin(async (tx) => {
        // Admin rows first, then the target's: the same order as update, so the two cannot deadlock.
        await refuseLastActiveAdmin(tx, id)
        // Lock the row so sessions and instances read here are the ones the cascade removes.
        if (!(await lockUserRow(tx, id))) return undefined
        const hashes = await activeTokenHashes(tx, id)
        const instances = (await listOwnedInstanceChannels(tx, id)).filter((i) => i.channel_type !== 'telegram').map((i) => i.instance_name)
        const deleted = await deleteUser(tx, id)
        await deps.audit.record(
          { userId: admin.id, username: admin.username, action: 'user_deleted', resourceType: 'user', resourceId: id, details: { username: deleted!.username, instances }, ip: c.get('clientIp') },
          tx,
        )
        return { deleted: deleted!, hashes, instances }
      })
      if (!found) throw new ApiError(404, 'User not found')
      await deps.sessions.forget(found.hashes)
      // The ownership cache of every replica must forget the instances the cascade removed.
      for (const name of found.instances) deps.instances.invalidate(name)
      // The logouts these deletes cause are no ban signal, and a pause of a deleted number must not
      // carry over to a new instance of the same name (services/send-pauses).
      const pauses = sendPausesOf(deps)
      for (const name of found.instances) await pauses.expectLogout(name)
      const failed = await deleteUpstream(deps, found.instances)
      for (const name of found.instances) {
        if (!failed.includes(name)) await pauses.resume(name, admin.id).catch((err: Error) => deps.log.warn({ instance: name, err: err.message }, 'pause of a deleted instance not closed'))
      }
      if (failed.length) deps.log.error({ userId: id, instances: failed }, 'user deleted but some upstream instances remain (orphans)')
      return c.json({ deleted: found.deleted })
    },
  )
}
