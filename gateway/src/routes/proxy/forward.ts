/**
 * @module routes/proxy/forward
 * One proxied hop through the breaker, with the gateway's error answers: 503 while the breaker refuses,
 * 502 when the upstream is unreachable, 504 on timeout or past the send deadline (all JSON, D10
 * (docs/decisions.md#d10)). What counts as a breaker failure is services/breaker/README.md's rule
 * (connection errors, timeouts, slow calls, 502/503/504, 5xx that are not Evolution's answer about the
 * request); every upstream 5xx body is replaced before anyone reads it (sanitizeServerError), so no
 * internal address reaches a client or the message log, on both send paths alike.
 */
import type { HttpBindings } from '@hono/node-server'
import type { Context } from 'hono'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import type { Logger } from 'pino'
import type { Deps } from '../../deps.js'
import type { AppEnv } from '../../env.js'
import { ApiError } from '../../errors/api-error.js'
import { bodyTimeoutError } from '../../lib/raw-body.js'
import { BreakerOpenError } from '../../services/breaker/breaker.js'
import { UpstreamError } from '../../services/upstream-client/upstream-client.js'
import type { ProxyResponse } from '../../services/upstream-proxy/upstream-proxy.js'
import { countsAsUpstreamFailure, sanitizeServerError } from '../../services/upstream-proxy/upstream-errors.js'

export const BREAKER_OPEN = 'Service temporarily unavailable, please retry later'
export const UPSTREAM_UNAVAILABLE = 'WhatsApp API unavailable'
export const UPSTREAM_TIMEOUT = 'WhatsApp API timeout'

export type HopOptions = {
  url: string
  method?: string
  body: Buffer | ReadableStream<Uint8Array> | null
  bufferResponse?: boolean
  extraHeaders?: Record<string, string>
}

/**
 * What a hop needs to know about the request, without Hono: built from the context by `hopContext`, or
 * directly by the Node-level send path (fast-send.ts).
 */
export type HopContext = {
  deps: Deps
  /** The request's logger (its lines carry the request id). */
  log: Logger
  incoming: IncomingMessage
  method: string
  requestId: string
  clientIp: string
}

export function hopContext(c: Context<AppEnv>): HopContext {
  const { incoming } = nodeBindings(c)
  return { deps: c.get('deps'), log: c.get('log'), incoming, method: upstreamMethod(c), requestId: c.get('requestId'), clientIp: c.get('clientIp') }
}

/** The raw Node request/response under @hono/node-server (absent under app.request in unit tests). */
export function nodeBindings(c: Context<AppEnv>): HttpBindings {
  const env = c.env as Partial<HttpBindings> | undefined
  if (!env?.incoming || !env.outgoing) throw new ApiError(500, 'Proxy requires the Node server')
  return env as HttpBindings
}

/**
 * The method a request is routed and forwarded with: a HEAD is asked upstream as its GET, so the
 * gateway's HEAD answer (middleware/head) carries the GET's headers and Content-Length.
 */
export function upstreamMethod(c: Context<AppEnv>): string {
  return c.req.method === 'HEAD' ? 'GET' : c.req.method
}

export function breakerOpenError(retryAfterSeconds: number): ApiError {
  return new ApiError(503, BREAKER_OPEN, {}, { 'Retry-After': String(retryAfterSeconds) })
}

/**
 * Sends one request upstream; throws ApiError 502/503/504 when there is no upstream answer, and 408
 * (lib/raw-body) when the client's streamed body stalls (the upstream request is aborted then).
 */
export async function hop(c: Context<AppEnv>, o: HopOptions): Promise<ProxyResponse> {
  return hopFrom(hopContext(c), nodeBindings(c).outgoing, o)
}

/** `hop` without Hono: the Node-level send path's plain forwards (an admin's unlisted /message/* route). */
export async function hopFrom(h: HopContext, outgoing: ServerResponse, o: HopOptions): Promise<ProxyResponse> {
  const { deps, incoming, requestId, clientIp } = h
  // A streamed client body may take long to arrive: that is the client's slowness, not the upstream's.
  const watchSlow = (o.body === null || Buffer.isBuffer(o.body)) && !slowByNature(o.url)
  const res = await throughBreaker(deps, h.log, requestId, o.url, watchSlow, () =>
    deps.proxy.forward({
      incoming,
      outgoing,
      method: o.method ?? h.method,
      url: o.url,
      body: o.body,
      requestId,
      clientIp,
      bufferResponse: o.bufferResponse,
      extraHeaders: o.extraHeaders,
      bodyTimeoutMs: deps.config.REQUEST_BODY_TIMEOUT_MS,
    }),
  )
  if (res.clientTimedOut) throw bodyTimeoutError()
  return res
}

