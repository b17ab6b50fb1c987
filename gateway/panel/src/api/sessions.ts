import { api } from './client.js'

export type Session = {
  id: number
  user_id?: number
  username?: string
  ip_address: string | null
  user_agent: string | null
  /** "Chrome on Linux", read from user_agent by the gateway. */
  device?: string | null
  last_active: string
  is_active?: boolean
  current?: boolean
  created_at: string
}

export const sessionsApi = {
  mine: () => api.get<{ sessions: Session[] }>('/api/sessions'),
  revoke: (id: number) => api.del<unknown>(`/api/sessions/${id}`),
  all: (page: number) => api.get<{ sessions: Session[]; total: number; page: number; pages: number }>('/admin/sessions', { page, limit: 50 }),
  adminRevoke: (id: number) => api.del<unknown>(`/admin/sessions/${id}`),
}
