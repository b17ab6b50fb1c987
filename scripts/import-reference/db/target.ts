/**
 * @module scripts/import-reference/db/target
 * Writes into our schema `taguato`. Rows are handed over as one JSON array per batch and expanded with
 * jsonb_populate_recordset against the target table's own row type, so every column gets our type
 * (text timestamps become timestamptz in the session TimeZone, JSON arrays text[]), and `on conflict do
 * nothing` makes a rerun a no-op that reports what was already there.
 */
import type { Sql, TransactionSql } from 'postgres'
import type { Json } from './source.js'

export type Db = Sql | TransactionSql

/** Our tables the import writes (never a name from the command line). */
export type TargetTable =
  | 'users' | 'user_instances' | 'telegram_instances' | 'instance_permissions' | 'services' | 'incidents'
  | 'incident_updates' | 'incident_services' | 'scheduled_maintenances' | 'maintenance_services' | 'uptime_checks'
  | 'message_templates' | 'contact_lists' | 'contact_list_items' | 'sessions' | 'scheduled_messages' | 'message_logs'
  | 'audit_log' | 'reconnect_log' | 'user_webhooks'

const ours = (db: Db, table: TargetTable) => db(`taguato.${table}`)

/** Wall-clock text without an offset is read in `zone` for the rest of this transaction. */
export async function setLocalTimeZone(tx: Db, zone: string): Promise<void> {
  await tx`select set_config('TimeZone', ${zone}, true)`
}

/**
 * Inserts rows (all with the same keys) and returns the key of each row inserted: `id`, or for the
 * junction tables (no id) a count as 1s. Rows that hit a unique rule are left out of the answer.
 */
export async function insertRows(tx: Db, table: TargetTable, rows: Json[], keyed: boolean): Promise<number[]> {
  if (rows.length === 0) return []
  const cols = Object.keys(rows[0]!)
  const inserted = await tx<{ k: number }[]>`
    insert into ${ours(tx, table)} (${tx(cols)})
    select ${tx(cols)} from jsonb_populate_recordset(null::${ours(tx, table)}, ${tx.json(rows as never)})
    on conflict do nothing
    returning ${keyed ? tx`id` : tx`1`} as k`
  return inserted.map((r) => Number(r.k))
}

/** Which of these ids the table already has. */
export async function existingIds(tx: Db, table: TargetTable, ids: number[]): Promise<number[]> {
  if (ids.length === 0) return []
  const rows = await tx<{ id: number }[]>`select id from ${ours(tx, table)} where id = any(${ids}::int[])`
  return rows.map((r) => Number(r.id))
}

/** The serial behind `id` continues after the highest imported id (rows keep the reference's ids). */
export async function resetSequence(tx: Db, table: TargetTable): Promise<void> {
  await tx`select setval(pg_get_serial_sequence(${`taguato.${table}`}, 'id'), coalesce(max(id), 0) + 1, false) from ${ours(tx, table)}`
}

export type ServiceUpsert = { id: number; outcome: 'inserted' | 'updated' | 'unchanged' }

/**
 * A status-page service by name: our migration seeds the reference's four names, so they are matched
 * by name (the reference's wording and order replace ours); other names are added.
 */
export async function upsertService(
  tx: Db,
  s: { name: string; description: string | null; display_order: number; is_active: boolean; created_at: string },
): Promise<ServiceUpsert> {
  const [row] = await tx<{ id: number; inserted: boolean }[]>`
    insert into taguato.services (name, description, display_order, is_active, created_at)
    values (${s.name}, ${s.description}, ${s.display_order}, ${s.is_active}, ${s.created_at}::timestamptz)
    on conflict (name) do update set description = excluded.description, display_order = excluded.display_order, is_active = excluded.is_active
      where (services.description, services.display_order, services.is_active) is distinct from (excluded.description, excluded.display_order, excluded.is_active)
    returning id, (xmax = 0) as inserted`
  if (row) return { id: Number(row.id), outcome: row.inserted ? 'inserted' : 'updated' }
  const id = await serviceId(tx, s.name)
  return { id: id!, outcome: 'unchanged' }
}

