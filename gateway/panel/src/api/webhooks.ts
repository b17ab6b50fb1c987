import { api } from './client.js'

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
  created_at: string
  updated_at?: string | null
}

export const WEBHOOK_EVENTS = [
  'MESSAGES_UPSERT', 'MESSAGES_UPDATE', 'MESSAGES_DELETE', 'SEND_MESSAGE', 'CONNECTION_UPDATE', 'QRCODE_UPDATED', 'CALL',
  'CONTACTS_SET', 'CONTACTS_UPSERT', 'CONTACTS_UPDATE', 'PRESENCE_UPDATE', 'CHATS_SET', 'CHATS_UPDATE', 'CHATS_UPSERT',
  'CHATS_DELETE', 'GROUPS_UPSERT', 'GROUPS_UPDATE', 'GROUP_PARTICIPANTS_UPDATE', 'LABELS_EDIT', 'LABELS_ASSOCIATION',
] as const

export const webhooksApi = {
  list: () => api.get<{ webhooks: Webhook[] }>('/api/webhooks'),
  create: (b: { instance_name: string; webhook_url: string; events: string[] }) => api.post<{ webhook: Webhook; secret?: string; signing_secret?: string }>('/api/webhooks', b),
  update: (id: number, b: { webhook_url?: string; events?: string[]; is_active?: boolean }) => api.put<{ webhook: Webhook }>(`/api/webhooks/${id}`, b),
  remove: (id: number) => api.del<unknown>(`/api/webhooks/${id}`),
}
