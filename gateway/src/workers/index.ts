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

export function registerJobs(deps: Deps): void {
  if (deps.config.HEARTBEAT_CRON) deps.scheduler.add(heartbeatJob(deps))
  deps.scheduler.add(scheduledMessagesJob(deps))
  deps.scheduler.add(webhookSyncJob(deps))
  // deps.scheduler.add(someJob(deps)) — one line per job file.
}
