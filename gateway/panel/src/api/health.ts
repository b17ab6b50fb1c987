import { api, seg } from './client.js'

export type DetailedHealth = {
  status?: string
  uptime_seconds?: number
  dependencies?: Record<string, { status?: string; ok?: boolean; latency_ms?: number; ms?: number; error?: string | null; [k: string]: unknown }>
  breaker?: { state?: string; [k: string]: unknown }
  workers?: Record<string, { last_run?: string | null; last_status?: string | null; last_error?: string | null; [k: string]: unknown }> | { name: string; [k: string]: unknown }[]
  [k: string]: unknown
}

export const healthApi = {
  detailed: () => api.get<DetailedHealth>('/health/detailed'),
  runWorker: (name: string) => api.post<unknown>(`/admin/workers/${seg(name)}/run`),
  openapi: () => api.get<OpenApiDoc>('/api/openapi.json'),
}

export type OpenApiOperation = { summary?: string; description?: string; tags?: string[]; security?: unknown[]; 'x-access'?: string; requestBody?: unknown }
export type OpenApiDoc = { info?: { title?: string; version?: string }; paths?: Record<string, Record<string, OpenApiOperation>> }
