/**
 * @module upstream/services/proxied-fetch
 * A guarded GET through an instance's proxy (media downloads of an instance with a proxy, docs/proxy.md).
 * A proxy must not become a way around the outbound guard, and the proxy resolves names itself, so the
 * destination is judged and pinned here before the proxy is asked for anything: the URL passes the guard's
 * static rules, the name is resolved with the guard's resolver and every answer must pass, and the proxy is
 * asked to connect to that checked address (CONNECT a.b.c.d:443 / SOCKS to the address), with the original
 * name kept as the Host header and the TLS server name. Each redirect hop is judged the same way. Bodies are
 * capped in bytes and the exchange in time, as the guarded client does (OutboundTooLargeError).
 */
import http, { type Agent, type IncomingMessage } from 'node:http'
import https from 'node:https'
import { isIP } from 'node:net'
import {
  addressRefusal, answersRefusal, checkUrlStatic, OutboundRefusedError, OutboundTooLargeError, systemResolver,
  type GuardRules, type OutboundResponse, type Resolved,
} from '../../../common/src/outbound-guard/index.js'

export type ProxiedRequest = { timeoutMs: number; maxBytes: number; maxRedirects: number }

const REDIRECTS = new Set([301, 302, 303, 307, 308])

/** The checked address to connect to for `url` (the name itself when exempt or a literal). */
async function pinnedAddress(url: string, rules: GuardRules): Promise<{ url: URL; address: string }> {
  const verdict = checkUrlStatic(url, rules)
  if (!verdict.ok) throw new OutboundRefusedError(verdict.reason, verdict.message)
  const host = verdict.url.hostname.replace(/^\[|\]$/g, '')
  if (verdict.exempt || isIP(host) !== 0) return { url: verdict.url, address: host }
  let answers: Resolved[]
  try {
    answers = await (rules.resolve ?? systemResolver)(host)
  } catch {
    throw new OutboundRefusedError('unresolved', `${host} could not be resolved`)
  }
  const bad = answersRefusal(host, answers, rules)
  if (bad) throw new OutboundRefusedError(bad.reason, bad.message)
  const usable = answers.find((a) => addressRefusal(a.address, rules) === null)!
  return { url: verdict.url, address: usable.address }
}

function once(target: { url: URL; address: string }, agent: Agent, signal: AbortSignal): Promise<IncomingMessage> {
  const { url, address } = target
  const secure = url.protocol === 'https:'
  const client = secure ? https : http
  return new Promise((resolve, reject) => {
    const req = client.request({
      agent,
      host: address,
      port: url.port || (secure ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      headers: { host: url.host },
      // The certificate is checked against the name the caller gave, not the pinned address.
      ...(secure && isIP(url.hostname.replace(/^\[|\]$/g, '')) === 0 ? { servername: url.hostname } : {}),
      signal,
    }, resolve)
    req.on('error', reject)
    req.end()
  })
}

async function readCapped(res: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(res.headers['content-length'])
  if (Number.isFinite(declared) && declared > maxBytes) {
    res.destroy()
    throw new OutboundTooLargeError(maxBytes)
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of res) {
    size += (chunk as Buffer).length
    if (size > maxBytes) {
      res.destroy()
      throw new OutboundTooLargeError(maxBytes)
    }
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks, size)
}

const flat = (h: IncomingMessage['headers']): Record<string, string> =>
  Object.fromEntries(Object.entries(h).flatMap(([k, v]) => (v === undefined ? [] : [[k, Array.isArray(v) ? v.join(', ') : v]])))

/** GETs `url` through `agent` (the instance's proxy), judging and pinning every hop's destination. */
export async function proxiedFetch(url: string, agent: Agent, rules: GuardRules, req: ProxiedRequest): Promise<OutboundResponse> {
  const signal = AbortSignal.timeout(req.timeoutMs)
  let target = await pinnedAddress(url, rules)
  for (let hop = 0; ; hop++) {
    const res = await once(target, agent, signal)
    const location = res.headers.location
    if (REDIRECTS.has(res.statusCode ?? 0) && hop < req.maxRedirects && typeof location === 'string') {
      res.resume()
      const next = new URL(location, target.url).href
      try {
        target = await pinnedAddress(next, rules)
      } catch (err) {
        throw err instanceof OutboundRefusedError ? new OutboundRefusedError('redirect', `redirected to a refused address: ${err.message}`) : err
      }
      continue
    }
    const body = await readCapped(res, req.maxBytes)
    return { status: res.statusCode ?? 0, headers: flat(res.headers), body, url: target.url }
  }
}
