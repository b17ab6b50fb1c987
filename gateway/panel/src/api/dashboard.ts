import { api } from './client.js'

export type UserDashboard = {
  messages_today: number
  messages_week: number
  messages_month: number
  messages_total: number
  delivery_rate: number
  /** Sends with no server ack in time (issue 30); absent from older gateways. */
  unconfirmed?: number
  instances: number
  max_instances: number
  daily: { day: string; count: number }[]
}

export const dashboardApi = {
  mine: () => api.get<UserDashboard>('/api/user/dashboard'),
}
