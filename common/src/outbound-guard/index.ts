/**
 * @module common/outbound-guard
 * The outbound-request guard both services use for every request to a URL a user or admin supplied
 * (docs/security.md lists each one). Build rules once from the configuration (`guardRules`), then a
 * client (`createOutboundClient`) for requests, or `checkUrl` alone for request-time 400s.
 */
export { addressRefusal, carriedIPv4, describeRefusal, embeddedIPv4, type AddressPolicy, type AddressRefusal } from './address-policy.js'
export { createOutboundClient, guardedLookup, OutboundTooLargeError, type OutboundClient, type OutboundRequest, type OutboundResponse } from './client.js'
export { isExemptHost, nameRefusal, urlPort, type NameRefusal } from './host-policy.js'
export { parseResolveTable, systemResolver, tableResolver, type Resolved, type Resolver } from './resolve.js'
export {
  answersRefusal,
  checkUrl,
  checkUrlStatic,
  OutboundRefusedError,
  parseOutboundUrl,
  staticTargetRefusal,
  targetMessage,
  type GuardRules,
  type Refusal,
  type TargetOptions,
  type UrlVerdict,
} from './url-check.js'
export { guardRules, type GuardSettings } from './rules.js'
