/**
 * @module services/upstream-proxy
 * The proxied hop to the upstream (http-proxy-3 over a keep-alive agent). The client's apikey is
 * replaced by the upstream key, Origin dropped (Evolution's CORS answered 500 to it), hop-by-hop headers
 * stripped both ways, X-Forwarded-* and X-Request-ID set. Connect timeout and read (idle) timeout are
 * separate, as nginx's were. Failures are thrown as UpstreamError (unreachable | timeout) so callers
 * answer 502/504; the response comes back as a buffer (small or requested) or a stream.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import https from 'node:https'
import { Readable } from 'node:stream'
import { createProxyServer, type ProxyServer } from 'http-proxy-3'
import { UpstreamError } from '../upstream-client/upstream-client.js'

export type UpstreamProxyOptions = {
  baseUrl: string
  apiKey: string
  connectTimeoutMs: number
  readTimeoutMs: number
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
}

export type ProxyResponse = {
  status: number
  headers: Record<string, string | string[]>
  /** Buffer when buffered (or small), else the live upstream stream. */
  body: Buffer | Readable
}

// RFC 9110 §7.6.1 connection-specific headers, plus what the gateway replaces itself.
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']
const STRIP_REQUEST = [...HOP_BY_HOP, 'apikey', 'origin', 'content-length', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-real-ip', 'x-request-id']
/** nginx's "client closed request": the client left before the upstream answered. */
export const CLIENT_CLOSED = 499

type Pending = { r: ProxyRequest; resolve: (v: ProxyResponse) => void; reject: (e: Error) => void }

/** Responses up to this size with a Content-Length are buffered: cheaper to send than a stream. */
const SMALL_BODY = 256 * 1024

export class UpstreamProxy {
  private readonly proxy: ProxyServer
  private readonly agent: http.Agent
  private readonly target: URL
  /** In-flight requests by their incoming message (one listener for all, not one per request). */
  private readonly pending = new WeakMap<IncomingMessage, Pending>()

  constructor(private readonly opts: UpstreamProxyOptions) {
    this.target = new URL(opts.baseUrl)
    const Agent = this.target.protocol === 'https:' ? https.Agent : http.Agent
    this.agent = new Agent({ keepAlive: true, maxSockets: 512, maxFreeSockets: 64, scheduling: 'lifo' })
    this.proxy = createProxyServer({ target: this.target, agent: this.agent, selfHandleResponse: true, xfwd: false, prependPath: true })
    this.proxy.on('proxyRes', (proxyRes, req) => this.onResponse(proxyRes, req))
    // The client went away mid-request: nothing to answer, but the caller must not wait forever.
    this.proxy.on('econnreset', (_err, req) => this.settle(req)?.resolve({ status: CLIENT_CLOSED, headers: {}, body: Buffer.alloc(0) }))
    this.proxy.on('proxyReq', (proxyReq, _req, _res, _opts, socket) => {
      // Connect timeout only while connecting (a reused keep-alive socket is already connected).
      if ((socket as { connecting?: boolean }).connecting) {
        const t = setTimeout(() => proxyReq.destroy(new UpstreamError('timeout', `upstream connect timeout after ${opts.connectTimeoutMs} ms`)), opts.connectTimeoutMs)
        socket.once('connect', () => clearTimeout(t))
        socket.once('close', () => clearTimeout(t))
      }
      proxyReq.setTimeout(opts.readTimeoutMs, () => proxyReq.destroy(new UpstreamError('timeout', `upstream read timeout after ${opts.readTimeoutMs} ms`)))
    })
  }

  forward(r: ProxyRequest): Promise<ProxyResponse> {
    const { incoming } = r
    const headers = incoming.headers
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
    if (Buffer.isBuffer(r.body)) {
      extra['content-length'] = String(r.body.length)
      buffer = Readable.from([r.body])
    } else if (r.body) {
      extra['transfer-encoding'] = 'chunked'
      buffer = Readable.fromWeb(r.body as import('node:stream/web').ReadableStream<Uint8Array>)
    } else {
      if (r.method !== 'GET' && r.method !== 'HEAD') extra['content-length'] = '0'
      buffer = Readable.from([])
    }
    incoming.url = r.url
    return new Promise<ProxyResponse>((resolve, reject) => {
      this.pending.set(incoming, { r, resolve, reject })
      this.proxy.web(incoming, r.outgoing, { buffer, headers: extra, method: r.method }, (err) => {
        this.settle(incoming)?.reject(asUpstreamError(err))
      })
    })
  }

  private settle(req: IncomingMessage): Pending | undefined {
    const p = this.pending.get(req)
    this.pending.delete(req)
    return p
  }

  private onResponse(proxyRes: IncomingMessage, req: IncomingMessage): void {
    const p = this.settle(req)
    if (!p) return
    const status = proxyRes.statusCode ?? 502
    const headers = responseHeaders(proxyRes.headers)
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

  close(): void {
    this.proxy.close()
    this.agent.destroy()
  }
}

function asUpstreamError(err: unknown): UpstreamError {
  if (err instanceof UpstreamError) return err
  const e = err as Error & { code?: string }
  if (e.code === 'ETIMEDOUT' || e.code === 'ESOCKETTIMEDOUT') return new UpstreamError('timeout', `upstream timeout: ${e.code}`)
  return new UpstreamError('unreachable', `upstream unreachable: ${e.code ?? e.message}`)
}

/** Upstream response headers minus hop-by-hop ones (Content-Length is recomputed by the server). */
function responseHeaders(h: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined || HOP_BY_HOP.includes(k) || k === 'content-length') continue
    out[k] = v
  }
  return out
}
