/**
 * @module common/outbound-guard/rules
 * GuardRules from configuration values. The two test-only settings keep their purpose in their names:
 * OUTBOUND_ALLOWED_HOSTS (exempt host[:port] entries, for loopback test receivers) and
 * OUTBOUND_TEST_RESOLVE (a fixed `name=ip` table in front of DNS); each service's config refuses the
 * latter under NODE_ENV=production.
 */
import type { GuardRules } from './url-check.js'
import { parseResolveTable, tableResolver, type Resolver } from './resolve.js'

export type GuardSettings = {
  allowIPv6: boolean
  allowedHosts: readonly string[]
  /** `name=ip,name=ip`, or empty. */
  testResolve?: string | undefined
  /** Replaces the system resolver (unit tests). */
  resolve?: Resolver | undefined
}

export function guardRules(s: GuardSettings): GuardRules {
  const table = parseResolveTable(s.testResolve ?? '')
  return { allowIPv6: s.allowIPv6, allowedHosts: s.allowedHosts, resolve: tableResolver(table, s.resolve) }
}
