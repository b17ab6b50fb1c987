/**
 * @module services/upstream-proxy
 * The proxied hop to the upstream (http-proxy-3 over a keep-alive agent). The client's apikey is
 * replaced by the upstream key, Origin dropped (Evolution's CORS answered 500 to it), hop-by-hop headers
 * stripped both ways, X-Forwarded-* and X-Request-ID set. Connect timeout and read (idle) timeout are
 * separate, as nginx's were; buffered sends (`send`) also have a whole-request deadline (`sendTimeoutMs`,
 * issue 31: an upstream that trickles bytes or stalls between them never trips an idle timeout, and a
 * client must not wait longer than documented for a send). Failures are thrown as UpstreamError (unreachable | timeout) so callers
 * answer 502/504; the response comes back as a buffer (small or requested) or a stream. A streamed
 * request body the client stops sending is given up after `bodyTimeoutMs`: the upstream request is
 * aborted and the result says `clientTimedOut` (the caller answers 408).
 */
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import https from 'node:https'
import type { Socket } from 'node:net'
import { Readable } from 'node:stream'
import { createProxyServer, type ProxyServer } from 'http-proxy-3'
import { ApiError } from '../../errors/api-error.js'
import { FifoDeadlines } from '../../lib/fifo-deadlines.js'
import { withBodyDeadline } from '../../lib/raw-body.js'
import { UpstreamError } from '../upstream-client/upstream-client.js'
import { bodyToSend } from './body-to-send.js'
import { timedAgent } from './timed-agent.js'

export { bodyToSend }

/** Where each instance's requests go (services/upstream-owners): the replica that runs it. */
export type OwnerRouting = {
  /** The owner of the instance this upstream path names; undefined = baseUrl. */
  targetFor(url: string): URL | undefined
  /** An answer's X-Upstream-Owner: the map was stale for this path's instance. */
  learn(url: string, ownerUrl: string): void
  /** A routed target refused the connection (that replica is gone). */
  unreachable(target: URL): void
}

/** On an upstream answer: the replica that owns the instance (it was forwarded there); never relayed. */
export const OWNER_HEADER = 'x-upstream-owner'

export type UpstreamProxyOptions = {
  baseUrl: string
  /** Per-instance routing to upstream replicas; absent = everything to baseUrl. */
  route?: OwnerRouting
  apiKey: string
  connectTimeoutMs: number
  readTimeoutMs: number
  /** Whole-request deadline of `send`, from the request's start to the last byte of the answer (0/absent = none). */
  sendTimeoutMs?: number
  /** The same for a send flagged `long` (media uploads); absent = `sendTimeoutMs`. */
  longSendTimeoutMs?: number
}

export type ProxyRequest = {
  incoming: IncomingMessage
  outgoing: ServerResponse
  method: string
  /** Normalised path + query, as the upstream must see it. */
  url: string
  /** Buffered body, a web stream (already read by the body-limit layer), or nothing. */
  body: Buffer | ReadableStream<Uint8Array> | null
  requestId: string
  clientIp: string
  /** Read the whole response into memory (message log, fetchInstances). */
  bufferResponse?: boolean
  extraHeaders?: Record<string, string>
  /** How long a streamed body may take to arrive once the hop starts (0/absent = no limit). */
  bodyTimeoutMs?: number
}

export type ProxyResponse = {
  status: number
  headers: Record<string, string | string[]>
  /** Buffer when buffered (or small), else the live upstream stream. */
  body: Buffer | Readable
  /**
   * The client's body was not all there within `bodyTimeoutMs`: no upstream answer, the upstream
   * request was aborted. A result, not a failure: a slow client must not count against the breaker.
   */
  clientTimedOut?: true
}

