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
}
export type LogFilters = { status?: string; message_type?: string; instance_name?: string; date_from?: string; date_to?: string }

export const messagesApi = {
  sendText: (instance: string, number: string, text: string) =>
    api.post<unknown>(`/message/sendText/${seg(instance)}`, { number, text } satisfies RequestBody<'POST /message/sendText/{instance}'>),
  sendMedia: (instance: string, body: SendMedia) => api.post<unknown>(`/message/sendMedia/${seg(instance)}`, body),
  log: (q: LogFilters & { page?: number; limit?: number }) =>
    api.get<{ logs: MessageLog[]; total: number; page: number; limit: number; pages: number }>('/api/messages/log', q as Query),
  exportCsv: (q: LogFilters) => downloadBlob(withQuery('/api/messages/export', q as Query), 'message_history.csv'),
}
