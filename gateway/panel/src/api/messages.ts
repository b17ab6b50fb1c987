import { api, downloadBlob, seg, withQuery, type Query } from './client.js'
import type { RequestBody } from './generated-types.js'

/** The upstream's own sendMedia schema (generated-types.ts). */
export type SendMedia = RequestBody<'POST /message/sendMedia/{instance}'>
export type MediaType = SendMedia['mediatype']
export type MessageLog = {
  id: number
  instance_name: string
  phone_number: string
  message_type: string
  status: string
  error_message?: string | null
  created_at: string
  /** What was sent: the text, a media send's `[type] caption`, or a short summary (null on old rows). */
  message_text?: string | null
  wa_message_id?: string | null
  scheduled_message_id?: number | null
  sent_at?: string | null
  delivered_at?: string | null
  read_at?: string | null
  failed_at?: string | null
}
/** One step of a message's status timeline (GET /api/messages/log/{id}). */
export type TimelineEvent = { status: string; at: string | null; reason: string | null }
export type LogFilters = {
  status?: string
  message_type?: string
  instance_name?: string
  date_from?: string
  date_to?: string
  /** Partial number (`+`, spaces and dashes ignored). */
  phone_number?: string
  /** Case-insensitive part of the text. */
  q?: string
  /** The bulk or scheduled job the messages were sent for. */
  scheduled_message_id?: number
}

export const messagesApi = {
  sendText: (instance: string, number: string, text: string) =>
    api.post<unknown>(`/message/sendText/${seg(instance)}`, { number, text } satisfies RequestBody<'POST /message/sendText/{instance}'>),
  sendMedia: (instance: string, body: SendMedia) => api.post<unknown>(`/message/sendMedia/${seg(instance)}`, body),
  log: (q: LogFilters & { page?: number; limit?: number }) =>
    api.get<{ logs: MessageLog[]; total: number; page: number; limit: number; pages: number }>('/api/messages/log', q as Query),
  logEntry: (id: number) => api.get<{ log: MessageLog & { timeline: TimelineEvent[] } }>(`/api/messages/log/${id}`),
  exportCsv: (q: LogFilters) => downloadBlob(withQuery('/api/messages/export', q as Query), 'message_history.csv'),
}