// RFC 9110 §7.6.1 connection-specific headers, plus what the gateway replaces itself.
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']
const STRIP_REQUEST = [...HOP_BY_HOP, 'apikey', 'origin', 'content-length', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-real-ip', 'x-request-id']
/** nginx's "client closed request": the client left before the upstream answered. */
export const CLIENT_CLOSED = 499

type Pending = {
  r: ProxyRequest
  resolve: (v: ProxyResponse) => void
  reject: (e: Error) => void
  /** The request to the upstream, once it has a socket (so a stalled body can abort it). */
  upstream?: http.ClientRequest
  /** The body deadline, cleared when the body is in or the hop settles. */
  timer?: NodeJS.Timeout
}

const clientTimedOut = (): ProxyResponse => ({ status: 408, headers: {}, body: Buffer.alloc(0), clientTimedOut: true })

/** Responses up to this size with a Content-Length are buffered: cheaper to send than a stream. */
const SMALL_BODY = 256 * 1024

/** A buffered request for `send` (the /message/* fast path): the whole body is already in memory. */
export type BufferedRequest = {
  incoming: IncomingMessage
  method: string
  url: string
  body: Buffer
  requestId: string
  clientIp: string
  contentType: string
  /** A send that is slow on a healthy upstream (a media upload): it gets `longSendTimeoutMs`. */
  long?: boolean
}

/** `send` sets Content-Type itself (the caller's reading of it). */
const STRIP_SEND_SET = new Set([...STRIP_REQUEST, 'content-type'])

const HOP_BY_HOP_SET = new Set([...HOP_BY_HOP, 'content-length'])

export class UpstreamProxy {
  private readonly proxy: ProxyServer
  private readonly agent: http.Agent
  private readonly target: URL
  private readonly request: typeof http.request
  /** The target's path prefix (prependPath), without its trailing slash. */
  private readonly basePath: string
  /** In-flight requests by their incoming message (one listener for all, not one per request). */
  private readonly pending = new WeakMap<IncomingMessage, Pending>()
  /** `send`'s whole-request deadlines, all on one timer (lib/fifo-deadlines). */
  private readonly sendDeadlines: FifoDeadlines
  /** The same for `long` sends: a second timer, since one FIFO holds deadlines of one length only. */
  private readonly longSendDeadlines: FifoDeadlines

  constructor(private readonly opts: UpstreamProxyOptions) {
    this.sendDeadlines = new FifoDeadlines(opts.sendTimeoutMs ?? 0)
    this.longSendDeadlines = new FifoDeadlines(opts.longSendTimeoutMs ?? opts.sendTimeoutMs ?? 0)
    this.target = new URL(opts.baseUrl)
    this.agent = timedAgent(this.target.protocol === 'https:', opts.connectTimeoutMs, opts.readTimeoutMs)
    this.request = this.target.protocol === 'https:' ? https.request : http.request
    this.basePath = this.target.pathname.replace(/\/+$/, '')
    this.proxy = createProxyServer({ target: this.target, agent: this.agent, selfHandleResponse: true, xfwd: false, prependPath: true })
    this.proxy.on('proxyRes', (proxyRes, req) => this.onResponse(proxyRes, req))
    // The client went away mid-request: nothing to answer, but the caller must not wait forever.
    this.proxy.on('econnreset', (_err, req) => this.settle(req)?.resolve({ status: CLIENT_CLOSED, headers: {}, body: Buffer.alloc(0) }))
    this.proxy.on('proxyReq', (proxyReq, req) => {
      const p = this.pending.get(req)
      if (p) p.upstream = proxyReq
    })
  }

  async forward(r: ProxyRequest): Promise<ProxyResponse> {
    const { incoming } = r
    const headers = incoming.headers
    let body: ProxyRequest['body']
    const bodyTimeoutMs = r.bodyTimeoutMs ?? 0
    try {
      // DELETE/OPTIONS bodies are read here in full: the same deadline as a streamed one.
      body = await withBodyDeadline(bodyToSend(r.body, headers, r.method), incoming, bodyTimeoutMs)
    } catch (err) {
      if (err instanceof ApiError && err.status === 408) return clientTimedOut()
      // Over the body limit (413) is the client's answer; a client gone mid-body is nobody's.
      if (err instanceof ApiError) throw err
      return { status: CLIENT_CLOSED, headers: {}, body: Buffer.alloc(0) }
    }
    for (const h of STRIP_REQUEST) delete headers[h]
    const host = headers.host ?? ''
    const extra: Record<string, string> = {
      apikey: this.opts.apiKey,
      'x-request-id': r.requestId,
      'x-forwarded-for': r.clientIp,
      'x-real-ip': r.clientIp,
      'x-forwarded-proto': (incoming.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http',
      'x-forwarded-host': host,
      ...r.extraHeaders,
    }
    let buffer: Readable
    let streamed = false
    if (Buffer.isBuffer(body)) {
      extra['content-length'] = String(body.length)
      buffer = Readable.from([body])
    } else if (body) {
      extra['transfer-encoding'] = 'chunked'
      buffer = Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>)
      // A client that leaves mid-body errors this stream, and http-proxy-3 listens on the upstream
      // request only: unheard, that error would be an uncaught exception (the process would stop).
      // The hop itself ends through http-proxy-3's own close handling (CLIENT_CLOSED).
      buffer.on('error', () => undefined)
      streamed = true
    } else {
      if (r.method !== 'GET' && r.method !== 'HEAD') extra['content-length'] = '0'
      buffer = Readable.from([])
    }
    incoming.url = r.url
    const routed = this.opts.route?.targetFor(r.url)
    const attempt = (target: URL | undefined, buffer: Readable) => new Promise<ProxyResponse>((resolve, reject) => {
      const p: Pending = { r, resolve, reject }
      // perf: a body that came in with its head is parsed already: no timer for it.
      if (streamed && bodyTimeoutMs > 0 && !incoming.complete) {
        p.timer = setTimeout(() => this.bodyTimedOut(incoming), bodyTimeoutMs)
        // In time: how long the upstream then takes to answer is the read timeout's business.
        buffer.once('end', () => clearTimeout(p.timer))
      }
      this.pending.set(incoming, p)
      // A replica's URL has no path prefix; UPSTREAM_URL's may (prependPath).
      const opts = target ? { buffer, headers: extra, method: r.method, target } : { buffer, headers: extra, method: r.method }
      this.proxy.web(incoming, r.outgoing, opts, (err) => {
        this.settle(incoming)?.reject(err)
      })
    })
    try {
      return await attempt(routed, buffer)
    } catch (err) {
      // The owner replica is gone and nothing reached it: the same request once more, to UPSTREAM_URL
      // (any replica forwards it to the new owner). A streamed body was consumed: it cannot be resent.
      if (routed && refused(err) && !streamed) {
        this.opts.route!.unreachable(routed)
        incoming.url = r.url
        try {
          return await attempt(undefined, Readable.from(Buffer.isBuffer(body) ? [body] : []))
        } catch (again) {
          throw asUpstreamError(again)
        }
      }
      if (routed && refused(err)) this.opts.route!.unreachable(routed)
      throw asUpstreamError(err)
    }
  }

  /**
   * The fast path for buffered sends (/message/*): one `http.request` on the keep-alive agent, without
   * http-proxy-3's per-request setup and stream plumbing (npm run bench: ~10 % of a send's CPU). Same
   * headers as `forward` (client apikey/Origin/hop-by-hop dropped, upstream key, X-Forwarded-*,
   * X-Request-ID), same connect and read timeouts, same UpstreamError failures; the answer is buffered.
   * The body is fully read already, so a client that leaves meanwhile does not cancel the send.
   * Past `sendTimeoutMs` from its start the request is destroyed and fails as UpstreamError('timeout').
   */
  send(r: BufferedRequest): Promise<ProxyResponse> {
    const src = r.incoming.headers
    // perf: a flat [name, value, ...] list goes to Node's header writer as is, without a setHeader
    // (validation, lowercasing, a stored copy) per header; names from Node's parser are lowercase already.
    const headers: (string | string[] | number)[] = []
    for (const k in src) {
      if (!STRIP_SEND_SET.has(k)) headers.push(k, src[k]!)
    }
    const host = src.host ?? ''
    // The client's Host is forwarded, as `forward` does; Node adds none itself to a flat list.
    if (src.host === undefined) headers.push('host', this.target.host)
    headers.push(
      'apikey', this.opts.apiKey,
      'x-request-id', r.requestId,
      'x-forwarded-for', r.clientIp,
      'x-real-ip', r.clientIp,
      'x-forwarded-proto', (r.incoming.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http',
      'x-forwarded-host', host,
      'content-type', r.contentType,
      'content-length', r.body.length,
    )
    const routed = this.opts.route?.targetFor(r.url)
    const first = this.sendTo(routed ?? this.target, routed ? r.url : this.basePath + r.url, r, headers)
    if (!routed) return first
    // The owner replica is gone and nothing reached it (connection refused): once more through
    // UPSTREAM_URL, whose replica forwards to the new owner. Any other failure may have sent: not retried.
    return first.catch((err: unknown) => {
      if (!(err instanceof UpstreamError && err.refused)) throw err
      this.opts.route!.unreachable(routed)
      return this.sendTo(this.target, this.basePath + r.url, r, headers)
    })
  }

  private sendTo(target: URL, path: string, r: BufferedRequest, headers: (string | string[] | number)[]): Promise<ProxyResponse> {
    const sendDeadlines = r.long === true ? this.longSendDeadlines : this.sendDeadlines
    const limitMs = r.long === true ? (this.opts.longSendTimeoutMs ?? this.opts.sendTimeoutMs) : this.opts.sendTimeoutMs
    return new Promise<ProxyResponse>((resolve, reject) => {
      let done = false
      const fail = (e: unknown) => {
        if (done) return
        done = true
        sendDeadlines.remove(deadline)
        reject(asUpstreamError(e))
      }
      const deadline = sendDeadlines.add(() => {
        fail(new UpstreamError('timeout', `upstream send deadline of ${limitMs} ms passed`))
        // The socket carries a half-done exchange: it cannot go back to the pool.
        req.destroy()
      })
      const req = this.request({
        agent: this.agent,
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        method: r.method,
        path,
        headers: headers as unknown as http.OutgoingHttpHeaders,
      }, (res) => {
        const chunks: Buffer[] = []
        let size = 0
        // `on`, not `once`: each fires at most once per response here, and `once` wraps every listener.
        res.on('data', (c: Buffer) => {
          chunks.push(c)
          size += c.length
        })
        res.on('end', () => {
          if (done) return
          if (!res.complete) return fail(new UpstreamError('unreachable', 'upstream closed the response early'))
          done = true
          sendDeadlines.remove(deadline)
          resolve({ status: res.statusCode ?? 502, headers: this.answerHeaders(r.url, res.headers), body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) })
        })
        res.on('error', fail)
        // An upstream gone mid-answer ('aborted' is only its older name): close without a complete message.
        res.on('close', () => {
          if (!done && !res.complete) fail(new UpstreamError('unreachable', 'upstream closed the response early'))
        })
      })
      req.on('error', fail)
      req.end(r.body)
    })
  }

  private settle(req: IncomingMessage): Pending | undefined {
    const p = this.pending.get(req)
    this.pending.delete(req)
    if (p?.timer) clearTimeout(p.timer)
    return p
  }

  /**
   * The client stopped sending its body: abort the upstream request (it would otherwise wait for the
   * rest until the upstream's own timeout) and let the caller answer 408. The client's stream is left
   * alone: destroying it would take the socket the 408 is written on.
   */
  private bodyTimedOut(req: IncomingMessage): void {
    const p = this.settle(req)
    if (!p) return
    p.upstream?.destroy()
    p.resolve(clientTimedOut())
  }

  private onResponse(proxyRes: IncomingMessage, req: IncomingMessage): void {
    const p = this.settle(req)
    if (!p) return
    const status = proxyRes.statusCode ?? 502
    const headers = this.answerHeaders(p.r.url, proxyRes.headers)
    const len = Number(proxyRes.headers['content-length'])
    if (!p.r.bufferResponse && !(Number.isFinite(len) && len <= SMALL_BODY)) {
      p.resolve({ status, headers, body: proxyRes })
      return
    }
    const chunks: Buffer[] = []
    proxyRes.on('data', (c: Buffer) => chunks.push(c))
    proxyRes.once('end', () => p.resolve({ status, headers, body: Buffer.concat(chunks) }))
    proxyRes.once('error', (e) => p.reject(asUpstreamError(e)))
    proxyRes.once('aborted', () => p.reject(new UpstreamError('unreachable', 'upstream closed the response early')))
  }

  /** The answer's headers to relay; an owner hint is learnt and not relayed. */
  private answerHeaders(url: string, h: IncomingHttpHeaders): Record<string, string | string[]> {
    const owner = h[OWNER_HEADER]
    if (owner !== undefined) {
      if (typeof owner === 'string') this.opts.route?.learn(url, owner)
      delete h[OWNER_HEADER]
    }
    return responseHeaders(h)
  }

  close(): void {
    this.sendDeadlines.close()
    this.proxy.close()
    this.agent.destroy()
  }
}

function asUpstreamError(err: unknown): UpstreamError {
  if (err instanceof UpstreamError) return err
  const e = err as Error & { code?: string }
  if (e.code === 'ETIMEDOUT' || e.code === 'ESOCKETTIMEDOUT') return new UpstreamError('timeout', `upstream timeout: ${e.code}`)
  return new UpstreamError('unreachable', `upstream unreachable: ${e.code ?? e.message}`, refused(err))
}

/** The connection was refused: the request never reached the upstream, so it may be sent elsewhere. */
function refused(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code
  return code === 'ECONNREFUSED' || (err instanceof UpstreamError && err.refused)
}

/** Upstream response headers minus hop-by-hop ones (Content-Length is recomputed by the server). */
function responseHeaders(h: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const k in h) {
    const v = h[k]
    if (v === undefined || HOP_BY_HOP_SET.has(k)) continue
    out[k] = v
  }
  return out
}
