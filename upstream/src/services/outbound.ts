/**
 * @module upstream/services/outbound
 * The upstream's outbound-request guard (common/src/outbound-guard): the one client used for every
 * request to a URL that came from a caller (webhook deliveries to instance webhooks, media downloads).
 * Public IPv6 is allowed here (the gateway's webhook rule is IPv4-only, see docs/security.md).
 */
import { createOutboundClient, guardRules, type OutboundClient } from '../../../common/src/outbound-guard/index.js'
import type { UpstreamConfig } from '../config.js'

export function createUpstreamOutbound(config: Pick<UpstreamConfig, 'OUTBOUND_ALLOWED_HOSTS' | 'OUTBOUND_TEST_RESOLVE'>): OutboundClient {
  return createOutboundClient(guardRules({ allowIPv6: true, allowedHosts: config.OUTBOUND_ALLOWED_HOSTS, testResolve: config.OUTBOUND_TEST_RESOLVE }))
}

export { OutboundRefusedError, OutboundTooLargeError, checkUrlStatic, type GuardRules, type OutboundClient, type OutboundResponse } from '../../../common/src/outbound-guard/index.js'
