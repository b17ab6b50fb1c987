/**
 * @module services/upstream-proxy tests: `forward` with a streamed request body, through a real front
 * server and a real upstream: a body that stalls is given up after `bodyTimeoutMs` (the upstream
 * request aborted, `clientTimedOut`), one that arrives in time is forwarded whole, and a client that
 * leaves mid-body ends the hop as CLIENT_CLOSED without an uncaught stream error.
 */
import http from 'node:http'
import net, { type AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLIENT_CLOSED, UpstreamProxy, type ProxyResponse } from './upstream-proxy.js'

const BODY_TIMEOUT_MS = 300

/** What the upstream saw of each request: its body so far and how it ended. */
type Seen = { body: string; ended: 'complete' | 'aborted' | null }
const seen: Seen[] = []
const results: ProxyResponse[] = []
let upstream: http.Server
let front: http.Server
let proxy: UpstreamProxy
let frontPort = 0

const waitFor = async (cond: () => boolean, ms = 3000) => {
  const until = Date.now() + ms
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 20))
  }
}

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    const s: Seen = { body: '', ended: null }
    seen.push(s)
    req.on('data', (c: Buffer) => (s.body += c.toString()))
    req.on('end', () => {
      s.ended = 'complete'
      res.writeHead(201, { 'content-type': 'application/json' }).end('{"ok":true}')
    })
    req.on('close', () => {
      if (!req.complete) s.ended = 'aborted'
    })
  })
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r))
  proxy = new UpstreamProxy({ baseUrl: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`, apiKey: 'upstream-key', connectTimeoutMs: 1000, readTimeoutMs: 5000 })
  // The gateway's streamed hop in miniature: the body as the Node adapter hands it out (a web stream).
  front = http.createServer((req, res) => {
    const body = Readable.toWeb(req) as unknown as ReadableStream<Uint8Array>
    void proxy
      .forward({ incoming: req, outgoing: res, method: 'POST', url: req.url!, body, requestId: 'r1', clientIp: '203.0.113.9', bodyTimeoutMs: BODY_TIMEOUT_MS })
      .then((r) => {
        results.push(r)
        if (res.destroyed) return
        if (r.clientTimedOut) res.writeHead(408, { connection: 'close' }).end('{"error":"Request timeout"}')
        else if (Buffer.isBuffer(r.body)) res.writeHead(r.status, { connection: 'close' }).end(r.body)
        else r.body.pipe(res.writeHead(r.status, { connection: 'close' }))
      })
  })
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', r))
  frontPort = (front.address() as AddressInfo).port
})

afterAll(async () => {
  proxy.close()
  await new Promise<void>((r) => front.close(() => r()))
  await new Promise<void>((r) => upstream.close(() => r()))
})

/** Sends a chunked request head and `first` chunk; `leaveAfterMs` hangs up; resolves with the answer text. */
function chunked(first: string, o: { rest?: string; restAfterMs?: number; leaveAfterMs?: number } = {}): Promise<{ text: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now()
    const s = net.connect(frontPort, '127.0.0.1', () => {
      s.write(`POST /chat/findChats/i1 HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`)
      s.write(`${first.length.toString(16)}\r\n${first}\r\n`)
      if (o.rest !== undefined) setTimeout(() => s.write(`${o.rest!.length.toString(16)}\r\n${o.rest}\r\n0\r\n\r\n`), o.restAfterMs ?? 0)
      if (o.leaveAfterMs !== undefined) setTimeout(() => s.destroy(), o.leaveAfterMs)
    })
    let text = ''
    s.on('data', (d: Buffer) => (text += d.toString()))
    s.on('close', () => resolve({ text, ms: Date.now() - started }))
    s.on('error', reject)
    s.setTimeout(5000, () => s.destroy(new Error('the front never closed the connection')))
  })
}

describe('UpstreamProxy.forward with a streamed body', () => {
  it('a body that stalls: clientTimedOut after the deadline, the upstream request aborted', async () => {
    const before = seen.length
    const r = await chunked('{"where":')
    expect(r.text).toMatch(/^HTTP\/1\.1 408 /)
    expect(r.ms).toBeGreaterThanOrEqual(BODY_TIMEOUT_MS - 20)
    expect(r.ms).toBeLessThan(BODY_TIMEOUT_MS + 2000)
    expect(results.at(-1)).toMatchObject({ status: 408, clientTimedOut: true })
    await waitFor(() => seen[before]?.ended === 'aborted')
    expect(seen[before]!.body).toBe('{"where":')
  })

  it('a body that arrives in time is forwarded whole, however slowly within the deadline', async () => {
    const before = seen.length
    const r = await chunked('{"where":', { rest: '{}}', restAfterMs: BODY_TIMEOUT_MS / 3 })
    expect(r.text).toMatch(/^HTTP\/1\.1 201 /)
    expect(r.text).toContain('{"ok":true}')
    expect(seen[before]).toEqual({ body: '{"where":{}}', ended: 'complete' })
    expect(results.at(-1)?.clientTimedOut).toBeUndefined()
  })

  it('a client that leaves mid-body: CLIENT_CLOSED, the upstream request aborted, nothing uncaught', async () => {
    const before = seen.length
    await chunked('{"where":', { leaveAfterMs: 50 })
    await waitFor(() => results.length > 0 && results.at(-1)!.status === CLIENT_CLOSED)
    await waitFor(() => seen[before]?.ended === 'aborted')
  })
})
