import { api } from './client.js'
import type { RequestBody } from './generated-types.js'

/** `unconfirmed`: recipients whose outcome nobody knows (the worker stopped mid-send); never counted as sent. */
export type Progress = { total: number; sent: number; failed: number; unconfirmed?: number; pending: number; skipped?: number }
export type Scheduled = {
  id: number
  instance_name: string
  message_type: string
  message_content: string
  recipients: string[] | string
  scheduled_at: string
  status: 'pending' | 'processing' | 'completed' | 'failed' | 'cancelled' | string
  progress?: Progress | null
  results?: { total?: number; sent?: number; failed?: number; errors?: unknown[] | Record<string, unknown> } | unknown[] | null
  created_at: string
  updated_at?: string
}
/** The body the server validates (generated from its schema, generated-types.ts). */
export type NewScheduled = RequestBody<'POST /api/scheduled'>
export type ScheduledType = NonNullable<NewScheduled['message_type']>
export const SCHEDULED_TYPES = ['text', 'image', 'document', 'audio', 'video'] as const satisfies readonly ScheduledType[]

export function recipientsOf(m: Scheduled): string[] {
  if (Array.isArray(m.recipients)) return m.recipients.map(String)
  try {
    const a = JSON.parse(m.recipients) as unknown
    return Array.isArray(a) ? a.map(String) : []
  } catch {
    return []
  }
}

/** total/sent/failed/pending whatever the server sent (progress, or the reference's results). */
export function progressOf(m: Scheduled): Progress {
  const total = recipientsOf(m).length
  if (m.progress) return m.progress
  const r = m.results && !Array.isArray(m.results) ? m.results : null
  const sent = Number(r?.sent ?? 0)
  const failed = Number(r?.failed ?? 0)
  return { total: Number(r?.total ?? total), sent, failed, pending: Math.max(0, total - sent - failed) }
}

/** Per-recipient errors from `results` (array of rows or the reference's {errors:[...]}) as text lines. */
export function errorsOf(m: Scheduled): string[] {
  const r = m.results
  if (!r) return []
  if (Array.isArray(r)) {
    return r
      .filter((x) => x && typeof x === 'object' && ((x as { status?: string }).status === 'failed' || (x as { error?: unknown }).error))
      .map((x) => {
        const o = x as { number?: string; recipient?: string; phone?: string; error?: string }
        return `${o.number ?? o.recipient ?? o.phone ?? '?'}: ${o.error ?? 'failed'}`
      })
  }
  const e = r.errors
  return Array.isArray(e) ? e.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))) : []
}

export const MAX_RECIPIENTS = 500

export const scheduledApi = {
  list: (q: { page?: number; limit?: number; status?: string }) =>
    api.get<{ messages: Scheduled[]; total: number; page: number; pages: number }>('/api/scheduled', q),
  get: (id: number) => api.get<{ message: Scheduled }>(`/api/scheduled/${id}`),
  create: (m: NewScheduled) => api.post<{ message: Scheduled }>('/api/scheduled', m),
  cancel: (id: number) => api.post<unknown>(`/api/scheduled/${id}/cancel`),
  remove: (id: number) => api.del<unknown>(`/api/scheduled/${id}`),
  /** Sends the unconfirmed recipients again (the message runs again now). */
  resendUnconfirmed: (id: number) => api.post<{ message: Scheduled; resending: number }>(`/api/scheduled/${id}/resend-unconfirmed`),
}
