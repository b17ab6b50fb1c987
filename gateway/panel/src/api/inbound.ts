import { api, type Query } from './client.js'

/** One row of GET /api/messages/inbound (docs/inbound-and-pacing.md). */
export type InboundMessage = {
  id: number
  instance_name: string
  key_id: string
  remote_jid: string
  from_number: string
  push_name: string | null
  message_type: string
  text: string | null
  received_at: string
}

export type InboundFilters = { instance: string; number?: string; date_from?: string; date_to?: string; page?: number; limit?: number }

export const inboundApi = {
  list: (q: InboundFilters) =>
    api.get<{ messages: InboundMessage[]; total: number; page: number; limit: number; pages: number }>('/api/messages/inbound', q as Query),
}
