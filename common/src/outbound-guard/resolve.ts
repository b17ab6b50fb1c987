/**
 * @module common/outbound-guard/resolve
 * Name resolution for the guard: the system resolver, and a fixed table for tests (OUTBOUND_TEST_RESOLVE,
 * `name=ip,name=ip`) so a test can make a public-looking name resolve to 127.0.0.1 without touching
 * /etc/hosts. Names not in the table go to the system resolver.
 */
import dns from 'node:dns'
import { isIP } from 'node:net'

export type Resolved = { address: string; family: number }
export type Resolver = (hostname: string) => Promise<Resolved[]>

export const systemResolver: Resolver = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true })

/** Parses `name=ip,name=ip`; throws a message naming the bad entry. */
export function parseResolveTable(spec: string): Map<string, string[]> {
  const table = new Map<string, string[]>()
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([^=\s]+)=([^=\s]+)$/.exec(part)
    if (!m || isIP(m[2]!) === 0) throw new Error(`"${part}" is not name=ip`)
    const name = m[1]!.toLowerCase()
    table.set(name, [...(table.get(name) ?? []), m[2]!])
  }
  return table
}

/** A resolver that answers the table's names itself and asks `fallback` for the rest. */
export function tableResolver(table: Map<string, string[]>, fallback: Resolver = systemResolver): Resolver {
  if (table.size === 0) return fallback
  return async (hostname) => {
    const hit = table.get(hostname.toLowerCase().replace(/\.+$/, ''))
    if (!hit) return fallback(hostname)
    return hit.map((address) => ({ address, family: isIP(address) }))
  }
}
