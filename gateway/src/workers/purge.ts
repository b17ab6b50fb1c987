/**
 * @module workers/purge
 * Every PURGE_CRON (6 h): retention (RETENTION_*_DAYS) in batches of 5000 rows per statement, looping
 * until a batch comes back short (the reference stopped after one batch, R8 (docs/decisions.md#r8)), so a large backlog never
 * holds one long lock. A pause between batches leaves room to the live traffic.
 */
import type { Deps } from '../deps.js'
import type { Queryable } from '../db/client.js'
import { deleteExpiredBatch, deleteOldJobRuns, type RetainedTable } from '../db/queries/retention.js'
import type { Job } from './scheduler.js'

const BATCH = 5000
const MAX_BATCHES = 2000
const PAUSE_MS = 50

async function purgeTable(db: Queryable, table: RetainedTable, days: number): Promise<number> {
  let total = 0
  for (let i = 0; i < MAX_BATCHES; i++) {
    const deleted = await deleteExpiredBatch(db, table, days, BATCH)
    total += deleted
    if (deleted < BATCH) break
    await new Promise((r) => setTimeout(r, PAUSE_MS))
  }
  return total
}

export async function runPurge(deps: Deps): Promise<Record<string, unknown>> {
  const { sql, config: c } = deps
  const plan: [RetainedTable, number][] = [
    ['message_logs', c.RETENTION_MESSAGE_LOGS_DAYS],
    ['audit_log', c.RETENTION_AUDIT_DAYS],
    ['reconnect_log', c.RETENTION_RECONNECT_DAYS],
    ['uptime_checks', c.RETENTION_UPTIME_DAYS],
    ['sessions', c.RETENTION_SESSIONS_DAYS],
    ['inbound_messages', c.RETENTION_INBOUND_DAYS],
    ['scheduled_messages', c.RETENTION_SCHEDULED_DAYS],
    ['webhook_deliveries', c.RETENTION_WEBHOOK_DELIVERIES_DAYS],
  ]
  const deleted: Record<string, number> = {}
  for (const [table, days] of plan) deleted[table] = await purgeTable(sql, table, days)
  deleted.job_runs = await deleteOldJobRuns(sql)
  return { deleted }
}

export function purgeJob(deps: Deps): Job {
  return { name: 'purge', schedule: deps.config.PURGE_CRON, run: () => runPurge(deps) }
}
