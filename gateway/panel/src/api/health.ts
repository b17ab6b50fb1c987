import { api, seg } from './client.js'

export type DetailedHealth = {
  status?: string
  uptime_seconds?: number
  dependencies?: Record<string, { status?: string; ok?: boolean; latency_ms?: number; ms?: number; error?: string | null; [k: string]: unknown }>
  breaker?: { state?: string; [k: string]: unknown }
  workers?: Record<string, { last_run?: string | null; last_status?: string | null; last_error?: string | null; [k: string]: unknown }> | { name: string; [k: string]: unknown }[]
  [k: string]: unknown
}

/** GET /admin/upstreams: the upstream replicas and which one runs each instance. */
export type Placement = {
  replicas: { nodeId: string; url: string; live: boolean; draining: boolean; heartbeatAt: string; startedAt: string; instances: number; rssBytes: number }[]
  instances: { name: string; nodeId: string | null; pinnedNode: string | null; connectionStatus: string }[]
  lease_ttl_ms: number | null
}

export const healthApi = {
  upstreams: () => api.get<Placement>('/admin/upstreams'),
  moveInstance: (instance: string, node: string | null) => api.post<{ instance: string; node: string | null }>('/admin/upstreams/move', { instance, node }),
  detailed: () => api.get<DetailedHealth>('/health/detailed'),
  runWorker: (name: string) => api.post<unknown>(`/admin/workers/${seg(name)}/run`),
  openapi: () => api.get<OpenApiDoc>('/api/openapi.json'),
}

export type OpenApiOperation = { summary?: string; description?: string; tags?: string[]; security?: unknown[]; 'x-access'?: string; requestBody?: unknown }
export type OpenApiDoc = { info?: { title?: string; version?: string }; paths?: Record<string, Record<string, OpenApiOperation>> }
