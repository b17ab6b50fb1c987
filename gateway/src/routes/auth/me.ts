/**
 * @module routes/auth/me
 * GET /api/auth/me (R3, docs/decisions.md#r3): the caller with their owned instances (`[]` when none, D11 (docs/decisions.md#d11)).
 * User fields come from the session cache, which every change to the user row refreshes.
 */
import type { Deps } from '../../deps.js'
import { listOwnedInstances } from '../../db/queries/users.js'
import { register, type Router } from '../../lib/route.js'
import type { InlineGuard } from './guard.js'

export function meRoute(r: Router, deps: Deps, guard: InlineGuard): void {
  register(
    r,
    {
      method: 'GET',
      path: '/api/auth/me',
      access: 'inline',
      summary: 'The current user and the instances they own',
      tags: ['auth'],
      response: { status: 200, description: '{user:{id, username, role, max_instances, must_change_password, email, phone_number, created_at, totp_enabled, instances}}' },
    },
    async (c) => {
      const u = await guard(c)
      const instances = await listOwnedInstances(deps.sql, u.id)
      return c.json({
        user: {
          id: u.id,
          username: u.username,
          role: u.role,
          max_instances: u.max_instances,
          must_change_password: u.must_change_password,
          email: u.email ?? null,
          phone_number: u.phone_number ?? null,
          created_at: u.created_at,
          totp_enabled: u.totp_enabled === true,
          instances,
        },
      })
    },
  )
}
