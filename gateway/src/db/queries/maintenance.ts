/**
 * @module db/queries/maintenance
 * Scheduled maintenance windows and their services (R7, docs/decisions.md#r7), for the admin routes and the
 * public status page. On the public page the window decides: "in progress" means now inside the
 * window (an admin's early `in_progress` before the start still reads scheduled), and a window that has
 * ended is no longer announced, whatever status was left on it.
 */
import type { Queryable } from '../client.js'
import type { LinkedService } from './incidents.js'

export type MaintenanceRow = {
  id: number
  title: string
  description: string | null
  scheduled_start: Date
  scheduled_end: Date
  status: string
  created_at: Date
  updated_at: Date
  created_by_name: string | null
}

const SELECT = (db: Queryable) => db`
  select m.id, m.title, m.description, m.scheduled_start, m.scheduled_end, m.status, m.created_at, m.updated_at,
         u.username as created_by_name
  from taguato.scheduled_maintenances m left join taguato.users u on u.id = m.created_by`

export async function listMaintenances(db: Queryable, status: string | undefined, limit: number, offset: number): Promise<{ rows: MaintenanceRow[]; total: number }> {
  const where = status === undefined ? db`` : db`where m.status = ${status}`
  const [rows, [count]] = await Promise.all([
    db<MaintenanceRow[]>`${SELECT(db)} ${where}
      order by case m.status when 'in_progress' then 0 when 'scheduled' then 1 else 2 end, m.scheduled_start desc, m.id desc
      limit ${limit} offset ${offset}`,
    db<{ n: number }[]>`select count(*) as n from taguato.scheduled_maintenances m ${where}`,
  ])
  return { rows, total: count?.n ?? 0 }
}

/** Not completed and not over: what the status page announces, by start. */
export async function publicMaintenances(db: Queryable): Promise<(MaintenanceRow & { in_progress: boolean })[]> {
  return db<(MaintenanceRow & { in_progress: boolean })[]>`
    select m0.*, (m0.scheduled_start <= now() and now() < m0.scheduled_end) as in_progress
    from (${SELECT(db)}) m0
    where m0.status in ('scheduled', 'in_progress') and m0.scheduled_end > now()
    order by m0.scheduled_start, m0.id`
}

export async function maintenanceServicesFor(db: Queryable, ids: number[]): Promise<LinkedService[]> {
  if (ids.length === 0) return []
  return db<LinkedService[]>`
    select l.maintenance_id as owner_id, s.id, s.name from taguato.maintenance_services l
    join taguato.services s on s.id = l.service_id
    where l.maintenance_id = any(${ids}::int[]) order by s.display_order, s.id`
}

export type MaintenanceFields = {
  title?: string | undefined
  description?: string | undefined
  scheduled_start?: Date | undefined
  scheduled_end?: Date | undefined
  status?: string | undefined
}

export async function insertMaintenance(db: Queryable, f: Required<MaintenanceFields>, createdBy: number) {
  const [row] = await db<MaintenanceRow[]>`
    insert into taguato.scheduled_maintenances (title, description, scheduled_start, scheduled_end, status, created_by)
    values (${f.title}, ${f.description}, ${f.scheduled_start}, ${f.scheduled_end}, ${f.status}, ${createdBy})
    returning id, title, description, scheduled_start, scheduled_end, status, created_at`
  return row!
}

export async function lockMaintenance(db: Queryable, id: number) {
  const [row] = await db<MaintenanceRow[]>`
    select id, title, description, scheduled_start, scheduled_end, status from taguato.scheduled_maintenances where id = ${id} for update`
  return row
}

export async function updateMaintenance(db: Queryable, id: number, f: MaintenanceFields) {
  const [row] = await db<MaintenanceRow[]>`
    update taguato.scheduled_maintenances set
      title = coalesce(${f.title ?? null}, title),
      description = coalesce(${f.description ?? null}, description),
      scheduled_start = coalesce(${f.scheduled_start ?? null}::timestamptz, scheduled_start),
      scheduled_end = coalesce(${f.scheduled_end ?? null}::timestamptz, scheduled_end),
      status = coalesce(${f.status ?? null}, status),
      updated_at = now()
    where id = ${id}
    returning id, title, description, scheduled_start, scheduled_end, status, updated_at`
  return row
}

export async function replaceMaintenanceServices(db: Queryable, id: number, serviceIds: number[]): Promise<void> {
  await db`delete from taguato.maintenance_services where maintenance_id = ${id}`
  if (serviceIds.length === 0) return
  await db`
    insert into taguato.maintenance_services (maintenance_id, service_id)
    select ${id}, unnest(${[...new Set(serviceIds)]}::int[]) on conflict do nothing`
}

export async function deleteMaintenance(db: Queryable, id: number): Promise<{ id: number; title: string } | undefined> {
  const [row] = await db<{ id: number; title: string }[]>`delete from taguato.scheduled_maintenances where id = ${id} returning id, title`
  return row
}
