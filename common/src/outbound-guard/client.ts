/**
 * @module common/outbound-guard/client
 * The one way either service sends a request to a URL that came from a user or an admin: webhook
 * deliveries, media downloads, picture URLs. On top of the request-time URL check (./url-check), the
 * connection is guarded where it is made: the socket's lookup resolves the name, refuses the whole
 * name if any answer is refused, and hands the socket only the checked addresses, so the address
 * checked is the address connected to (no DNS rebinding between check and connect). IP literals,
 * which skip lookup, are judged in the connector. Redirects are followed only when asked, at most
 * `maxRedirects` hops, each hop judged again. Bodies are capped in bytes and the whole exchange in time.
 */
import type { LookupFunction } from 'node:net'
import { Agent, buildConnector, request, type Dispatcher } from 'undici'
import { addressRefusal } from './address-policy.js'
import { isExemptHost, urlPort } from './host-policy.js'
import { systemResolver } from './resolve.js'
import { answersRefusal, checkUrl, OutboundRefusedError, targetMessage, type GuardRules, type TargetOptions, type UrlVerdict } from './url-check.js'

export type OutboundRequest = {
  method?: 'GET' | 'POST' | 'PUT' | 'HEAD' | undefined
  headers?: Record<string, string> | undefined
  body?: string | Buffer | undefined
  /** Answer bodies larger than this are refused (OutboundTooLargeError). */
  maxBytes?: number | undefined
  /** Deadline for the whole exchange, redirects and body included. */
  timeoutMs: number
  /** Redirects to follow (0: a 3xx is returned as it is). */
  maxRedirects?: number | undefined
  signal?: AbortSignal | undefined
}

export type OutboundResponse = { status: number; headers: Record<string, string>; body: Buffer; url: URL }

/** The answer's body went over `maxBytes`. */
export class OutboundTooLargeError extends Error {
  readonly code = 'EOUTBOUNDTOOLARGE'
  constructor(readonly limit: number) {
    super(`the answer is larger than ${limit} bytes`)
    this.name = 'OutboundTooLargeError'
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308])

/** A socket lookup that resolves with the guard's resolver and refuses a name with any refused answer. */
export function guardedLookup(rules: GuardRules): LookupFunction {
  const resolve = rules.resolve ?? systemResolver
  return (hostname, options, callback) => {
    const cb = callback as (err: NodeJS.ErrnoException | null, address: string | { address: string; family: number }[], family?: number) => void
    resolve(hostname).then(
      (answers) => {
        const bad = answersRefusal(hostname, answers, rules)
        if (bad) return cb(new OutboundRefusedError(bad.reason, bad.message), [])
        const usable = answers.filter((a) => addressRefusal(a.address, rules) === null)
        if ((options as { all?: boolean }).all) return cb(null, usable)
        const first = usable[0]!
        return cb(null, first.address, first.family)
      },
      (err: NodeJS.ErrnoException) => cb(err, []),
    )
  }
}

/** A socket lookup through `resolve`, without checks (exempt hosts). */
function resolvingLookup(resolve: NonNullable<GuardRules['resolve']>): LookupFunction {
  return (hostname, options, callback) => {
    const cb = callback as (err: NodeJS.ErrnoException | null, address: string | { address: string; family: number }[], family?: number) => void
    resolve(hostname).then(
      (answers) => ((options as { all?: boolean }).all ? cb(null, answers) : cb(null, answers[0]?.address ?? '', answers[0]?.family ?? 4)),
      (err: NodeJS.ErrnoException) => cb(err, []),
    )
  }
}

export type OutboundClient = {
  readonly rules: GuardRules
  /** The request-time check (clear errors before anything is sent). */
  check(raw: unknown, opts?: TargetOptions): Promise<UrlVerdict>
  /** Sends a request through the guard; throws OutboundRefusedError, OutboundTooLargeError, or a network error. */
  fetch(url: string | URL, req: OutboundRequest): Promise<OutboundResponse>
  close(): Promise<void>
}

