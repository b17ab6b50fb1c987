/**
 * @module upstream/services/proxies
 * POST /proxy/set and GET /proxy/find (Evolution v2, docs/proxy.md). Evolution tests a proxy by fetching an
 * IP-echo service directly and through it; this server may run without Internet access, so the proxy is
 * validated instead: host, port and protocol well-formed, and the host must pass the outbound guard (an
 * internal address is a 400, like a webhook URL's). The proxy applies from the instance's next connect or
 * restart (the Baileys socket, driver/baileys/session.ts) and to the upstream's media downloads for it
 * (services/media-download.ts). Quirks fixed (Q17): the password is never answered (and a body without one
 * keeps the stored one for the same proxy), the write is awaited, and `enabled:false` needs no host, port or
 * protocol (everything is stored empty, as Evolution does).
 */
import { isIP } from 'node:net'
import type * as v from 'valibot'
import { PROXY_PROTOCOLS, type SetProxyBody } from '../../../common/src/evolution/proxy-bodies.js'
import type { InstanceRow, Tx } from '../db/instances.js'
import { findProxy, upsertProxy, type ProxyRow, type ProxySettings } from '../db/proxies.js'
import { badRequest, EvoError } from '../lib/errors.js'
import type { OutboundClient } from './outbound.js'

export type ProxyDeps = { sql: Tx; outbound: OutboundClient }

const EMPTY: ProxySettings = { enabled: false, host: '', port: '', protocol: '', username: '', password: '' }

/** The 400 of Evolution's body validation: a nested array of messages. */
const invalid = (messages: string[]) => new EvoError(400, [messages])

/** The settings to store, or the 400 naming every bad field. */
function settingsOf(b: v.InferOutput<typeof SetProxyBody>): ProxySettings {
  if (!b.enabled) return EMPTY
  const host = (b.host ?? '').trim().replace(/^\[(.*)\]$/, '$1')
  const port = String(b.port ?? '').trim()
  const protocol = (b.protocol ?? '').trim().toLowerCase()
  const errors: string[] = []
  if (host === '') errors.push('The "host" cannot be empty')
  else if (isIP(host) === 0 && !/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i.test(host)) {
    errors.push('host must be a host name or an IP address, without scheme, port or path')
  }
  if (port === '') errors.push('The "port" cannot be empty')
  else if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) errors.push('port must be a number from 1 to 65535')
  if (protocol === '') errors.push('The "protocol" cannot be empty')
  else if (!(PROXY_PROTOCOLS as readonly string[]).includes(protocol)) errors.push(`protocol is not one of enum values: ${PROXY_PROTOCOLS.join(',')}`)
  if (errors.length) throw invalid(errors)
  return { enabled: true, host, port: String(Number(port)), protocol, username: b.username ?? '', password: b.password ?? '' }
}

/** The proxy as the routes answer it: never the password. */
const shown = (p: ProxySettings | ProxyRow) => ({ enabled: p.enabled, host: p.host, port: p.port, protocol: p.protocol, username: p.username })

export async function setProxy(deps: ProxyDeps, row: InstanceRow, body: v.InferOutput<typeof SetProxyBody>) {
  const settings = settingsOf(body)
  if (settings.enabled) {
    // A name that does not resolve here is accepted (this host may have no DNS); each connection to the
    // proxy resolves it again through the guard (lib/proxy-agent.ts).
    const target = `http://${isIP(settings.host) === 6 ? `[${settings.host}]` : settings.host}:${settings.port}/`
    const verdict = await deps.outbound.check(target, { unresolved: 'accept' })
    if (!verdict.ok) throw badRequest('Invalid proxy', `host refused: ${verdict.message}`)
  }
  // No `password` in the body: the stored one stays if the proxy is the same (db/proxies.ts upsertProxy).
  const stored = await upsertProxy(deps.sql, row.id, settings, body.password === undefined)
  return { proxy: { instanceName: row.name, proxy: shown(stored) } }
}

/** The stored row (password omitted), or null when none was ever set. */
export async function findProxyAnswer(deps: ProxyDeps, row: InstanceRow) {
  return findProxy(deps.sql, row.id)
}
