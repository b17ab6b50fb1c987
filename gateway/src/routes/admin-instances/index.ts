/**
 * @module routes/admin-instances
 * Instance permissions (R4, docs/decisions.md#r4): list every registered instance with its owner and real grants
 * list (the reference always sent []), grant a user access, revoke it. Audited; every change
 * invalidates the ownership cache on all replicas.
 */
import * as v from 'valibot'
import type { Deps } from '../../deps.js'
import { deleteGrant, findInstanceOwner, insertGrant, listInstancesWithGrants } from '../../db/queries/instances.js'
import { userExists } from '../../db/queries/users.js'
import { ApiError } from '../../errors/api-error.js'
import { parseBody } from '../../lib/body.js'
import { fields } from '../../lib/body-schema.js'
import { register, type Router } from '../../lib/route.js'

const USER_ID_REQUIRED = 'user_id is required'
const NOT_A_USER_ID = 'user_id must be a number'

/**
 * The grant body, validated by the route and shown by GET /api/openapi.json: user_id as the reference
 * takes it, an integer or a numeric string; absent or null is "required", anything else not a positive
 * int4 is "must be a number".
 */
export const GrantBody = fields({
  user_id: v.pipe(
    v.union([v.number(), v.string()], (issue) => (issue.input === undefined || issue.input === null ? USER_ID_REQUIRED : NOT_A_USER_ID)),
    v.transform((x) => (typeof x === 'string' && /^\s*\d{1,9}\s*$/.test(x) ? Number(x) : x)),
    v.number(NOT_A_USER_ID),
    v.integer(NOT_A_USER_ID),
    v.minValue(1, NOT_A_USER_ID),
    v.maxValue(2_147_483_647, NOT_A_USER_ID),
  ),
})

export function adminInstanceRoutes(r: Router, deps: Deps): void {
  register(r, { method: 'GET', path: '/admin/instances', access: 'admin', summary: 'Registered instances with owner and grants', tags: ['admin', 'instances'], response: { status: 200, description: '{instances:[{instance_name, channel_type, created_at, owner_id, owner_username, grants:[{user_id, username, granted_at}]}]}' } }, async (c) =>
    c.json({ instances: await listInstancesWithGrants(deps.sql) }),
  )

  register(
    r,
    { method: 'POST', path: '/admin/instances/:name/grant', access: 'admin', summary: 'Grant a user access to an instance', tags: ['admin', 'instances'], body: GrantBody, response: { status: 201, description: '{message:"Access granted", instance, user_id}' } },
    async (c) => {
      const name = c.req.param('name') ?? ''
      const admin = c.get('user')
      const { user_id: granteeId } = await parseBody(c, GrantBody, USER_ID_REQUIRED)
      const inst = await findInstanceOwner(deps.sql, name)
      if (!inst) throw new ApiError(404, 'Instance not found')
      if (inst.user_id === granteeId) throw new ApiError(400, 'User is already the instance owner')
      if (!(await userExists(deps.sql, granteeId))) throw new ApiError(404, 'Target user not found')
      if (!(await insertGrant(deps.sql, name, granteeId, admin.id))) throw new ApiError(409, 'User already has access to this instance')
      deps.instances.invalidate(name)
      await deps.audit.record({ userId: admin.id, username: admin.username, action: 'instance_grant_created', resourceType: 'instance', resourceId: name, details: { grantee_user_id: granteeId }, ip: c.get('clientIp') })
      return c.json({ message: 'Access granted', instance: name, user_id: granteeId }, 201)
    },
  )

  register(
    r,
    { method: 'DELETE', path: '/admin/instances/:name/grant/:user_id', access: 'admin', summary: 'Revoke a user\'s access to an instance', tags: ['admin', 'instances'], response: { status: 200, description: '{message:"Access revoked", instance, user_id}' } },
    async (c) => {
      const name = c.req.param('name') ?? ''
      const raw = c.req.param('user_id') ?? ''
      const admin = c.get('user')
      if (!/^\d{1,9}$/.test(raw)) throw new ApiError(404, 'Permission not found')
      const granteeId = Number(raw)
      if (!(await deleteGrant(deps.sql, name, granteeId))) throw new ApiError(404, 'Permission not found')
      deps.instances.invalidate(name)
      await deps.audit.record({ userId: admin.id, username: admin.username, action: 'instance_grant_revoked', resourceType: 'instance', resourceId: name, details: { grantee_user_id: granteeId }, ip: c.get('clientIp') })
      return c.json({ message: 'Access revoked', instance: name, user_id: granteeId })
    },
  )
}
