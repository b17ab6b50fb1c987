import { api, seg } from './client.js'
import type { RequestBody } from './generated-types.js'

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
  /** Cloud API: the phone number id. */
  number?: string | null
  businessId?: string | null
  /** The instance token (Cloud API: the Meta access token). Read only to say whether it is set. */
  token?: string | null
  /** Cloud API rows: the gateway replaces the token by this flag. */
  tokenSet?: boolean
  disconnectionReasonCode?: number | null
  disconnectionAt?: string | null
  instance?: { instanceName?: string; state?: string; owner?: string }
}

export type Instance = {
  name: string
  state: string
  phone: string | null
  profileName: string | null
  integration: string
  /** Cloud API: the phone number id (null for WhatsApp Web). */
  phoneNumberId: string | null
  businessId: string | null
  /** Whether a token is stored; the token itself is dropped here so no screen can show it back. */
  tokenSet: boolean
  disconnectCode: number | null
  disconnectAt: string | null
}

export function normalizeInstance(r: InstanceRow): Instance {
  const name = r.instance?.instanceName || r.name || r.instanceName || ''
  const state = r.connectionStatus || r.instance?.state || r.state || 'close'
  const jid = r.ownerJid || r.instance?.owner || null
  const integration = r.integration || 'WHATSAPP-BAILEYS'
  const cloud = integration === 'WHATSAPP-BUSINESS'
  return {
    name,
    state,
    phone: jid ? (jid.split('@')[0] ?? null) : null,
    profileName: r.profileName ?? null,
    integration,
    phoneNumberId: cloud ? (r.number ?? null) : null,
    businessId: cloud ? (r.businessId ?? null) : null,
    tokenSet: r.tokenSet === true || (typeof r.token === 'string' && r.token !== ''),
    disconnectCode: typeof r.disconnectionReasonCode === 'number' ? r.disconnectionReasonCode : null,
    disconnectAt: r.disconnectionAt ?? null,
  }
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
  /** One instance's row (integration, Cloud API ids, last disconnect reason); null when not visible. */
  async get(name: string): Promise<Instance | null> {
    const rows = await api.get<InstanceRow[]>('/instance/fetchInstances', { instanceName: name })
    const found = (Array.isArray(rows) ? rows : []).map(normalizeInstance).find((i) => i.name === name)
    return found ?? null
  },
  /** Any body the gateway and the upstream accept; the form builds a narrower one (lib/instance-rules). */
  create: (body: RequestBody<'POST /instance/create'>) => api.post<unknown>('/instance/create', body),
  connect: (name: string, number?: string) => api.get<ConnectResult>(`/instance/connect/${seg(name)}`, number ? { number } : undefined),
  state: (name: string) => api.get<{ instance?: { instanceName?: string; state?: string } }>(`/instance/connectionState/${seg(name)}`),
  restart: (name: string) => api.post<unknown>(`/instance/restart/${seg(name)}`),
  logout: (name: string) => api.del<unknown>(`/instance/logout/${seg(name)}`),
  remove: (name: string) => api.del<unknown>(`/instance/delete/${seg(name)}`),
  stats: (name: string) => api.get<InstanceStats>(`/api/instance/stats/${seg(name)}`),
}
