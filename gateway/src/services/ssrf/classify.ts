/**
 * @module services/ssrf/classify
 * Pure address and host-name rules of the webhook SSRF check (D3): which IPv4 ranges are private or
 * reserved, which names are internal, and the reference's error messages. No I/O here (see ./ssrf.ts).
 */
import { BlockList, isIP } from 'node:net'

export const MSG = {
  required: 'webhook_url is required',
  scheme: 'webhook_url must start with http:// or https://',
  invalid: 'Invalid webhook URL',
  credentials: 'webhook_url must not contain credentials',
  localhost: 'webhook_url cannot point to localhost',
  internal: 'webhook_url cannot point to internal services',
  metadata: 'webhook_url cannot point to cloud metadata',
  private: 'webhook_url cannot point to private/internal IP addresses',
  ipv6: 'webhook_url cannot point to IPv6 addresses',
  unresolved: 'webhook_url host could not be resolved',
  noPublic: 'webhook_url must resolve to a public IPv4 address',
} as const

/** The reference's container names, plus ours. */
const INTERNAL_NAMES = new Set(['taguato-api', 'taguato-postgres', 'taguato-redis', 'taguato-gateway', 'postgres', 'redis', 'upstream', 'gateway'])
const METADATA_NAMES = new Set(['metadata.google.internal', 'metadata', 'metadata.azure.com', 'instance-data', 'instance-data.ec2.internal'])
const METADATA_IPS = new Set(['169.254.169.254', '169.254.170.2', '100.100.100.200'])

/** Every IPv4 range that is not a routable public unicast address. */
const BLOCKED_V4: Array<[string, number]> = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15],
  ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
]
const blocked = new BlockList()
for (const [net, bits] of BLOCKED_V4) blocked.addSubnet(net, bits, 'ipv4')

/** The IPv4 inside an IPv4-mapped / compatible IPv6 address (`::ffff:7f00:1`, `::ffff:127.0.0.1`), if any. */
export function mappedIPv4(ip6: string): string | null {
  let s: string
  try {
    // The URL parser canonicalises every IPv6 spelling (zeros, case, embedded dotted quad).
    s = new URL(`http://[${ip6.replace(/^\[|\]$/g, '')}]/`).hostname.slice(1, -1)
  } catch {
    return null
  }
  const dotted = /^::(?:ffff:)?(\d+\.\d+\.\d+\.\d+)$/.exec(s)
  if (dotted) return dotted[1]!
  const hex = /^::(?:ffff:)?([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(s)
  if (!hex) return null
  const hi = parseInt(hex[1]!, 16)
  const lo = parseInt(hex[2]!, 16)
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`
}

/** Why an IPv4 address may not be a webhook target, or null when it is public. */
export function classifyIPv4(ip: string): string | null {
  if (METADATA_IPS.has(ip)) return MSG.metadata
  if (ip.startsWith('127.') || ip === '0.0.0.0') return MSG.localhost
  if (ip === '255.255.255.255' || blocked.check(ip, 'ipv4')) return MSG.private
  return null
}

/** Why a resolved or literal address may not be a target. IPv6 is refused outright (mapped ones say why). */
export function classifyIP(ip: string): string | null {
  const fam = isIP(ip)
  if (fam === 4) return classifyIPv4(ip)
  if (fam === 6) {
    const v4 = mappedIPv4(ip)
    if (v4) return classifyIPv4(v4) ?? MSG.ipv6
    const s = ip.toLowerCase()
    if (s === '::1' || s === '::') return MSG.localhost
    if (s === 'fd00:ec2::254') return MSG.metadata
    return MSG.ipv6
  }
  return MSG.invalid
}

/** Host-name rules that need no DNS: localhost names, internal service names, metadata names. */
export function classifyName(hostname: string): string | null {
  const h = hostname.toLowerCase().replace(/\.+$/, '')
  if (h === '') return MSG.invalid
  if (h === 'localhost' || h.endsWith('.localhost') || h === 'localhost.localdomain' || h === 'ip6-localhost' || h === 'ip6-loopback') return MSG.localhost
  if (METADATA_NAMES.has(h)) return MSG.metadata
  if (INTERNAL_NAMES.has(h) || h.endsWith('.internal') || h.endsWith('.local')) return MSG.internal
  return null
}

/** Is `host` (URL.host form: name[:port]) in the configured exemption list? */
export function isAllowedHost(url: URL, allowed: readonly string[]): boolean {
  if (allowed.length === 0) return false
  const host = url.host.toLowerCase()
  const name = url.hostname.toLowerCase()
  const port = url.port || (url.protocol === 'https:' ? '443' : '80')
  return allowed.some((a) => {
    const e = a.toLowerCase()
    return e === host || e === name || e === `${name}:${port}`
  })
}
