/**
 * @module services/upstream-client
 * The gateway's own calls to the upstream (instance create/delete, webhook sync, workers, recovery),
 * always with the global key. Proxied client traffic does not use this: it goes through the proxy.
 * Network failures and timeouts are thrown as UpstreamError so callers can tell them from HTTP errors.
 */
import { Agent, request } from 'undici'

export type UpstreamResponse = {
  status: number
  /** Parsed JSON when the body is JSON, else the raw text ('' when empty). */
  body: unknown
}

export class UpstreamError extends Error {
  constructor(
    readonly kind: 'unreachable' | 'timeout',
    message: string,
    /** The connection was refused: nothing reached the upstream. */
    readonly refused = false,
  ) {
    super(message)
    this.name = 'UpstreamError'
  }
}

export type UpstreamClientOptions = {
  baseUrl: string
  apiKey: string
  /** Default per-call timeout (ms). */
  timeoutMs: number
  connectTimeoutMs: number
}

export class UpstreamClient {
  private readonly agent: Agent
  private readonly base: string

  constructor(private readonly opts: UpstreamClientOptions) {
    this.base = opts.baseUrl.replace(/\/+$/, '')
    this.agent = new Agent({ keepAliveTimeout: 10_000, connect: { timeout: opts.connectTimeoutMs } })
  }

  async request(method: string, path: string, body?: unknown, o: { timeoutMs?: number } = {}): Promise<UpstreamResponse> {
    const timeout = o.timeoutMs ?? this.opts.timeoutMs
    try {
      const res = await request(this.base + path, {
        method: method as 'GET',
        dispatcher: this.agent,
        headers: { apikey: this.opts.apiKey, 'content-type': 'application/json', accept: 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        headersTimeout: timeout,
        bodyTimeout: timeout,
      })
      const text = await res.body.text()
      let parsed: unknown = text
      if (text) {
        try {
          parsed = JSON.parse(text)
        } catch {
          parsed = text
        }
      }
      return { status: res.statusCode, body: parsed }
    } catch (err) {
      const e = err as Error & { code?: string }
      if (e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT' || e.code === 'UND_ERR_CONNECT_TIMEOUT') {
        throw new UpstreamError('timeout', `upstream timeout after ${timeout} ms`)
      }
      throw new UpstreamError('unreachable', `upstream unreachable: ${e.code ?? e.message}`)
    }
  }

  async close(): Promise<void> {
    await this.agent.close()
  }
}
