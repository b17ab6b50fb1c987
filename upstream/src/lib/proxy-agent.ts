/**
 * @module upstream/lib/proxy-agent
 * An instance's proxy (POST /proxy/set, docs/proxy.md) as a Node agent: `https-proxy-agent` for http and
 * https proxies (HTTP CONNECT), `socks-proxy-agent` for socks4 and socks5. The Baileys socket takes it as
 * `agent` (the WebSocket) and `fetchAgent` (media uploads); the upstream's own media downloads use it through
 * services/proxied-fetch.ts. The connection to the proxy itself resolves its name with the outbound guard's
 * lookup, so a proxy name that later resolves to an internal address is refused at connect time too (the
 * host was checked when it was set). Exempt hosts (OUTBOUND_ALLOWED_HOSTS, tests) skip that check.
 */
import type { Agent } from 'node:http'
import { isIP } from 'node:net'
import { HttpsProxyAgent } from 'https-proxy-agent'
import { SocksProxyAgent } from 'socks-proxy-agent'
import {
  addressRefusal, guardedLookup, isExemptHost, OutboundRefusedError, targetMessage, type GuardRules,
} from '../../../common/src/outbound-guard/index.js'

export type ProxyEndpoint = { host: string; port: string; protocol: string; username: string; password: string }

const bracket = (host: string) => (isIP(host) === 6 ? `[${host}]` : host)

/** `protocol://user:pass@host:port` (credentials percent-encoded). Never log it: it carries the password. */
export function proxyUrl(p: ProxyEndpoint): string {
  const auth = p.username || p.password ? `${encodeURIComponent(p.username)}:${encodeURIComponent(p.password)}@` : ''
  return `${p.protocol}://${auth}${bracket(p.host)}:${p.port}`
}

/** The agent that tunnels through `p`; its own connection to the proxy passes the guard (OutboundRefusedError when not). */
export function proxyAgent(p: ProxyEndpoint, rules: GuardRules): Agent {
  const exempt = isExemptHost(p.host, p.port, rules.allowedHosts)
  // A literal address never reaches the lookup: judge it here (it passed when it was saved; the rules may have changed).
  const why = !exempt && isIP(p.host) !== 0 ? addressRefusal(p.host, rules) : null
  if (why) throw new OutboundRefusedError(why, targetMessage(p.host, why, 'literal'))
  const lookup = exempt ? undefined : guardedLookup(rules)
  if (p.protocol === 'socks4' || p.protocol === 'socks5') {
    return new SocksProxyAgent(proxyUrl(p), lookup ? { socketOptions: { lookup } } : {})
  }
  return new HttpsProxyAgent(proxyUrl(p), lookup ? { lookup } : {})
}
