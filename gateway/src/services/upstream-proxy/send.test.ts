/**
 * @module services/upstream-proxy tests: `send`, the buffered /message/* hop, against a real local
 * server: the headers that go upstream, the read timeout (also on a pooled socket whose idle timer Node
 * Node may shorten to the server's Keep-Alive hint), the whole-request send deadline (an upstream that
 * trickles its answer never trips the idle timeout), and an upstream that drops the answer midway.
 */
import http, { type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { UpstreamError } from '../upstream-client/upstream-client.js'
import { UpstreamProxy } from './upstream-proxy.js'

type Seen = { url: string; headers: http.IncomingHttpHeaders; body: string }
const seen: Seen[] = []
let delayMs = 0
let server: http.Server
let base = ''

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      seen.push({ url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() })
      if (req.url!.includes('trickle')) {
        // A byte every 100 ms, never the end: only a whole-request deadline stops this.
        res.writeHead(200, { 'content-length': '1000' })
        const t = setInterval(() => res.write(' '), 100)
        res.on('close', () => clearInterval(t))
        return
      }
      if (req.url!.includes('drop')) {
        res.writeHead(200, { 'content-length': '100' })
        res.write('{"partial":')
        setTimeout(() => res.socket?.destroy(), 20)
        return
      }
      setTimeout(() => {
        res.writeHead(201, { 'content-type': 'application/json', connection: 'keep-alive' })
        res.end('{"key":{"id":"ABC"}}')
      }, delayMs)
    })
  })
  // Node announces `Keep-Alive: timeout=2`, which Node's pool may turn into a ~1 s idle timer.
  server.keepAliveTimeout = 2000
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))

const incoming = (headers: http.IncomingHttpHeaders) => ({ headers, socket: {} }) as unknown as IncomingMessage
const proxy = (readTimeoutMs: number, sendTimeoutMs = 0) => new UpstreamProxy({ baseUrl: base, apiKey: 'upstream-key', connectTimeoutMs: 1000, readTimeoutMs, sendTimeoutMs })
const send = (p: UpstreamProxy, url = '/message/sendText/i1', headers: http.IncomingHttpHeaders = { host: 'gw.example', apikey: 'client-token', origin: 'https://x', 'user-agent': 'ua/1', 'content-type': 'text/plain' }) =>
  p.send({ incoming: incoming(headers), method: 'POST', url, body: Buffer.from('{"number":"1"}'), requestId: 'req-1', clientIp: '203.0.113.9', contentType: 'application/json' })

describe('UpstreamProxy.send', () => {
  it('forwards the body with the upstream key and X-Forwarded-*, never the client apikey or Origin', async () => {
    delayMs = 0
    const p = proxy(2000)
    const res = await send(p)
    p.close()
    expect(res.status).toBe(201)
    expect(res.body.toString()).toBe('{"key":{"id":"ABC"}}')
    expect(res.headers.connection).toBeUndefined()
    const h = seen.at(-1)!.headers
    expect(h).toMatchObject({
      host: 'gw.example',
      apikey: 'upstream-key',
      'user-agent': 'ua/1',
      'content-type': 'application/json',
      'content-length': '14',
      'x-request-id': 'req-1',
      'x-forwarded-for': '203.0.113.9',
      'x-real-ip': '203.0.113.9',
      'x-forwarded-proto': 'http',
      'x-forwarded-host': 'gw.example',
    })
    expect(h.origin).toBeUndefined()
    expect(seen.at(-1)!.body).toBe('{"number":"1"}')
  })

  it('a client without Host: the upstream still gets one (the target)', async () => {
    delayMs = 0
    const p = proxy(2000)
    await send(p, '/message/sendText/i1', { 'content-type': 'application/json' })
    p.close()
    expect(seen.at(-1)!.headers.host).toBe(base.slice('http://'.length))
  })

  it('an upstream slower than the read timeout: UpstreamError timeout', async () => {
    delayMs = 800
    const p = proxy(300)
    const err = await send(p).catch((e: unknown) => e)
    p.close()
    expect(err).toBeInstanceOf(UpstreamError)
    expect((err as UpstreamError).kind).toBe('timeout')
  })

  it('a reused keep-alive socket has the full read timeout (longer than the server\'s Keep-Alive hint)', async () => {
    const p = proxy(3000)
    delayMs = 0
    await send(p)
    // Same pooled socket (LIFO); this answer takes longer than the hint's ~1 s.
    delayMs = 1500
    const res = await send(p)
    p.close()
    expect(res.status).toBe(201)
    expect(seen.at(-1)!.url).toBe('/message/sendText/i1')
  })

  it('an upstream that drops the answer midway: UpstreamError unreachable', async () => {
    const p = proxy(2000)
    const err = await send(p, '/message/drop/i1').catch((e: unknown) => e)
    p.close()
    expect(err).toBeInstanceOf(UpstreamError)
    expect((err as UpstreamError).kind).toBe('unreachable')
  })

  it('the send deadline is whole-request: a trickling answer fails as a timeout at the deadline', async () => {
    const p = proxy(300, 600)
    const t0 = performance.now()
    const err = await send(p, '/message/trickle/i1').catch((e: unknown) => e)
    const ms = performance.now() - t0
    p.close()
    expect(err).toBeInstanceOf(UpstreamError)
    expect((err as UpstreamError).kind).toBe('timeout')
    expect((err as UpstreamError).message).toContain('send deadline')
    expect(ms).toBeGreaterThanOrEqual(550)
    expect(ms).toBeLessThan(1500)
  })

  it('a long send (a media upload) gets the longer deadline: the same trickle is answered in full', async () => {
    const p = new UpstreamProxy({ baseUrl: base, apiKey: 'upstream-key', connectTimeoutMs: 1000, readTimeoutMs: 300, sendTimeoutMs: 600, longSendTimeoutMs: 60_000 })
    const req = { incoming: incoming({ host: 'gw.example' }), method: 'POST', url: '/message/trickle/i1', body: Buffer.from('{}'), requestId: 'req-1', clientIp: '203.0.113.9', contentType: 'application/json' }
    const short = await p.send(req).catch((e: unknown) => e)
    expect((short as UpstreamError).message).toContain('send deadline of 600 ms')
    // The trickle never ends, so the long one is stopped by its own deadline only when that is short too.
    const q = new UpstreamProxy({ baseUrl: base, apiKey: 'upstream-key', connectTimeoutMs: 1000, readTimeoutMs: 300, sendTimeoutMs: 600, longSendTimeoutMs: 1200 })
    const t0 = performance.now()
    const long = await q.send({ ...req, long: true }).catch((e: unknown) => e)
    const ms = performance.now() - t0
    p.close()
    q.close()
    expect((long as UpstreamError).message).toContain('send deadline of 1200 ms')
    expect(ms).toBeGreaterThanOrEqual(1100)
  })

  it('a send answered within the deadline is untouched by it', async () => {
    delayMs = 100
    const p = proxy(2000, 1000)
    const res = await send(p)
    expect(res.status).toBe(201)
    await new Promise((r) => setTimeout(r, 1000)) // the deadline passing later does nothing
    p.close()
  })
})
