/**
 * The outbound proxy of one instance, through the gateway to the upstream's Evolution v2 `/proxy/*`
 * routes: `POST /proxy/set/{instance}` (the body Evolution takes: `enabled`, `host`, `port` as a string,
 * `protocol`, optional `username` and `password`) and `GET /proxy/find/{instance}` (the stored row, or
 * `null` when none). The gateway checks the host like a webhook address (no private targets).
 */
import { api, seg } from './client.js'

export const PROXY_PROTOCOLS = ['http', 'https', 'socks4', 'socks5'] as const

export type ProxyBody = { enabled: boolean; host: string; port: string; protocol: string; username?: string; password?: string }

/** The stored row; Evolution includes the password, which screens must never show. */
export type ProxyRow = Partial<ProxyBody> & { id?: string; createdAt?: string; updatedAt?: string }

export const proxyApi = {
  find: (instance: string) => api.get<ProxyRow | null>(`/proxy/find/${seg(instance)}`),
  set: (instance: string, body: ProxyBody) => api.post<{ proxy?: { instanceName?: string; proxy?: ProxyRow } }>(`/proxy/set/${seg(instance)}`, body),
}
