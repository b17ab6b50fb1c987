import { api, seg } from './client.js'

/** A ban-signal pause (services/send-pauses): why sends to the instance are refused, since when. */
export type SendPause = { signal: string; reason: string; code: number | null; since: string }

/** GET /api/instances/{name}/health. */
export type InstanceHealth = {
  instance: string
  sends_today: number
  failures_today: number
  unconfirmed: number
  last_ban_signal: { signal: string; reason: string; code: number | null; at: string } | null
  paused: SendPause | null
}

export const instanceHealthApi = {
  get: (name: string) => api.get<InstanceHealth>(`/api/instances/${seg(name)}/health`),
  resume: (name: string) => api.post<{ resumed: boolean; pause: SendPause }>(`/api/instances/${seg(name)}/resume-sending`),
  resend: (logId: number) => api.post<{ status: string; log_key: string; wa_message_id: string | null; error: string | null }>(`/api/messages/log/${seg(logId)}/resend`),
}
