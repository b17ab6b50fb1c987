/**
 * @module db/queries/incidents
 * Incidents, their timeline (incident_updates) and affected services (incident_services), for the
 * admin routes (R7, docs/decisions.md#r7, with its resolved_at fix) and the public status page. Timelines and services
 * are read in a second query per page and grouped in code, so every timestamp stays a Date (D11, docs/decisions.md#d11).
 */
import type { Queryable } from '../client.js'

export type IncidentRow = {
  id: number
  title: string
  severity: string
  status: string
  created_at: Date
  updated_at: Date
  resolved_at: Date | null
  created_by_name: string | null
}
export type UpdateRow = { id: number; incident_id: number; status: string; message: string; created_at: Date; created_by_name: string | null }
export type LinkedService = { owner_id: number; id: number; name: string }
export type ServiceRow = { id: number; name: string; description: string | null; display_order: number }

export async function listServices(db: Queryable): Promise<ServiceRow[]> {
  return db<ServiceRow[]>`select id, name, description, display_order from taguato.services where is_active order by display_order, id`
}

/** The ids among `ids` that are not services. */
export async function unknownServiceIds(db: Queryable, ids: number[]): Promise<number[]> {
  if (ids.length === 0) return []
  const found = await db<{ id: number }[]>`select id from taguato.services where id = any(${ids}::int[])`
  const known = new Set(found.map((r) => r.id))
  return ids.filter((i) => !known.has(i))
}

const SELECT = (db: Queryable) => db`
  select i.id, i.title, i.severity, i.status, i.created_at, i.updated_at, i.resolved_at, u.username as created_by_name
  from taguato.incidents i left join taguato.users u on u.id = i.created_by`

export async function listIncidents(db: Queryable, status: string | undefined, limit: number, offset: number): Promise<{ rows: IncidentRow[]; total: number }> {
  const where = status === undefined ? db`` : db`where i.status = ${status}`
  const [rows, [count]] = await Promise.all([
    db<IncidentRow[]>`${SELECT(db)} ${where}
      order by (i.status = 'resolved'), i.created_at desc, i.id desc limit ${limit} offset ${offset}`,
    db<{ n: number }[]>`select count(*) as n from taguato.incidents i ${where}`,
  ])
  return { rows, total: count?.n ?? 0 }
}

/** Open incidents (newest first) and the `recentLimit` latest resolved ones (by resolved_at). */
export async function publicIncidents(db: Queryable, recentLimit: number): Promise<{ open: IncidentRow[]; resolved: IncidentRow[] }> {
  const [open, resolved] = await Promise.all([
    db<IncidentRow[]>`${SELECT(db)} where i.status <> 'resolved' order by i.created_at desc, i.id desc`,
    db<IncidentRow[]>`${SELECT(db)} where i.status = 'resolved' order by i.resolved_at desc nulls last, i.id desc limit ${recentLimit}`,
  ])
  return { open, resolved }
}

export async function updatesFor(db: Queryable, ids: number[]): Promise<UpdateRow[]> {
  if (ids.length === 0) return []
  return db<UpdateRow[]>`
    select iu.id, iu.incident_id, iu.status, iu.message, iu.created_at, u.username as created_by_name
    from taguato.incident_updates iu left join taguato.users u on u.id = iu.created_by
    where iu.incident_id = any(${ids}::int[]) order by iu.created_at desc, iu.id desc`
}

export async function incidentServicesFor(db: Queryable, ids: number[]): Promise<LinkedService[]> {
  if (ids.length === 0) return []
  return db<LinkedService[]>`
    select l.incident_id as owner_id, s.id, s.name from taguato.incident_services l
    join taguato.services s on s.id = l.service_id
    where l.incident_id = any(${ids}::int[]) order by s.display_order, s.id`
}

export type NewIncident = { title: string; severity: string; status: string; message: string; serviceIds: number[]; createdBy: number }

/** Incident + initial timeline entry + service links; `resolved_at` set when created resolved (R7). */
export async function insertIncident(db: Queryable, n: NewIncident) {
  const [row] = await db<{ id: number; title: string; severity: string; status: string; created_at: Date; resolved_at: Date | null }[]>`
    insert into taguato.incidents (title, severity, status, created_by, resolved_at)
    values (${n.title}, ${n.severity}, ${n.status}, ${n.createdBy}, ${n.status === 'resolved' ? db`now()` : null})
    returning id, title, severity, status, created_at, resolved_at`
  await db`insert into taguato.incident_updates (incident_id, status, message, created_by) values (${row!.id}, ${n.status}, ${n.message}, ${n.createdBy})`
  await replaceIncidentServices(db, row!.id, n.serviceIds)
  return row!
}

export async function replaceIncidentServices(db: Queryable, id: number, serviceIds: number[]): Promise<void> {
  await db`delete from taguato.incident_services where incident_id = ${id}`
  if (serviceIds.length === 0) return
  await db`
    insert into taguato.incident_services (incident_id, service_id)
    select ${id}, unnest(${[...new Set(serviceIds)]}::int[]) on conflict do nothing`
}

export async function lockIncident(db: Queryable, id: number): Promise<{ id: number; title: string } | undefined> {
  const [row] = await db<{ id: number; title: string }[]>`select id, title from taguato.incidents where id = ${id} for update`
  return row
}

export async function updateIncidentFields(db: Queryable, id: number, f: { title?: string | undefined; severity?: string | undefined }) {
  const [row] = await db<{ id: number; title: string; severity: string; status: string; updated_at: Date }[]>`
    update taguato.incidents set
      title = coalesce(${f.title ?? null}, title), severity = coalesce(${f.severity ?? null}, severity), updated_at = now()
    where id = ${id} returning id, title, severity, status, updated_at`
  return row
}

/** Adds a timeline entry and moves the incident to its status; resolved_at follows (set/cleared). */
export async function addIncidentUpdate(db: Queryable, id: number, status: string, message: string, createdBy: number) {
  const [upd] = await db<{ id: number; status: string; message: string; created_at: Date }[]>`
    insert into taguato.incident_updates (incident_id, status, message, created_by)
    values (${id}, ${status}, ${message}, ${createdBy}) returning id, status, message, created_at`
  await db`
    update taguato.incidents set status = ${status}, updated_at = now(),
      resolved_at = case when ${status} = 'resolved' then coalesce(resolved_at, now()) else null end
    where id = ${id}`
  return upd!
}

export async function deleteIncident(db: Queryable, id: number): Promise<{ id: number; title: string } | undefined> {
  const [row] = await db<{ id: number; title: string }[]>`delete from taguato.incidents where id = ${id} returning id, title`
  return row
}
