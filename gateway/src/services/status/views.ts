/**
 * @module services/status/views
 * Joins a page of incidents / maintenances with their services and timeline, in the admin shape
 * (services as {id, name}, updates with ids and authors) or the public shape (service names only).
 * Empty lists are [] (R2, docs/decisions.md#r2).
 */
import type { Queryable } from '../../db/client.js'
import { incidentServicesFor, updatesFor, type IncidentRow, type LinkedService } from '../../db/queries/incidents.js'
import { maintenanceServicesFor, type MaintenanceRow } from '../../db/queries/maintenance.js'

function group<T extends { owner_id: number }>(rows: T[]): Map<number, T[]> {
  const m = new Map<number, T[]>()
  for (const r of rows) {
    const list = m.get(r.owner_id) ?? []
    list.push(r)
    m.set(r.owner_id, list)
  }
  return m
}

export async function adminIncidents(db: Queryable, rows: IncidentRow[]) {
  const ids = rows.map((r) => r.id)
  const [updates, services] = await Promise.all([updatesFor(db, ids), incidentServicesFor(db, ids)])
  const byIncident = group(updates.map((u) => ({ ...u, owner_id: u.incident_id })))
  const svc = group(services)
  return rows.map((r) => ({
    ...r,
    affected_services: (svc.get(r.id) ?? []).map((s) => ({ id: s.id, name: s.name })),
    updates: (byIncident.get(r.id) ?? []).map((u) => ({ id: u.id, status: u.status, message: u.message, created_at: u.created_at, created_by_name: u.created_by_name })),
  }))
}

export async function publicIncidentList(db: Queryable, rows: IncidentRow[]) {
  const full = await adminIncidents(db, rows)
  return full.map((i) => ({
    id: i.id,
    title: i.title,
    severity: i.severity,
    status: i.status,
    created_at: i.created_at,
    updated_at: i.updated_at,
    resolved_at: i.resolved_at,
    affected_services: i.affected_services.map((s) => s.name),
    updates: i.updates.map((u) => ({ status: u.status, message: u.message, created_at: u.created_at })),
  }))
}

export async function withMaintenanceServices<T extends Pick<MaintenanceRow, 'id'>>(db: Queryable, rows: T[], names: boolean) {
  const svc = group<LinkedService>(await maintenanceServicesFor(db, rows.map((r) => r.id)))
  return rows.map((r) => {
    const list = svc.get(r.id) ?? []
    return { ...r, affected_services: names ? list.map((s) => s.name) : list.map((s) => ({ id: s.id, name: s.name })) }
  })
}
