/**
 * @module services/outbound/guard
 * The gateway's door to the outbound-request guard (common/src/outbound-guard), the one check both
 * services run on every request to a URL a user or admin supplied. The gateway's own targets are user
 * webhooks (services/webhooks/forwarder, D3 (docs/decisions.md#d3): public IPv4 only, WEBHOOK_ALLOWED_HOSTS exempts test
 * receivers) and the operator's alert webhook (services/alerts: its own host is exempt, since the
 * operator chose it, but redirects, size and time are still capped).
 */
import { createOutboundClient, guardRules, type OutboundClient } from '../../../../common/src/outbound-guard/index.js'

export function createGatewayOutbound(opts: { allowedHosts: readonly string[]; connectTimeoutMs?: number }): OutboundClient {
  return createOutboundClient(guardRules({ allowIPv6: false, allowedHosts: opts.allowedHosts }), { connectTimeoutMs: opts.connectTimeoutMs ?? 10_000 })
}

export {
  addressRefusal,
  carriedIPv4,
  guardedLookup,
  isExemptHost,
  nameRefusal,
  OutboundRefusedError,
  urlPort,
  type AddressPolicy,
  type AddressRefusal,
  type OutboundClient,
} from '../../../../common/src/outbound-guard/index.js'