/**
 * `hop` for a body already in memory (the /message/* sends): the upstream proxy's direct
 * `http.request` fast path instead of http-proxy-3; same breaker accounting, metrics and 502/503/504.
 */
export function hopBuffered(h: HopContext, url: string, body: Buffer, contentType: string): Promise<ProxyResponse> {
  const { deps, incoming, method, requestId, clientIp } = h
  const long = slowByNature(url)
  return throughBreaker(deps, h.log, requestId, url, !long, () => deps.proxy.send({ incoming, method, url, body, contentType, requestId, clientIp, long }))
}

/**
 * Routes that move media or read everything from WhatsApp take long on a healthy upstream (an upload of a
 * large video, a first fetchAllGroups): they are not watched by the slow-call rule, and buffered ones get
 * the longer send deadline (the larger of UPSTREAM_SEND_TIMEOUT_MS and UPSTREAM_TIMEOUT_MS), so a tenant
 * sending big files cannot open the breaker for everybody. Text sends and the other routes still reveal a
 * stalled upstream within BREAKER_SLOW_CALL_MS.
 */
const SLOW_BY_NATURE = /\/(?:sendMedia|sendPtv|sendWhatsAppAudio|sendSticker|sendStatus|getBase64FromMediaMessage|updateProfilePicture|updateGroupPicture|fetchAllGroups|sendInvite)\//i
const slowByNature = (url: string): boolean => SLOW_BY_NATURE.test(url)

/** Only the hop's own failures count: a client's 413 or a gateway-side error is not the upstream's. */
const upstreamsError = (err: unknown): boolean => err instanceof UpstreamError
// perf: one options object per kind of hop, not one per request.
const JUDGED = { isFailure: countsAsUpstreamFailure, countsError: upstreamsError }
const WATCHED = { ...JUDGED, watchSlow: true }

function throughBreaker(deps: Deps, log: Logger, requestId: string, url: string, watchSlow: boolean, fn: () => Promise<ProxyResponse>): Promise<ProxyResponse> {
  // Timed only when someone can scrape the histogram (routes/metrics exports nothing without METRICS_TOKEN).
  const started = deps.config.METRICS_TOKEN ? performance.now() : -1
  return deps.breaker.run(fn, watchSlow ? WATCHED : JUDGED).then(
    (res) => {
      // A client whose body stalled got no upstream answer: nothing to observe.
      if (started >= 0 && !res.clientTimedOut) observeUpstream(deps, url, `${Math.floor(res.status / 100)}xx`, started)
      if (res.status < 500) return res
      const { answer, original } = sanitizeServerError(res, requestId)
      log.warn({ status: res.status, upstreamBody: original }, 'upstream 5xx answer (body replaced for the client)')
      return answer
    },
    (err: unknown) => {
      if (err instanceof BreakerOpenError) throw breakerOpenError(err.retryAfterSeconds)
      if (err instanceof UpstreamError) {
        if (started >= 0) observeUpstream(deps, url, err.kind === 'timeout' ? 'timeout' : 'error', started)
        log.warn({ err: err.message }, 'upstream hop failed')
        throw new ApiError(err.kind === 'timeout' ? 504 : 502, err.kind === 'timeout' ? UPSTREAM_TIMEOUT : UPSTREAM_UNAVAILABLE)
      }
      throw err
    },
  )
}

function observeUpstream(deps: Deps, url: string, outcome: string, started: number): void {
  const family = url.split('/', 2)[1]?.toLowerCase() || 'root'
  deps.metrics?.upstream(family, outcome, (performance.now() - started) / 1000)
}

/** The request body to stream upstream (already size-checked by the body-limit middleware). */
export function requestBody(c: Context<AppEnv>): ReadableStream<Uint8Array> | null {
  if (c.req.method === 'GET' || c.req.method === 'HEAD') return null
  return c.req.raw.body
}

/** Turns an upstream answer into the client's response (through Hono, so every global header applies). */
export function relay(c: Context<AppEnv>, r: ProxyResponse, extra: Record<string, string> = {}): Response {
  const headers = { ...r.headers, ...extra }
  // A HEAD keeps the GET's body here: middleware/head measures it for Content-Length, then drops it.
  const empty = r.status === 204 || r.status === 304
  const body = empty ? null : Buffer.isBuffer(r.body) ? (r.body as Uint8Array<ArrayBuffer>) : (Readable.toWeb(r.body as Readable) as ReadableStream)
  return body === null ? c.body(null, r.status as 200, headers) : c.body(body, r.status as 200, headers)
}

/** Parses a buffered JSON body; undefined when it is not JSON. */
export function parseJson(buf: Buffer | Readable): unknown {
  if (!Buffer.isBuffer(buf) || buf.length === 0) return undefined
  try {
    return JSON.parse(buf.toString('utf8'))
  } catch {
    return undefined
  }
}