/** Builds the guarded client: one connection pool whose every socket passes the rules. */
export function createOutboundClient(rules: GuardRules, opts: { connectTimeoutMs?: number } = {}): OutboundClient {
  const timeout = opts.connectTimeoutMs ?? 10_000
  const guarded = buildConnector({ timeout, lookup: guardedLookup(rules) })
  // Exempt hosts skip the checks, not the resolver: a test name in OUTBOUND_TEST_RESOLVE must still resolve.
  const plain = buildConnector({ timeout, lookup: resolvingLookup(rules.resolve ?? systemResolver) })
  const connect: buildConnector.connector = (o, cb) => {
    const port = o.port || (o.protocol === 'https:' ? '443' : '80')
    if (isExemptHost(o.hostname, port, rules.allowedHosts)) return plain(o, cb)
    const host = o.hostname.replace(/^\[|\]$/g, '')
    // Literals never reach lookup: judge them here, so no path (redirect, retry) connects unchecked.
    if (/^[\d.]+$/.test(host) || host.includes(':')) {
      const why = addressRefusal(host, rules)
      if (why) return cb(new OutboundRefusedError(why, targetMessage(o.hostname, why, 'literal')), null)
    }
    return guarded(o, cb)
  }
  const dispatcher = new Agent({ connect, connections: 32, keepAliveTimeout: 4_000 })

  async function once(url: URL, req: OutboundRequest, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
    return request(url, {
      dispatcher,
      method: req.method ?? 'GET',
      headers: req.headers,
      body: req.body,
      signal,
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
    })
  }

  async function readCapped(res: Dispatcher.ResponseData, maxBytes: number): Promise<Buffer> {
    const declared = Number(res.headers['content-length'])
    if (Number.isFinite(declared) && declared > maxBytes) {
      // Destroying an unread body emits an abort error: nobody is waiting for it.
      res.body.on('error', () => undefined).destroy()
      throw new OutboundTooLargeError(maxBytes)
    }
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length
      if (size > maxBytes) {
        res.body.destroy()
        throw new OutboundTooLargeError(maxBytes)
      }
      chunks.push(chunk as Buffer)
    }
    return Buffer.concat(chunks, size)
  }

  const flatHeaders = (h: Dispatcher.ResponseData['headers']): Record<string, string> => {
    const out: Record<string, string> = {}
    for (const [k, val] of Object.entries(h)) if (val !== undefined) out[k] = Array.isArray(val) ? val.join(', ') : val
    return out
  }

  return {
    rules,
    check: (raw, o) => checkUrl(raw, rules, o),
    async fetch(target, req) {
      const signal = req.signal ? AbortSignal.any([req.signal, AbortSignal.timeout(req.timeoutMs)]) : AbortSignal.timeout(req.timeoutMs)
      let verdict = await checkUrl(String(target), rules)
      if (!verdict.ok) throw new OutboundRefusedError(verdict.reason, verdict.message)
      let current = { ...req }
      const maxRedirects = req.maxRedirects ?? 0
      for (let hop = 0; ; hop++) {
        const res = await once(verdict.url, current, signal)
        const location = res.headers.location
        if (REDIRECTS.has(res.statusCode) && hop < maxRedirects && typeof location === 'string') {
          res.body.on('error', () => undefined).resume()
          const next = new URL(location, verdict.url)
          const judged = await checkUrl(next.href, rules)
          if (!judged.ok) throw new OutboundRefusedError('redirect', `redirected to a refused address: ${judged.message}`)
          verdict = judged
          // As browsers do: 303, and 301/302 after a POST, continue as a GET without a body.
          if (res.statusCode === 303 || ((res.statusCode === 301 || res.statusCode === 302) && current.method === 'POST')) {
            current = { ...current, method: 'GET', body: undefined }
          }
          continue
        }
        const body = req.method === 'HEAD' ? Buffer.alloc(0) : await readCapped(res, req.maxBytes ?? 1024 * 1024)
        return { status: res.statusCode, headers: flatHeaders(res.headers), body, url: verdict.url }
      }
    },
    close: () => dispatcher.close(),
  }
}

/** The port a URL connects to (re-exported for callers that build exemption entries). */
export { urlPort }
