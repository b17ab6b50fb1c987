/**
 * @module common/outbound-guard/host-policy
 * Host-name rules that need no DNS, and the exemption list. Names that only ever mean this machine or
 * its private network (localhost, *.internal, *.local, our own compose service names, metadata names)
 * are refused before anything is resolved; every other name is judged by what it resolves to.
 */

export type NameRefusal = 'loopback' | 'internal' | 'metadata'

/** Container names of the reference deployment and ours: on a compose network they resolve privately. */
const INTERNAL_NAMES = new Set(['taguato-api', 'taguato-postgres', 'taguato-redis', 'taguato-gateway', 'postgres', 'redis', 'upstream', 'gateway'])
const METADATA_NAMES = new Set(['metadata.google.internal', 'metadata', 'metadata.azure.com', 'instance-data', 'instance-data.ec2.internal'])
const LOOPBACK_NAMES = new Set(['localhost', 'localhost.localdomain', 'ip6-localhost', 'ip6-loopback'])

/** Why a host name (URL.hostname form, no brackets, not an IP literal) is refused without DNS, or null. */
export function nameRefusal(hostname: string): NameRefusal | null {
  const h = hostname.toLowerCase().replace(/\.+$/, '')
  if (LOOPBACK_NAMES.has(h) || h.endsWith('.localhost')) return 'loopback'
  if (METADATA_NAMES.has(h)) return 'metadata'
  if (INTERNAL_NAMES.has(h) || h.endsWith('.internal') || h.endsWith('.local') || h.endsWith('.home.arpa')) return 'internal'
  return null
}

/**
 * Is host:port in the exemption list? Entries are `host` (any port) or `host:port`, compared without
 * case. Exemptions exist for tests (a receiver on 127.0.0.1) and for destinations an operator
 * configured (the alert webhook, the global webhook), never for anything a user typed.
 */
export function isExemptHost(hostname: string, port: string | number, allowed: readonly string[]): boolean {
  if (allowed.length === 0) return false
  const name = hostname.toLowerCase().replace(/^\[|\]$/g, '')
  const withPort = `${name}:${port}`
  return allowed.some((a) => {
    const e = a.toLowerCase().trim()
    const bare = e.replace(/^\[([^\]]+)\](:\d+)?$/, '$1$2')
    return bare === name || bare === withPort
  })
}

/** The port a URL will connect to. */
export const urlPort = (url: URL): string => url.port || (url.protocol === 'https:' ? '443' : '80')
