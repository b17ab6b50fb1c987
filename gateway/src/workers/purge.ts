/**
 * @module workers/purge
 * Every PURGE_CRON (6 h): retention (RETENTION_*_DAYS) in batches of 5000 rows per statement, looping
 * until a batch comes back short (the reference stopped after one batch, R8 (docs/decisions.md#r8)), so a large backlog never
 * holds one long lock. A pause between batches leaves room to the live traffic.
 */
import type { Deps } from '../deps.js'
import type { Queryable } from '../db/client.js'
import type { Job } from './scheduler.js'

const BATCH = 5000
const MAX_BATCHES = 2000
const PAUSE_MS = 50

async function purgeTable(db: Queryable, table: string, where: ReturnType<Queryable>): Promise<number> {
  let total = 0
  for (let i = 0; i < MAX_BATCHES; i++) {
    const rows = await db`
      delete from ${db(`taguato.${table}`)} where id in (select id from ${db(`taguato.${table}`)} where ${where} order by id limit ${BATCH})
      returning 1 as x`
    total += rows.length
    if (rows.length < BATCH) break
    await new Promise((r) => setTimeout(r, PAUSE_MS))
  }
  return total
}

export async function runPurge(deps: Deps): Promise<Record<string, unknown>> {
  const { sql, config: c } = deps
  const days = (n: number) => sql`make_interval(days => ${n})`
  const plan: [string, ReturnType<Queryable>][] = [
    ['message_logs', sql`created_at < now() - ${days(c.RETENTION_MESSAGE_LOGS_DAYS)}`],
    ['audit_log', sql`created_at < now() - ${days(c.RETENTION_AUDIT_DAYS)}`],
    ['reconnect_log', sql`created_at < now() - ${days(c.RETENTION_RECONNECT_DAYS)}`],
    ['uptime_checks', sql`checked_at < now() - ${days(c.RETENTION_UPTIME_DAYS)}`],
    ['sessions', sql`not is_active and created_at < now() - ${days(c.RETENTION_SESSIONS_DAYS)}`],
    ['inbound_messages', sql`received_at < now() - ${days(c.RETENTION_INBOUND_DAYS)}`],
    ['scheduled_messages', sql`status in ('completed', 'failed', 'cancelled') and updated_at < now() - ${days(c.RETENTION_SCHEDULED_DAYS)}`],
  ]
  const deleted: Record<string, number> = {}
  for (const [table, where] of plan) deleted[table] = await purgeTable(sql, table, where)
  // job_runs has no id column and grows by a few hundred rows a day: one statement is enough.
  const runs = await sql`delete from taguato.job_runs where started_at < now() - interval '30 days' returning 1 as x`
  deleted.job_runs = runs.length
  return { deleted }
}

export function purgeJob(deps: Deps): Job {
  return { name: 'purge', schedule: deps.config.PURGE_CRON, run: () => runPurge(deps) }
}
