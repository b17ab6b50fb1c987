/**
 * @module workers/stuck-messages
 * Every STUCK_MESSAGES_CRON: a message the upstream accepted but WhatsApp's server never acknowledged
 * within STUCK_MESSAGE_TIMEOUT_SECONDS (status 'sent', no server_ack_at: services/send-pauses stamps it
 * from SERVER_ACK) becomes 'unconfirmed': logged, MESSAGE_UNCONFIRMED to the instance's user webhooks,
 * counted on the dashboards. When more than UNCONFIRMED_ALERT_PERCENT of an affected instance's last
 * UNCONFIRMED_ALERT_SAMPLE sends are unconfirmed, the operator is alerted (per-instance cooldown). A
 * late ack still moves the row on (db/queries/send-pauses stampServerAck, delivery-status). It is never
 * resent by itself: only POST /api/messages/log/{id}/resend does, once.
 */
import type { Deps } from '../deps.js'
import { markStuck, unconfirmedShare } from '../db/queries/stuck-messages.js'
import { sendPausesOf } from '../services/send-pauses/index.js'
import type { Job } from './scheduler.js'

export async function runStuckMessages(deps: Deps): Promise<Record<string, unknown>> {
  const timeout = deps.config.STUCK_MESSAGE_TIMEOUT_SECONDS
  const rows = await markStuck(deps.sql, timeout)
  const pauses = sendPausesOf(deps)
  const instances = new Set<string>()
  for (const r of rows) {
    instances.add(r.instance_name)
    deps.log.warn({ id: r.id, instance: r.instance_name, waMessageId: r.wa_message_id }, `message unconfirmed: no server ack within ${timeout} s`)
    pauses.emitUserEvent(r.instance_name, 'message.unconfirmed', {
      id: r.id, keyId: r.wa_message_id, number: r.phone_number, sentAt: new Date(r.created_at).toISOString(), timeoutSeconds: timeout,
    })
  }
  const alerted: string[] = []
  for (const instance of instances) {
    const share = await unconfirmedShare(deps.sql, instance, deps.config.UNCONFIRMED_ALERT_SAMPLE)
    if (share.of > 0 && share.unconfirmed * 100 > share.of * deps.config.UNCONFIRMED_ALERT_PERCENT) {
      alerted.push(instance)
      void deps.alerts.notify({ kind: 'unconfirmed_jump', instance, unconfirmed: share.unconfirmed, of: share.of })
    }
  }
  return { unconfirmed: rows.length, instances: [...instances], alerted }
}

export function stuckMessagesJob(deps: Deps): Job {
  return { name: 'stuck-messages', schedule: deps.config.STUCK_MESSAGES_CRON, run: () => runStuckMessages(deps) }
}
