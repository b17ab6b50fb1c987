/**
 * @module common/outbound-guard/address-policy
 * Which IP addresses an outbound request may connect to. Only public unicast addresses pass: loopback,
 * private (RFC 1918, IPv6 ULA), link-local (cloud metadata lives there), CGNAT, multicast, broadcast,
 * unspecified and the documentation/benchmark/reserved ranges are refused. IPv6 forms that carry an
 * IPv4 address (mapped, compatible, SIIT, NAT64, 6to4, Teredo) are judged by the IPv4 they carry, so
 * `::ffff:127.0.0.1` and `64:ff9b::a00:1` are the loopback and private addresses they stand for.
 * Parsing is ipaddr.js (the parser proxy-addr and express rely on); no I/O here.
 */
import ipaddr from 'ipaddr.js'

/** Why an address is refused; the words docs/security.md and the error messages use. */
export type AddressRefusal =
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cgnat'
  | 'multicast'
  | 'broadcast'
  | 'unspecified'
  | 'reserved'
  | 'metadata'
  | 'ipv6'
  | 'invalid'

export type AddressPolicy = {
  /** Public IPv6 unicast may be used (the gateway's webhook rule refuses every IPv6 address). */
  allowIPv6: boolean
}

/** Cloud metadata endpoints, named apart because "metadata" says more than "link-local" in an error. */
const METADATA = new Set(['169.254.169.254', '169.254.170.2', '100.100.100.200', 'fd00:ec2::254'])

const V4_RANGE_REFUSAL: Record<string, AddressRefusal> = {
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local',
  loopback: 'loopback',
  carrierGradeNat: 'cgnat',
  private: 'private',
  reserved: 'reserved',
  // Any range ipaddr.js learns later and we do not know of is refused as reserved (see refusalForV4).
}

const V6_RANGE_REFUSAL: Record<string, AddressRefusal> = {
  unspecified: 'unspecified',
  loopback: 'loopback',
  linkLocal: 'link-local',
  uniqueLocal: 'private',
  deprecatedSiteLocal: 'private',
  multicast: 'multicast',
}

function refusalForV4(ip: ipaddr.IPv4): AddressRefusal | null {
  const s = ip.toString()
  if (METADATA.has(s)) return 'metadata'
  const range = ip.range()
  if (range === 'unicast') return null
  return V4_RANGE_REFUSAL[range] ?? 'reserved'
}

/** The IPv4 address an IPv6 address carries, for the forms that route to (or mean) that IPv4 address. */
export function embeddedIPv4(ip: ipaddr.IPv6): ipaddr.IPv4 | null {
  const range = ip.range()
  const w = ip.parts
  const fromWords = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 255, lo >> 8, lo & 255])
  // ::ffff:a.b.c.d (mapped), ::ffff:0:a.b.c.d (SIIT), 64:ff9b::a.b.c.d and 64:ff9b:1::/48 (NAT64): v4 in the last 32 bits.
  if (range === 'ipv4Mapped' || range === 'rfc6145' || range === 'rfc6052') return fromWords(w[6]!, w[7]!)
  // ::a.b.c.d (IPv4-compatible, deprecated but still routed by some stacks): first 96 bits zero.
  if (w.slice(0, 6).every((x) => x === 0)) return fromWords(w[6]!, w[7]!)
  // 2002:AABB:CCDD::/48 (6to4): the v4 is in bits 16-47.
  if (range === '6to4') return fromWords(w[1]!, w[2]!)
  // 2001:0::/32 (Teredo): the client's v4 is the last 32 bits, inverted.
  if (range === 'teredo') return fromWords(w[6]! ^ 0xffff, w[7]! ^ 0xffff)
  return null
}

/** The IPv4 address (dotted) an IPv6 literal carries, or null (also for IPv4 input and `::`/`::1`). */
export function carriedIPv4(address: string): string | null {
  const bare = address.replace(/^\[|\]$/g, '')
  if (!ipaddr.IPv6.isValid(bare)) return null
  const v6 = ipaddr.IPv6.parse(bare)
  const s = v6.toNormalizedString()
  if (s === '0:0:0:0:0:0:0:0' || s === '0:0:0:0:0:0:0:1') return null
  return embeddedIPv4(v6)?.toString() ?? null
}

/** Why `address` (an IP literal, IPv6 with or without brackets) may not be connected to, or null. */
export function addressRefusal(address: string, policy: AddressPolicy): AddressRefusal | null {
  const bare = address.replace(/^\[|\]$/g, '')
  // ipaddr.parse accepts "1" or "0x7f.1" style IPv4 (as the URL parser does); isValid first keeps
  // garbage out, and parse() normalises the rest.
  if (!ipaddr.isValid(bare)) return 'invalid'
  let ip: ipaddr.IPv4 | ipaddr.IPv6
  try {
    ip = ipaddr.parse(bare)
  } catch {
    return 'invalid'
  }
  if (ip.kind() === 'ipv4') return refusalForV4(ip as ipaddr.IPv4)
  const v6 = ip as ipaddr.IPv6
  const s = v6.toNormalizedString()
  if (METADATA.has(v6.toString())) return 'metadata'
  const inner = embeddedIPv4(v6)
  if (inner) {
    // `::` and `::1` are all-zero prefixes too: they are themselves, not 0.0.0.0 / 0.0.0.1.
    if (s === '0:0:0:0:0:0:0:0') return 'unspecified'
    if (s === '0:0:0:0:0:0:0:1') return 'loopback'
    const why = refusalForV4(inner)
    if (why) return why
    // A public IPv4 behind a translation prefix: still an IPv6 destination for the socket.
    return policy.allowIPv6 ? null : 'ipv6'
  }
  const range = v6.range()
  if (range !== 'unicast') return V6_RANGE_REFUSAL[range] ?? 'reserved'
  return policy.allowIPv6 ? null : 'ipv6'
}

/** A short human phrase for a refusal, for error messages ("points to a loopback address"). */
export function describeRefusal(why: AddressRefusal): string {
  switch (why) {
    case 'loopback':
      return 'a loopback address'
    case 'private':
      return 'a private address'
    case 'link-local':
      return 'a link-local address'
    case 'cgnat':
      return 'a carrier-grade NAT address'
    case 'multicast':
      return 'a multicast address'
    case 'broadcast':
      return 'the broadcast address'
    case 'unspecified':
      return 'an unspecified address'
    case 'reserved':
      return 'a reserved address'
    case 'metadata':
      return 'a cloud metadata address'
    case 'ipv6':
      return 'an IPv6 address'
    case 'invalid':
      return 'an invalid address'
  }
}
