/**
 * @module common/evolution/proxy-bodies
 * The body of Evolution v2's POST /proxy/set (the upstream validates with it; the gateway's OpenAPI document
 * shows it). Types only: the rules that depend on `enabled` (host, port and protocol required and valid when
 * it is true, ignored when false) are upstream/src/services/proxies.ts's, so their 400s name the field.
 */
import * as v from 'valibot'

export const PROXY_PROTOCOLS = ['http', 'https', 'socks4', 'socks5'] as const

export const SetProxyBody = v.object({
  enabled: v.boolean(),
  host: v.optional(v.pipe(v.string(), v.maxLength(253))),
  /** A string in Evolution ("3128"); a number is accepted as a tolerant alias. */
  port: v.optional(v.union([v.pipe(v.string(), v.maxLength(5)), v.pipe(v.number(), v.integer())])),
  protocol: v.optional(v.string()),
  username: v.optional(v.pipe(v.string(), v.maxLength(255))),
  password: v.optional(v.pipe(v.string(), v.maxLength(255))),
})
