/**
 * @module db/queries/audit-log
 * The admin audit viewer's query (R4, docs/decisions.md#r4): exact filters, a created_at range, newest first.
 * `insertAudit` is called only by services/audit, which scrubs secrets first: record through it.
 */
import type { Queryable } from '../client.js'

export type AuditRow = {
  id: number
  user_id: number | null
  username: string | null
  action: string
  resource_type: string | null
  resource_id: string | null
  details: Record<string, unknown> | null
  ip_address: string | null
  created_at: Date
}

export type AuditFilter = {
  action?: string | undefined
  username?: string | undefined
  resource_type?: string | undefined
  /** Inclusive lower bound. */
  from?: Date | undefined
  /** Exclusive upper bound. */
  before?: Date | undefined
}

export async function listAudit(db: Queryable, f: AuditFilter, limit: number, offset: number): Promise<{ rows: AuditRow[]; total: number }> {
  const where = db`
    where true
    ${f.action !== undefined ? db`and action = ${f.action}` : db``}
    ${f.username !== undefined ? db`and username = ${f.username}` : db``}
    ${f.resource_type !== undefined ? db`and resource_type = ${f.resource_type}` : db``}
    ${f.from ? db`and created_at >= ${f.from}` : db``}
    ${f.before ? db`and created_at < ${f.before}` : db``}`
  const [rows, [count]] = await Promise.all([
    db<AuditRow[]>`
      select id, user_id, username, action, resource_type, resource_id, details, ip_address, created_at
      from taguato.audit_log ${where} order by created_at desc, id desc limit ${limit} offset ${offset}`,
    db<{ n: number }[]>`select count(*) as n from taguato.audit_log ${where}`,
  ])
  return { rows, total: count!.n }
}

/** One audit row as services/audit stores it (details already scrubbed). */
/** The values the audit filters offer: every action, username and resource type present in the log. */
export async function auditFacets(db: Queryable): Promise<{ actions: string[]; usernames: string[]; resource_types: string[] }> {
  const [actions, usernames, types] = await Promise.all([
    db<{ v: string }[]>`select distinct action as v from taguato.audit_log order by 1`,
    db<{ v: string }[]>`select distinct username as v from taguato.audit_log where username is not null order by 1`,
    db<{ v: string }[]>`select distinct resource_type as v from taguato.audit_log where resource_type is not null order by 1`,
  ])
  return { actions: actions.map((r) => r.v), usernames: usernames.map((r) => r.v), resource_types: types.map((r) => r.v) }
}

export type NewAuditRow = {
  userId: number | null
  username: string | null
  action: string
  resourceType: string | null
  resourceId: string | null
  details: Record<string, unknown> | null
  ip: string | null
}

export async function insertAudit(db: Queryable, r: NewAuditRow): Promise<void> {
  await db`
    insert into taguato.audit_log (user_id, username, action, resource_type, resource_id, details, ip_address)
    values (${r.userId}, ${r.username}, ${r.action}, ${r.resourceType},
            ${r.resourceId}, ${r.details === null ? null : db.json(r.details as never)}, ${r.ip})`
}
