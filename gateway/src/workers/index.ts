/**
 * @module workers
 * Registers every background job with the scheduler. Each job lives in its own file under workers/
 * and exports a `Job` factory (name, cron schedule from config, run). Jobs start only when
 * WORKERS_ENABLED; `deps.scheduler.runNow(name)` runs one on demand.
 */
import type { Deps } from '../deps.js'
import { heartbeatJob } from './heartbeat.js'
import { scheduledMessagesJob } from './scheduled-messages.js'
import { webhookSyncJob } from './webhook-sync.js'
import { backupJob } from './backup.js'
import { cleanupJob } from './cleanup.js'
import { purgeJob } from './purge.js'
import { reconnectJob } from './reconnect.js'
import { uptimeJob } from './uptime.js'

export function registerJobs(deps: Deps): void {
  if (deps.config.HEARTBEAT_CRON) deps.scheduler.add(heartbeatJob(deps))
  deps.scheduler.add(scheduledMessagesJob(deps))
  deps.scheduler.add(webhookSyncJob(deps))
  // Operations: status history, instance reconnects, housekeeping, retention, backups.
  deps.scheduler.add(uptimeJob(deps))
  deps.scheduler.add(reconnectJob(deps))
  deps.scheduler.add(cleanupJob(deps))
  deps.scheduler.add(purgeJob(deps))
  deps.scheduler.add(backupJob(deps))
  // deps.scheduler.add(someJob(deps)) — one line per job file.
}
