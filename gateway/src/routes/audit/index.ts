/**
 * @module routes/audit
 * GET /admin/audit (R4, docs/decisions.md#r4): exact filters and a date range, newest first. A date that does
 * not parse is a 400 (the reference silently answered an empty list). A date-only `date_to`
 * includes that whole day. GET /admin/audit/facets lists the values the panel's filter menus offer.
 */
import * as v from 'valibot'
import type { Deps } from '../../deps.js'
import { auditFacets, listAudit } from '../../db/queries/audit-log.js'
import { ApiError } from '../../errors/api-error.js'
import { pageEnvelope, parsePage } from '../../lib/pagination.js'
import { register, type Router } from '../../lib/route.js'
import { boundAfter, storable } from '../../lib/timestamp-range.js'

export const AuditQuery = v.object({
  page: v.optional(v.string()),
  limit: v.optional(v.string()),
  action: v.optional(v.string()),
  username: v.optional(v.string()),
  resource_type: v.optional(v.string()),
  date_from: v.optional(v.string()),
  date_to: v.optional(v.string()),
})

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?$/

/** Parses YYYY-MM-DD or an ISO 8601 date-time (UTC when no zone is given); null when invalid. */
export function parseAuditDate(raw: string): { at: Date; dateOnly: boolean } | null {
  const s = raw.trim()
  const dateOnly = DATE_ONLY.test(s)
  if (!dateOnly && !DATE_TIME.test(s)) return null
  // Calendar overflow such as 2025-02-30 would silently roll into March: refuse it.
  const [y, m, d] = s.slice(0, 10).split('-').map(Number) as [number, number, number]
  if (new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10) !== s.slice(0, 10)) return null
  const t = s.replace(' ', 'T')
  const at = new Date(dateOnly ? `${s}T00:00:00Z` : /(Z|[+-]\d{2}:?\d{2})$/.test(t) ? t : `${t}Z`)
  return Number.isNaN(at.getTime()) || !storable(at) ? null : { at, dateOnly }
}

const text = (s: string | undefined) => (s === undefined || s === '' ? undefined : s.replace(/\0/g, ''))

export function auditRoutes(r: Router, deps: Deps): void {
  register(
    r,
    { method: 'GET', path: '/admin/audit/facets', access: 'admin', summary: 'Actions, usernames and resource types present in the audit log (for filter menus)', tags: ['admin', 'audit'], response: { status: 200, description: '{actions, usernames, resource_types}' } },
    async (c) => c.json(await auditFacets(deps.sql)),
  )

  register(
    r,
    { method: 'GET', path: '/admin/audit', access: 'admin', summary: 'Audit log, newest first', tags: ['admin', 'audit'], query: AuditQuery, response: { status: 200, description: '{logs, total, page, limit, pages}' } },
    async (c) => {
      const q = c.req.query()
      let from: Date | undefined
      let before: Date | undefined
      if (q.date_from) {
        const d = parseAuditDate(q.date_from)
        if (!d) throw new ApiError(400, 'date_from must be a date (YYYY-MM-DD) or an ISO 8601 date-time')
        from = d.at
      }
      if (q.date_to) {
        const d = parseAuditDate(q.date_to)
        if (!d) throw new ApiError(400, 'date_to must be a date (YYYY-MM-DD) or an ISO 8601 date-time')
        // A bare date means "through the end of that day"; a date-time is an inclusive instant.
        before = boundAfter(d.at.getTime() + (d.dateOnly ? 86_400_000 : 1))
      }
      const page = parsePage(q)
      const { rows, total } = await listAudit(
        deps.sql,
        { action: text(q.action), username: text(q.username), resource_type: text(q.resource_type), from, before },
        page.limit,
        page.offset,
      )
      return c.json(pageEnvelope('logs', rows, total, page))
    },
  )
}
