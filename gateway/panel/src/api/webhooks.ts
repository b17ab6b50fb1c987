import { api } from './client.js'
import type { RequestBody } from './generated-types.js'

export type Webhook = {
  id: number
  instance_name: string
  webhook_url: string
  events: string[]
  is_active: boolean
  needs_sync?: boolean | null
  sync_state?: string | null
  last_error?: string | null
  retry_count?: number | null
  secret?: string | null
  signing_secret?: string | null
  /** Set when the gateway disabled the webhook after consecutive dead letters (POST .../enable clears it). */
  disabled_at?: string | null
  disabled_reason?: string | null
  consecutive_dead?: number | null
  created_at: string
  updated_at?: string | null
}

export type DeliveryState = 'pending' | 'failed' | 'delivered' | 'dead'
export type DeliveryAttempt = { attempt: number; status_code: number | null; error: string | null; latency_ms: number | null; replay: boolean; created_at: string }
/** One event owed to a webhook, with every attempt (GET /api/webhooks/{id}/deliveries). */
export type Delivery = {
  id: number
  uid: string
  event: string
  state: DeliveryState
  attempts: number
  max_attempts: number
  last_status_code: number | null
  last_error: string | null
  created_at: string
  delivered_at: string | null
  attempt_log: DeliveryAttempt[]
}

/** The bodies the server validates (generated from its schemas, generated-types.ts). */
export type NewWebhook = RequestBody<'POST /api/webhooks'>
export type WebhookPatch = RequestBody<'PUT /api/webhooks/{id}'>
/** A name update accepts (create keeps any name; update refuses those Evolution does not know). */
export type WebhookEvent = NonNullable<WebhookPatch['events']>[number]

export const WEBHOOK_EVENTS = [
  'MESSAGES_UPSERT', 'MESSAGES_UPDATE', 'MESSAGES_DELETE', 'SEND_MESSAGE', 'CONNECTION_UPDATE', 'QRCODE_UPDATED', 'CALL',
  'CONTACTS_SET', 'CONTACTS_UPSERT', 'CONTACTS_UPDATE', 'PRESENCE_UPDATE', 'CHATS_SET', 'CHATS_UPDATE', 'CHATS_UPSERT',
  'CHATS_DELETE', 'GROUPS_UPSERT', 'GROUPS_UPDATE', 'GROUP_PARTICIPANTS_UPDATE', 'LABELS_EDIT', 'LABELS_ASSOCIATION',
] as const satisfies readonly WebhookEvent[]

export const webhooksApi = {
  list: () => api.get<{ webhooks: Webhook[] }>('/api/webhooks'),
  create: (b: NewWebhook) => api.post<{ webhook: Webhook; secret?: string; signing_secret?: string }>('/api/webhooks', b),
  update: (id: number, b: WebhookPatch) => api.put<{ webhook: Webhook }>(`/api/webhooks/${id}`, b),
  remove: (id: number) => api.del<unknown>(`/api/webhooks/${id}`),
  deliveries: (id: number, state?: DeliveryState) =>
    api.get<{ deliveries: Delivery[]; next_before: number | null }>(`/api/webhooks/${id}/deliveries`, state ? { state } : undefined),
  replay: (id: number, deliveryId: number) => api.post<{ replayed: number[] }>(`/api/webhooks/${id}/deliveries/${deliveryId}/replay`),
  replayDead: (id: number) => api.post<{ replayed: number[]; count: number }>(`/api/webhooks/${id}/dead-letters/replay`),
  enable: (id: number) => api.post<{ webhook: Webhook }>(`/api/webhooks/${id}/enable`),
}
