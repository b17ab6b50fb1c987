/**
 * @module services/send-queue/notify
 * Tells the instance's user webhooks that a queued send moved (queued -> sent | failed | unconfirmed),
 * as a `messages.update` event (what subscribers of delivery statuses already receive) whose `keyId` is
 * the id the 202 answered; `waMessageId` is WhatsApp's id once sent (later delivered/read updates from
 * the upstream carry that one). Delivered like every forwarded event (services/webhooks/deliveries:
 * durable, retried); started in the background, so a webhook outage never holds the queue.
 */
import type { Deps } from '../../deps.js'
import { deliveryTargets } from '../../db/queries/webhooks.js'
import { wants } from '../webhooks/events.js'
import { webhookDeliveries } from '../webhooks/deliveries.js'

export type QueueStatus = 'queued' | 'sent' | 'failed' | 'unconfirmed'

/** Evolution's status words for each move (what an Evolution client already understands). */
const EVOLUTION_STATUS: Record<QueueStatus, string> = { queued: 'PENDING', sent: 'SERVER_ACK', failed: 'ERROR', unconfirmed: 'PENDING' }

export type QueueEvent = { instance: string; messageId: string; remoteJid: string; status: QueueStatus; waMessageId?: string | null; error?: string | null }

export function queueEnvelope(e: QueueEvent): Record<string, unknown> {
  return {
    event: 'messages.update',
    instance: e.instance,
    date_time: new Date().toISOString(),
    data: {
      keyId: e.messageId,
      remoteJid: e.remoteJid,
      fromMe: true,
      status: EVOLUTION_STATUS[e.status],
      queueStatus: e.status,
      waMessageId: e.waMessageId ?? null,
      ...(e.error ? { error: { message: e.error } } : {}),
    },
  }
}

export function notifyQueueStatus(deps: Deps, e: QueueEvent): void {
  void (async () => {
    const targets = await deliveryTargets(deps.sql, e.instance)
    if (!targets.length) return
    const envelope = queueEnvelope(e)
    for (const t of targets) if (wants(t.events, 'MESSAGES_UPDATE')) await webhookDeliveries(deps).enqueue(t, 'MESSAGES_UPDATE', envelope)
  })().catch((err: Error) => deps.log.warn({ instance: e.instance, err: err.message }, 'queued send: webhook notify failed'))
}

/** remoteJid of a recipient: a JID as given, digits + @s.whatsapp.net otherwise. */
export const remoteJidOf = (to: string): string => (to.includes('@') ? to : `${to.replace(/\D/g, '')}@s.whatsapp.net`)
