/**
 * @module workers/cleanup
 * Every CLEANUP_CRON (5 min), the light housekeeping of R8 (docs/decisions.md#r8): expire sessions (and drop their
 * cached copies), hand stuck scheduled messages back to the queue (lease expired, D12 (docs/decisions.md#d12); or no lease and
 * idle > 10 min), delete password_resets used > 1 h ago or expired > 24 h ago. Webhook retries are
 * their own job (webhook-sync).
 */
import type { Deps } from '../deps.js'
import type { Job } from './scheduler.js'

export async function runCleanup(deps: Deps): Promise<Record<string, unknown>> {
  const { sql } = deps
  const expired = await sql<{ token_hash: string }[]>`
    update taguato.sessions set is_active = false where is_active and expires_at < now() returning token_hash`
  await deps.sessions.forget(expired.map((r) => r.token_hash))
  const released = await sql`
    update taguato.scheduled_messages set status = 'pending', lease_owner = null, lease_until = null, updated_at = now()
    where status = 'processing'
      and (lease_until < now() or (lease_until is null and updated_at < now() - interval '10 minutes'))
    returning id`
  const resets = await sql`
    delete from taguato.password_resets
    where (used_at is not null and used_at < now() - interval '1 hour') or expires_at < now() - interval '24 hours'
    returning id`
  return { sessions_expired: expired.length, scheduled_released: released.length, password_resets_deleted: resets.length }
}

export function cleanupJob(deps: Deps): Job {
  return { name: 'cleanup', schedule: deps.config.CLEANUP_CRON, run: () => runCleanup(deps) }
}
