/**
 * @module lib/client-ip
 * The client address used for per-IP limits, sessions and audit. X-Forwarded-For is believed only when
 * the direct peer is a configured trusted proxy (D7, docs/decisions.md#d7), walking the chain right to left like nginx's
 * real_ip_recursive.
 */
import { BlockList, isIP } from 'node:net'

export type TrustedProxies = { has(ip: string): boolean }

/** Builds a matcher from IPs and CIDRs ("10.0.0.0/8", "127.0.0.1", "::1"). */
export function trustedProxies(entries: string[]): TrustedProxies {
  const list = new BlockList()
  for (const e of entries) {
    const [addr, bits] = e.split('/')
    const family = isIP(addr ?? '')
    if (!family) throw new Error(`TRUSTED_PROXIES: ${e} is not an IP or CIDR`)
    const type = family === 6 ? 'ipv6' : 'ipv4'
    if (bits === undefined) list.addAddress(addr!, type)
    else list.addSubnet(addr!, Number(bits), type)
  }
  const empty = entries.length === 0
  return {
    has(ip: string) {
      if (empty) return false
      const plain = stripMapped(ip)
      const fam = isIP(plain)
      return fam !== 0 && list.check(plain, fam === 6 ? 'ipv6' : 'ipv4')
    },
  }
}

export function stripMapped(ip: string): string {
  return ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip
}

/** Resolves the client IP from the socket peer and, through trusted proxies only, X-Forwarded-For. */
export function resolveClientIp(peer: string | undefined, xff: string | undefined, trusted: TrustedProxies): string {
  let ip = stripMapped(peer ?? 'unknown')
  if (!xff || !trusted.has(ip)) return ip
  const hops = xff.split(',').map((s) => s.trim()).filter(Boolean)
  for (let i = hops.length - 1; i >= 0; i--) {
    ip = stripMapped(hops[i]!)
    if (!trusted.has(ip)) return ip
  }
  return ip
}
