/**
 * @module upstream/testing/upstream-harness
 * TEST SUPPORT (imported only by *.test.ts, never built into dist): builds an in-process upstream on a
 * throwaway database (real Postgres) and a tiny request helper.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createTestDatabase, type TestDatabase } from '../../../tests/support/db.js'
import { createUpstreamApp, type UpstreamApp } from '../app.js'
import { loadConfig } from '../config.js'
import { buildDeps, closeDeps, startDeps, type DepsInjection, type UpstreamDeps } from '../deps.js'

export const KEY = 'test-global-key'

export type Upstream = {
  app: UpstreamApp
  deps: UpstreamDeps
  req: (method: string, path: string, opts?: { body?: unknown; key?: string | null; signal?: AbortSignal }) => Promise<{ status: number; body: any; headers: Headers }>
  close: () => Promise<void>
}

/** An app on `db` (migrated, instances resumed). Defaults: no automatic acks, fast webhook retries. */
export async function startUpstream(db: TestDatabase, env: Record<string, string> = {}, inject: DepsInjection = {}): Promise<Upstream> {
  const config = loadConfig({
    AUTHENTICATION_API_KEY: KEY,
    DATABASE_URL: db.url,
    LOG_LEVEL: 'silent',
    SANDBOX_ACK_DELAY_MS: '-1',
    SANDBOX_QR_ROTATE_MS: '0',
    WEBHOOK_RETRY_INITIAL_DELAY_MS: '20',
    WEBHOOK_RETRY_MAX_DELAY_MS: '100',
    WEBHOOK_TIMEOUT_MS: '2000',
    UPSTREAM_SERVER_URL: 'http://upstream.test',
    // Test receivers and media servers listen on 127.0.0.1: exempt from the outbound guard here, as
    // OUTBOUND_ALLOWED_HOSTS exists to do. The guard's own tests set it to '' (services/outbound.test.ts).
    OUTBOUND_ALLOWED_HOSTS: '127.0.0.1',
    ...env,
  })
  const deps = buildDeps(config, inject)
  await startDeps(deps)
  const app = createUpstreamApp(deps)
  const req: Upstream['req'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    const key = opts.key === undefined ? KEY : opts.key
    if (key !== null) headers.apikey = key
    const init: RequestInit = { method, headers }
    if (opts.body !== undefined) init.body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body)
    if (opts.signal) init.signal = opts.signal
    const res = await app.request(path, init)
    const text = await res.text()
    let body: unknown = text
    try {
      body = JSON.parse(text)
    } catch {
      /* not JSON */
    }
    return { status: res.status, body, headers: res.headers }
  }
  return { app, deps, req, close: () => closeDeps(deps) }
}

export async function withDb(): Promise<TestDatabase> {
  return createTestDatabase('upstream_test')
}

/** Creates an instance and returns its token. */
export async function createInstance(up: Upstream, name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await up.req('POST', '/instance/create', { body: { instanceName: name, integration: 'WHATSAPP-BAILEYS', ...extra } })
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.hash as string
}

/** Creates an instance and makes it `open` through connect + the sandbox scan route. */
export async function openInstance(up: Upstream, name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const token = await createInstance(up, name, extra)
  await up.req('GET', `/instance/connect/${name}`)
  const scan = await up.req('POST', `/sandbox/instances/${name}/scan`)
  if (scan.body.state !== 'open') throw new Error('scan failed')
  return token
}

export type Received = { path: string; headers: IncomingMessage['headers']; body: any }

/** A local webhook receiver; `respond` picks the status per request (default 200). */
export async function startReceiver(respond: (r: Received, n: number) => number = () => 200) {
  const received: Received[] = []
  const server: Server = createServer((request, response) => {
    let data = ''
    request.on('data', (ch) => (data += ch))
    request.on('end', () => {
      const r: Received = { path: request.url ?? '', headers: request.headers, body: data ? JSON.parse(data) : null }
      received.push(r)
      response.statusCode = respond(r, received.length)
      response.end('{}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** Polls `fn` until it returns truthy (generous timeout; never relies on speed). */
export async function waitFor<T>(fn: () => T | Promise<T>, timeoutMs = 5000): Promise<NonNullable<T>> {
  const start = Date.now()
  for (;;) {
    const v = await fn()
    if (v) return v as NonNullable<T>
    if (Date.now() - start > timeoutMs) throw new Error('waitFor timed out')
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** A loopback media host: GET /<name> answers the bytes `media:/<name>` (exempt from the guard in tests). */
export async function startMediaServer() {
  const requests: string[] = []
  const server: Server = createServer((request, response) => {
    requests.push(request.url ?? '')
    response.end(mediaBytes(request.url ?? '/'))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** What the media server answers for `path`. */
export const mediaBytes = (path: string): Buffer => Buffer.from(`media:${path}`)
