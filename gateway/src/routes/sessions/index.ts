/**
 * @module routes/sessions
 * /api/sessions (own) and /admin/sessions (all, paginated) of R4 (docs/decisions.md#r4), with R4/R4 fixed:
 * only live sessions are listed and a revocation applies on the very next request (session store).
 * Each row also says `device` ("Chrome on Linux", lib/user-agent) beside the raw `user_agent`.
 */
import * as v from 'valibot'
import type { Deps } from '../../deps.js'
import { listActiveSessions, listOwnSessions } from '../../db/queries/sessions.js'
import { ApiError } from '../../errors/api-error.js'
import { parseId } from '../../lib/body.js'
import { pageEnvelope, parsePage } from '../../lib/pagination.js'
import { register, type Router } from '../../lib/route.js'
import { describeUserAgent } from '../../lib/user-agent.js'

const NOT_FOUND = 'Session not found'

export const AdminSessionsQuery = v.object({ page: v.optional(v.string()), limit: v.optional(v.string()), user_id: v.optional(v.string()) })

export function sessionRoutes(r: Router, deps: Deps): void {
  register(
    r,
    { method: 'GET', path: '/api/sessions', access: 'session', summary: 'My live sessions (current:true marks this one)', tags: ['sessions'], response: { status: 200, description: '{sessions}' } },
    async (c) => {
      const me = c.get('user')
      const rows = await listOwnSessions(deps.sql, me.id)
      return c.json({ sessions: rows.map(({ token_hash, ...s }) => ({ ...s, device: describeUserAgent(s.user_agent), current: token_hash === me.token_hash })) })
    },
  )

  register(
    r,
    { method: 'DELETE', path: '/api/sessions/:id', access: 'session', summary: 'Revoke one of my sessions', tags: ['sessions'], response: { status: 200, description: '{revoked:{id}}' } },
    async (c) => {
      const id = parseId(c.req.param('id'))
      const row = await deps.sessions.revokeById(id, c.get('user').id)
      if (!row) throw new ApiError(404, NOT_FOUND)
      return c.json({ revoked: { id: row.id } })
    },
  )

  register(
    r,
    { method: 'GET', path: '/admin/sessions', access: 'admin', summary: 'All live sessions (filter by user_id)', tags: ['admin', 'sessions'], query: AdminSessionsQuery, response: { status: 200, description: '{sessions, total, page, limit, pages}' } },
    async (c) => {
      const q = c.req.query()
      let userId: number | undefined
      if (q.user_id !== undefined && q.user_id !== '') {
        if (!/^\d{1,9}$/.test(q.user_id)) throw new ApiError(400, 'user_id must be a number')
        userId = Number(q.user_id)
      }
      const page = parsePage(q)
      const { rows, total } = await listActiveSessions(deps.sql, userId, page.limit, page.offset)
      return c.json(pageEnvelope('sessions', rows.map((s) => ({ ...s, device: describeUserAgent(s.user_agent) })), total, page))
    },
  )

  register(
    r,
    { method: 'DELETE', path: '/admin/sessions/:id', access: 'admin', summary: 'Revoke any session', tags: ['admin', 'sessions'], response: { status: 200, description: '{revoked:{id, user_id}}' } },
    async (c) => {
      const id = parseId(c.req.param('id'))
      const row = await deps.sessions.revokeById(id)
      if (!row) throw new ApiError(404, NOT_FOUND)
      return c.json({ revoked: row })
    },
  )
}
