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
import { registerWebhookDeliveryWorkers } from '../services/webhooks/deliveries.js'
import { stuckMessagesJob } from './stuck-messages.js'
import { startSendQueueWorker } from '../services/send-queue/index.js'

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
  // Delivery guarantees: sends without a server ack become unconfirmed.
  deps.scheduler.add(stuckMessagesJob(deps))
  // Queued sends (services/send-queue): pg-boss workers, not a cron job; only where workers run.
  if (deps.config.WORKERS_ENABLED) startSendQueueWorker(deps)
  // deps.scheduler.add(someJob(deps)) — one line per job file.
  // Durable queues (pg-boss, not cron): their workers, when WORKERS_ENABLED.
  registerWebhookDeliveryWorkers(deps)
}