/** Our id of a service name (a rerun maps the junctions through it); null if it is gone. */
export async function serviceId(tx: Db, name: string): Promise<number | null> {
  const [row] = await tx<{ id: number }[]>`select id from taguato.services where name = ${name}`
  return row ? Number(row.id) : null
}

/** Revokes sessions kept by an earlier run (--revoke-sessions on a rerun); returns how many. */
export async function revokeSessions(tx: Db, ids: number[]): Promise<number> {
  if (ids.length === 0) return 0
  const rows = await tx`update taguato.sessions set is_active = false where id = any(${ids}::int[]) and is_active returning id`
  return rows.length
}

export async function countUsers(db: Db): Promise<number> {
  const [row] = await db<{ n: number }[]>`select count(*)::int as n from taguato.users`
  return row!.n
}

/** The WhatsApp instance names the gateway tracks (owned or not), for the Evolution step's notes. */
export async function trackedInstances(db: Db): Promise<Map<string, number | null>> {
  const rows = await db<{ instance_name: string; user_id: number | null }[]>`
    select instance_name, user_id from taguato.user_instances where channel_type <> 'telegram'`
  return new Map(rows.map((r) => [r.instance_name, r.user_id === null ? null : Number(r.user_id)]))
}

/** Table -> last id handled, true for a table copied whole, or the Evolution instance names handled. */
export type Progress = Record<string, number | boolean | string[]>

/** What every earlier run handled, merged (the furthest any got). */
export async function priorProgress(db: Db): Promise<Progress> {
  const rows = await db<{ progress: Progress }[]>`select progress from taguato.reference_imports order by id`
  const out: Progress = {}
  for (const { progress } of rows) {
    for (const [k, v] of Object.entries(progress)) {
      const had = out[k]
      if (Array.isArray(v)) out[k] = [...new Set([...(Array.isArray(had) ? had : []), ...v])]
      else if (typeof v === 'number') out[k] = Math.max(typeof had === 'number' ? had : 0, v)
      else if (v === true) out[k] = true
    }
  }
  return out
}

/** Records how far a table got, in the transaction that wrote its rows. */
export async function saveProgress(tx: Db, runId: number, key: string, value: number | boolean): Promise<void> {
  await tx`update taguato.reference_imports set progress = progress || jsonb_build_object(${key}::text, ${tx.json(value)}) where id = ${runId}`
}

/** Adds one Evolution instance name to the run's list of handled ones. */
export async function saveHandledInstance(tx: Db, runId: number, name: string): Promise<void> {
  await tx`
    update taguato.reference_imports
       set progress = jsonb_set(progress, '{upstream.instances}', coalesce(progress -> 'upstream.instances', '[]'::jsonb) || to_jsonb(${name}::text))
     where id = ${runId}`
}

export async function startRun(db: Db, source: string, options: Json): Promise<number> {
  const [row] = await db<{ id: number }[]>`
    insert into taguato.reference_imports (source, options) values (${source}, ${db.json(options as never)}) returning id`
  return Number(row!.id)
}

/** A rerun that wrote nothing leaves no trace: the earlier finished run stays the latest. */
export async function forgetRun(db: Db, id: number): Promise<void> {
  await db`delete from taguato.reference_imports where id = ${id}`
}

export async function finishRun(db: Db, id: number, report: Json): Promise<void> {
  await db`update taguato.reference_imports set finished_at = now(), report = ${db.json(report as never)} where id = ${id}`
}

export async function renameSchema(tx: Db, from: string, to: string): Promise<void> {
  await tx`alter schema ${tx(from)} rename to ${tx(to)}`
}

export async function serverMajor(db: Db): Promise<number> {
  const [row] = await db<{ v: string }[]>`select current_setting('server_version_num') as v`
  return Math.floor(Number(row!.v) / 10000)
}
