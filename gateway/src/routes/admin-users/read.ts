/**
 * @module routes/admin-users/read
 * GET /admin/users (paginated; `search` is a literal substring of the username, plus `role` and
 * `active` filters) and GET /admin/users/{id} with the owned instances (R4, docs/decisions.md#r4).
 */
import * as v from 'valibot'
import type { Deps } from '../../deps.js'
import { findPublicUser, listOwnedInstances, listUsers } from '../../db/queries/users.js'
import { ApiError } from '../../errors/api-error.js'
import { parseId } from '../../lib/body.js'
import { pageEnvelope, parsePage } from '../../lib/pagination.js'
import { register, type Router } from '../../lib/route.js'

export const ListUsersQuery = v.object({
  page: v.optional(v.string()),
  limit: v.optional(v.string()),
  search: v.optional(v.string()),
  role: v.optional(v.picklist(['user', 'admin'])),
  active: v.optional(v.picklist(['true', 'false'])),
})

export function readUserRoutes(r: Router, deps: Deps): void {
  register(
    r,
    { method: 'GET', path: '/admin/users', access: 'admin', summary: 'List users', tags: ['admin', 'users'], query: ListUsersQuery, response: { status: 200, description: '{users, total, page, limit, pages}' } },
    async (c) => {
      const q = c.req.query()
      const role = q.role === undefined || q.role === '' ? undefined : q.role
      if (role !== undefined && role !== 'user' && role !== 'admin') throw new ApiError(400, "role must be 'user' or 'admin'")
      const active = q.active === undefined || q.active === '' ? undefined : q.active
      if (active !== undefined && active !== 'true' && active !== 'false') throw new ApiError(400, 'active must be true or false')
      const page = parsePage(q)
      const { rows, total } = await listUsers(
        deps.sql,
        { search: q.search?.replace(/\0/g, '') || undefined, role, active: active === undefined ? undefined : active === 'true' },
        page.limit,
        page.offset,
      )
      return c.json(pageEnvelope('users', rows, total, page))
    },
  )

  register(
    r,
    { method: 'GET', path: '/admin/users/:id', access: 'admin', summary: 'One user with the instances they own', tags: ['admin', 'users'], response: { status: 200, description: '{user}' } },
    async (c) => {
      const id = parseId(c.req.param('id'), 'User not found')
      const user = await findPublicUser(deps.sql, id)
      if (!user) throw new ApiError(404, 'User not found')
      const instances = await listOwnedInstances(deps.sql, id)
      return c.json({ user: { ...user, instances } })
    },
  )
}
