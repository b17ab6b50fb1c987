/**
 * @module routes/maintenance
 * /admin/maintenance CRUD (R7 (docs/decisions.md#r7) with missing-parent 404s, validated dates and an
 * end-after-start rule). Admin only; create, update and delete are audited.
 */
import type { Deps } from '../../deps.js'
import { ApiError } from '../../errors/api-error.js'
import { parseBody, parseId, readJsonObject } from '../../lib/body.js'
import { pageEnvelope, parsePage } from '../../lib/pagination.js'
import { register, type Router } from '../../lib/route.js'
import * as q from '../../db/queries/maintenance.js'
import { invalidateStatusCache } from '../../services/status/cache.js'
import { readServiceIds } from '../../services/status/inputs.js'
import { withMaintenanceServices } from '../../services/status/views.js'
import { checkWindow, CreateMaintenanceBody, ListQuery, readCreate, UpdateMaintenanceBody } from './schemas.js'

const NOT_FOUND = 'Maintenance not found'
const tags = ['admin', 'maintenance']

export function maintenanceRoutes(r: Router, deps: Deps): void {
  const { sql, audit } = deps

  register(r, { method: 'GET', path: '/admin/maintenance', access: 'admin', summary: 'Maintenance windows, in progress first', tags, query: ListQuery, response: { status: 200, description: '{maintenances, total, page, limit, pages}' } }, async (c) => {
    const p = parsePage(c.req.query())
    const { rows, total } = await q.listMaintenances(sql, c.req.query('status') || undefined, p.limit, p.offset)
    return c.json(pageEnvelope('maintenances', await withMaintenanceServices(sql, rows, false), total, p))
  })

  register(r, { method: 'POST', path: '/admin/maintenance', access: 'admin', summary: 'Schedule a maintenance window', tags, body: CreateMaintenanceBody, response: { status: 201, description: '{maintenance}' } }, async (c) => {
    const { service_ids, ...f } = readCreate(await readJsonObject(c))
    const serviceIds = (await readServiceIds(sql, service_ids)) ?? []
    const user = c.get('user')
    const maintenance = await sql.begin(async (tx) => {
      const row = await q.insertMaintenance(tx, f, user.id)
      await q.replaceMaintenanceServices(tx, row.id, serviceIds)
      await audit.record({ userId: user.id, username: user.username, action: 'maintenance_created', resourceType: 'maintenance', resourceId: row.id, details: { title: f.title, service_ids: serviceIds }, ip: c.get('clientIp') }, tx)
      return row
    })
    await invalidateStatusCache(deps.redis)
    return c.json({ maintenance }, 201)
  })

  register(r, { method: 'PUT', path: '/admin/maintenance/:id', access: 'admin', summary: 'Edit a maintenance window', tags, body: UpdateMaintenanceBody, response: { status: 200, description: '{maintenance} or {message}' } }, async (c) => {
    const id = parseId(c.req.param('id'), NOT_FOUND)
    const { service_ids, ...f } = await parseBody(c, UpdateMaintenanceBody)
    const serviceIds = await readServiceIds(sql, service_ids)
    const scalar = Object.values(f).some((x) => x !== undefined)
    if (!scalar && serviceIds === undefined) throw new ApiError(400, 'No fields to update')
    const user = c.get('user')
    const row = await sql.begin(async (tx) => {
      const cur = await q.lockMaintenance(tx, id)
      if (!cur) throw new ApiError(404, NOT_FOUND)
      checkWindow(f.scheduled_start ?? cur.scheduled_start, f.scheduled_end ?? cur.scheduled_end)
      if (serviceIds !== undefined) await q.replaceMaintenanceServices(tx, id, serviceIds)
      const updated = scalar ? await q.updateMaintenance(tx, id, f) : undefined
      const changed = Object.fromEntries(Object.entries(f).filter(([, x]) => x !== undefined))
      await audit.record({ userId: user.id, username: user.username, action: 'maintenance_updated', resourceType: 'maintenance', resourceId: id, details: { ...changed, service_ids: serviceIds }, ip: c.get('clientIp') }, tx)
      return updated
    })
    await invalidateStatusCache(deps.redis)
    return row ? c.json({ maintenance: row }) : c.json({ message: 'Services updated' })
  })

  register(r, { method: 'DELETE', path: '/admin/maintenance/:id', access: 'admin', summary: 'Delete a maintenance window', tags, response: { status: 200, description: '{deleted}' } }, async (c) => {
    const id = parseId(c.req.param('id'), NOT_FOUND)
    const user = c.get('user')
    const deleted = await sql.begin(async (tx) => {
      const row = await q.deleteMaintenance(tx, id)
      if (!row) throw new ApiError(404, NOT_FOUND)
      await audit.record({ userId: user.id, username: user.username, action: 'maintenance_deleted', resourceType: 'maintenance', resourceId: id, details: { title: row.title }, ip: c.get('clientIp') }, tx)
      return row
    })
    await invalidateStatusCache(deps.redis)
    return c.json({ deleted })
  })
}
