import { api, seg } from './client.js'

/** One row of GET /instance/fetchInstances (Evolution v2 flat row plus the compat sub-object). */
export type InstanceRow = {
  id?: string
  name?: string
  instanceName?: string
  connectionStatus?: string
  state?: string
  ownerJid?: string | null
  profileName?: string | null
  integration?: string
  channelType?: string
  instance?: { instanceName?: string; state?: string; owner?: string }
}

export type Instance = { name: string; state: string; phone: string | null; profileName: string | null }

export function normalizeInstance(r: InstanceRow): Instance {
  const name = r.instance?.instanceName || r.name || r.instanceName || ''
  const state = r.connectionStatus || r.instance?.state || r.state || 'close'
  const jid = r.ownerJid || r.instance?.owner || null
  return { name, state, phone: jid ? (jid.split('@')[0] ?? null) : null, profileName: r.profileName ?? null }
}

export type ConnectResult = { base64?: string; code?: string; pairingCode?: string | null; count?: number; instance?: { state?: string } }
export type InstanceStats = {
  instance_name: string
  total: number
  sent: number
  failed: number
  cancelled?: number
  delivery_rate: number
  registered_at?: string | null
  recent_errors: { phone_number: string; message_type: string; error_message?: string | null; created_at: string }[]
  reconnections: { previous_state?: string | null; action: string; result: string; error_message?: string | null; created_at: string }[]
  daily: { day: string; total?: number; sent: number; failed: number }[]
}

export const instancesApi = {
  async list(): Promise<Instance[]> {
    const rows = await api.get<InstanceRow[] | { instances?: InstanceRow[] }>('/instance/fetchInstances')
    const arr = Array.isArray(rows) ? rows : (rows.instances ?? [])
    return arr.map(normalizeInstance).filter((i) => i.name)
  },
  create: (instanceName: string) => api.post<unknown>('/instance/create', { instanceName, integration: 'WHATSAPP-BAILEYS', qrcode: true }),
  connect: (name: string, number?: string) => api.get<ConnectResult>(`/instance/connect/${seg(name)}`, number ? { number } : undefined),
  state: (name: string) => api.get<{ instance?: { instanceName?: string; state?: string } }>(`/instance/connectionState/${seg(name)}`),
  restart: (name: string) => api.post<unknown>(`/instance/restart/${seg(name)}`),
  logout: (name: string) => api.del<unknown>(`/instance/logout/${seg(name)}`),
  remove: (name: string) => api.del<unknown>(`/instance/delete/${seg(name)}`),
  stats: (name: string) => api.get<InstanceStats>(`/api/instance/stats/${seg(name)}`),
}
