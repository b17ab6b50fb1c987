/**
 * @module workers/webhook-sync
 * Retries webhook pushes that failed (R8, docs/decisions.md#r8): rows with needs_sync, fewer than 3 tries and
 * active. One push per instance covers all its rows; a failure counts a try on each row, and the third
 * deactivates the row with last_error suffixed " (deactivated after max retries)".
 */
import type { Deps } from '../deps.js'
import { pendingSyncs, recordSyncFailure } from '../db/queries/webhooks.js'
import { syncInstance } from '../services/webhooks/sync.js'
import type { Job } from './scheduler.js'

export async function runWebhookSync(deps: Deps): Promise<Record<string, unknown>> {
  const rows = await pendingSyncs(deps.sql, 50)
  const byInstance = new Map<string, typeof rows>()
  for (const r of rows) byInstance.set(r.instance_name, [...(byInstance.get(r.instance_name) ?? []), r])
  let synced = 0
  let failed = 0
  let deactivated = 0
  for (const [instance, list] of byInstance) {
    const err = await syncInstance(deps, instance)
    if (err === null) {
      synced += list.length
      continue
    }
    for (const row of list) {
      failed++
      if ((await recordSyncFailure(deps.sql, row.id, err)).deactivated) deactivated++
    }
  }
  return { pending: rows.length, synced, failed, deactivated }
}

export function webhookSyncJob(deps: Deps): Job {
  return { name: 'webhook-sync', schedule: deps.config.WEBHOOK_SYNC_CRON, run: () => runWebhookSync(deps) }
}
