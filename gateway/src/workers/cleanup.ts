/**
 * @module workers/cleanup
 * Every CLEANUP_CRON (5 min), the light housekeeping of R8 (docs/decisions.md#r8): expire sessions (and drop their
 * cached copies), hand stuck scheduled messages back to the queue (lease expired, D12 (docs/decisions.md#d12); or no lease and
 * idle > 10 min), delete password_resets used > 1 h ago or expired > 24 h ago. Webhook retries are
 * their own job (webhook-sync).
 */
import type { Deps } from '../deps.js'
import { deleteStaleResets } from '../db/queries/password-resets.js'
import { releaseStuck } from '../db/queries/scheduled-worker.js'
import { deactivateExpiredSessions } from '../db/queries/sessions.js'
import type { Job } from './scheduler.js'

export async function runCleanup(deps: Deps): Promise<Record<string, unknown>> {
  const { sql } = deps
  const expired = await deactivateExpiredSessions(sql)
  await deps.sessions.forget(expired)
  const released = await releaseStuck(sql)
  const resets = await deleteStaleResets(sql)
  return { sessions_expired: expired.length, scheduled_released: released, password_resets_deleted: resets }
}

export function cleanupJob(deps: Deps): Job {
  return { name: 'cleanup', schedule: deps.config.CLEANUP_CRON, run: () => runCleanup(deps) }
}
