/**
 * @module services/ssrf/classify
 * The webhook SSRF check's address and host-name rules (D3, docs/decisions.md#d3) in the reference's words: the rules
 * themselves are the outbound guard's (one copy for both services); this maps its reasons to the
 * reference's error messages. No I/O here (see ./ssrf.ts).
 */
import { isIP } from 'node:net'
import { addressRefusal, carriedIPv4, isExemptHost, nameRefusal, urlPort, type AddressPolicy, type AddressRefusal } from '../outbound/guard.js'

/** D3: webhook targets are public IPv4 only. */
export const GATEWAY_POLICY: AddressPolicy = { allowIPv6: false }

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

const REASON_MSG: Record<AddressRefusal, string> = {
  loopback: MSG.localhost,
  unspecified: MSG.localhost,
  metadata: MSG.metadata,
  ipv6: MSG.ipv6,
  invalid: MSG.invalid,
  private: MSG.private,
  'link-local': MSG.private,
  cgnat: MSG.private,
  multicast: MSG.private,
  broadcast: MSG.private,
  reserved: MSG.private,
}

/** The IPv4 inside an IPv6 address that carries one (`::ffff:7f00:1`, `::ffff:127.0.0.1`, NAT64, 6to4), if any. */
export function mappedIPv4(ip6: string): string | null {
  return carriedIPv4(ip6)
}

/** Why an IPv4 address may not be a webhook target, or null when it is public. */
export function classifyIPv4(ip: string): string | null {
  const why = addressRefusal(ip, GATEWAY_POLICY)
  return why ? REASON_MSG[why] : null
}

/**
 * Why a resolved or literal address may not be a target. The address rules are the outbound guard's
 * (common/src/outbound-guard); this maps them to the reference's messages. An IPv6 address that carries
 * no IPv4 address is "IPv6" unless it is loopback, unspecified or metadata, as the reference says.
 */
export function classifyIP(ip: string): string | null {
  const why = addressRefusal(ip, GATEWAY_POLICY)
  if (why === null) return null
  const bare = ip.replace(/^\[|\]$/g, '')
  if (isIP(bare) === 6 && carriedIPv4(bare) === null && !['loopback', 'unspecified', 'metadata'].includes(why)) return MSG.ipv6
  return REASON_MSG[why]
}

/** Host-name rules that need no DNS: localhost names, internal service names, metadata names. */
export function classifyName(hostname: string): string | null {
  if (hostname.replace(/\.+$/, '') === '') return MSG.invalid
  const why = nameRefusal(hostname)
  if (why === 'loopback') return MSG.localhost
  if (why === 'metadata') return MSG.metadata
  if (why === 'internal') return MSG.internal
  return null
}

/** Is the URL's host (or host:port) in the configured exemption list (WEBHOOK_ALLOWED_HOSTS, for tests)? */
export function isAllowedHost(url: URL, allowed: readonly string[]): boolean {
  return isExemptHost(url.hostname, urlPort(url), allowed)
}
