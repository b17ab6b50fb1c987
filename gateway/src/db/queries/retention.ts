/**
 * @module db/queries/retention
 * The purge job's deletes (R8, docs/decisions.md#r8): which rows of each table are past their retention,
 * deleted in batches by id so a large backlog never holds one long lock (workers/purge loops and paces them).
 */
import type { Queryable } from '../client.js'

type Fragment = ReturnType<Queryable>

/** Tables with a retention setting, and what makes one of their rows old enough to go. */
const EXPIRED = {
  message_logs: (db: Queryable, age: Fragment) => db`created_at < now() - ${age}`,
  audit_log: (db: Queryable, age: Fragment) => db`created_at < now() - ${age}`,
  reconnect_log: (db: Queryable, age: Fragment) => db`created_at < now() - ${age}`,
  uptime_checks: (db: Queryable, age: Fragment) => db`checked_at < now() - ${age}`,
  sessions: (db: Queryable, age: Fragment) => db`not is_active and created_at < now() - ${age}`,
  inbound_messages: (db: Queryable, age: Fragment) => db`received_at < now() - ${age}`,
  scheduled_messages: (db: Queryable, age: Fragment) => db`status in ('completed', 'failed', 'cancelled') and updated_at < now() - ${age}`,
  // Settled only (a dead letter can be replayed until then); the attempts go with them (cascade).
  webhook_deliveries: (db: Queryable, age: Fragment) => db`state in ('delivered', 'dead') and updated_at < now() - ${age}`,
} as const

export type RetainedTable = keyof typeof EXPIRED

/** Deletes up to `limit` rows of `table` older than `days` (oldest ids first); returns how many went. */
export async function deleteExpiredBatch(db: Queryable, table: RetainedTable, days: number, limit: number): Promise<number> {
  const where = EXPIRED[table](db, db`make_interval(days => ${days})`)
  const rows = await db`
    delete from ${db(`taguato.${table}`)} where id in (select id from ${db(`taguato.${table}`)} where ${where} order by id limit ${limit})
    returning 1 as x`
  return rows.length
}

/** job_runs has no id column and grows by a few hundred rows a day: one statement is enough. */
export async function deleteOldJobRuns(db: Queryable): Promise<number> {
  const rows = await db`delete from taguato.job_runs where started_at < now() - interval '30 days' returning 1 as x`
  return rows.length
}
