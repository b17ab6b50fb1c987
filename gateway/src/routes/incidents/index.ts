/**
 * @module routes/incidents
 * /admin/incidents: services list, incident CRUD and timeline updates (R7 (docs/decisions.md#r7) with R7
 * fixed: resolved_at follows the status, missing incidents are 404). Admin only; changes are audited.
 */
import type { Deps } from '../../deps.js'
import { ApiError } from '../../errors/api-error.js'
import { parseBody, parseId } from '../../lib/body.js'
import { pageEnvelope, parsePage } from '../../lib/pagination.js'
import { register, type Router } from '../../lib/route.js'
import * as q from '../../db/queries/incidents.js'
import { readServiceIds } from '../../services/status/inputs.js'
import { invalidateStatusCache } from '../../services/status/cache.js'
import { adminIncidents } from '../../services/status/views.js'
import * as s from './schemas.js'

const NOT_FOUND = 'Incident not found'
const tags = ['admin', 'incidents']

export function incidentRoutes(r: Router, deps: Deps): void {
  const { sql, audit } = deps

  register(r, { method: 'GET', path: '/admin/incidents/services', access: 'admin', summary: 'Active services, by display order', tags, response: { status: 200, description: '{services}' } }, async (c) =>
    c.json({ services: await q.listServices(sql) }),
  )

  register(r, { method: 'GET', path: '/admin/incidents', access: 'admin', summary: 'Incidents, open first, newest first', tags, query: s.ListQuery, response: { status: 200, description: '{incidents, total, page, limit, pages}' } }, async (c) => {
    const p = parsePage(c.req.query())
    const status = c.req.query('status') || undefined
    const { rows, total } = await q.listIncidents(sql, status, p.limit, p.offset)
    return c.json(pageEnvelope('incidents', await adminIncidents(sql, rows), total, p))
  })

  register(r, { method: 'POST', path: '/admin/incidents', access: 'admin', summary: 'Create an incident with its first timeline entry', tags, body: s.CreateIncidentBody, response: { status: 201, description: '{incident}' } }, async (c) => {
    const { title, severity, status, message, service_ids } = await parseBody(c, s.CreateIncidentBody)
    const serviceIds = (await readServiceIds(sql, service_ids)) ?? []
    const user = c.get('user')
    const incident = await sql.begin(async (tx) => {
      const row = await q.insertIncident(tx, { title, severity, status, message, serviceIds, createdBy: user.id })
      await audit.record({ userId: user.id, username: user.username, action: 'incident_created', resourceType: 'incident', resourceId: row.id, details: { title, severity, status, service_ids: serviceIds }, ip: c.get('clientIp') }, tx)
      return row
    })
    await invalidateStatusCache(deps.redis)
    return c.json({ incident }, 201)
  })

  register(r, { method: 'PUT', path: '/admin/incidents/:id', access: 'admin', summary: 'Edit title, severity or affected services', tags, body: s.UpdateIncidentBody, response: { status: 200, description: '{incident} or {message}' } }, async (c) => {
    const id = parseId(c.req.param('id'), NOT_FOUND)
    const { title, severity, service_ids } = await parseBody(c, s.UpdateIncidentBody)
    const serviceIds = await readServiceIds(sql, service_ids)
    if (title === undefined && severity === undefined && serviceIds === undefined) throw new ApiError(400, 'No fields to update')
    const user = c.get('user')
    const result = await sql.begin(async (tx) => {
      if (!(await q.lockIncident(tx, id))) throw new ApiError(404, NOT_FOUND)
      if (serviceIds !== undefined) await q.replaceIncidentServices(tx, id, serviceIds)
      const row = title !== undefined || severity !== undefined ? await q.updateIncidentFields(tx, id, { title, severity }) : undefined
      await audit.record({ userId: user.id, username: user.username, action: 'incident_updated', resourceType: 'incident', resourceId: id, details: { title, severity, service_ids: serviceIds }, ip: c.get('clientIp') }, tx)
      return row
    })
    await invalidateStatusCache(deps.redis)
    return result ? c.json({ incident: result }) : c.json({ message: 'Services updated' })
  })

  register(r, { method: 'POST', path: '/admin/incidents/:id/updates', access: 'admin', summary: 'Add a timeline entry and move the incident to its status', tags, body: s.AddUpdateBody, response: { status: 201, description: '{update}' } }, async (c) => {
    const id = parseId(c.req.param('id'), NOT_FOUND)
    const { status, message } = await parseBody(c, s.AddUpdateBody)
    const user = c.get('user')
    const update = await sql.begin(async (tx) => {
      if (!(await q.lockIncident(tx, id))) throw new ApiError(404, NOT_FOUND)
      const row = await q.addIncidentUpdate(tx, id, status, message, user.id)
      await audit.record({ userId: user.id, username: user.username, action: 'incident_update_added', resourceType: 'incident', resourceId: id, details: { status, update_id: row.id }, ip: c.get('clientIp') }, tx)
      return row
    })
    await invalidateStatusCache(deps.redis)
    return c.json({ update }, 201)
  })

  register(r, { method: 'DELETE', path: '/admin/incidents/:id', access: 'admin', summary: 'Delete an incident (timeline and links cascade)', tags, response: { status: 200, description: '{deleted}' } }, async (c) => {
    const id = parseId(c.req.param('id'), NOT_FOUND)
    const user = c.get('user')
    const deleted = await sql.begin(async (tx) => {
      const row = await q.deleteIncident(tx, id)
      if (!row) throw new ApiError(404, NOT_FOUND)
      await audit.record({ userId: user.id, username: user.username, action: 'incident_deleted', resourceType: 'incident', resourceId: id, details: { title: row.title }, ip: c.get('clientIp') }, tx)
      return row
    })
    await invalidateStatusCache(deps.redis)
    return c.json({ deleted })
  })
}
