/**
 * @module upstream/services/placement/identity
 * This replica's id and the URL others reach it at, from UPSTREAM_NODE_ID / UPSTREAM_ADVERTISE_URL or
 * their defaults: `<hostname>:<port>` (stable for a StatefulSet pod or a compose container) and
 * http://<listen address, or the first non-loopback IPv4 when listening everywhere>:<port>.
 */
import { hostname, networkInterfaces } from 'node:os'
import type { UpstreamConfig } from '../../config.js'

type IdentityConfig = Pick<UpstreamConfig, 'UPSTREAM_NODE_ID' | 'UPSTREAM_ADVERTISE_URL' | 'UPSTREAM_HOST' | 'UPSTREAM_PORT'>

export function nodeIdOf(config: IdentityConfig): string {
  return config.UPSTREAM_NODE_ID || `${hostname()}:${config.UPSTREAM_PORT}`
}

export function advertiseUrl(config: IdentityConfig): string {
  if (config.UPSTREAM_ADVERTISE_URL) return config.UPSTREAM_ADVERTISE_URL.replace(/\/+$/, '')
  const host = config.UPSTREAM_HOST
  const everywhere = host === '0.0.0.0' || host === '::' || host === ''
  const addr = everywhere ? firstExternalIpv4() ?? '127.0.0.1' : host
  return `http://${addr.includes(':') ? `[${addr}]` : addr}:${config.UPSTREAM_PORT}`
}

function firstExternalIpv4(): string | null {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address
  }
  return null
}
