/**
 * @module lib/raw-body tests: the fast Node path and the fallbacks give the same bytes, over a real
 * server; a body that stalls is a 408 that closes the connection on both paths.
 */
import { serve, type ServerType } from '@hono/node-server'
import { Hono } from 'hono'
import http from 'node:http'
import net, { type AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiError } from '../errors/api-error.js'
import { readRawBody } from './raw-body.js'

const BODY_TIMEOUT_MS = 300

let server: ServerType
let base: string

beforeAll(async () => {
  const app = new Hono()
  app.post('/echo', async (c) => {
    const buf = await readRawBody(c, 64)
    // A second read through Hono's API must see the same body (cached), not hang on a drained socket.
    const again = await c.req.text()
    return c.json({ len: buf.length, text: buf.toString('utf8'), same: again === buf.toString('utf8') })
  })
  // What deps.ts gives every request: readRawBody takes its limits from there.
  const timed = new Hono<{ Variables: { deps: { config: { BODY_LIMIT_MB: number; REQUEST_BODY_TIMEOUT_MS: number } } } }>()
  timed.use('*', async (c, next) => {
    c.set('deps', { config: { BODY_LIMIT_MB: 1, REQUEST_BODY_TIMEOUT_MS: BODY_TIMEOUT_MS } })
    return next()
  })
  timed.post('/timed', async (c) => c.json({ len: (await readRawBody(c)).length }))
  app.route('/', timed)
  app.onError((err, c) => {
    const status = err instanceof ApiError ? err.status : 500
    return c.json({ error: err.message }, status, err instanceof ApiError ? err.headers : {})
  })
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve())
  })
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(() => new Promise<void>((r) => server.close(() => r())))

/**
 * A raw request head (and optional start of a body) that is never finished: resolves with what the
 * server wrote, once it closes the connection, and how long that took.
 */
function stall(head: string): Promise<{ text: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now()
    const u = new URL(base)
    const socket = net.connect(Number(u.port), u.hostname, () => socket.write(head))
    let text = ''
    socket.on('data', (d: Buffer) => (text += d.toString()))
    socket.on('close', () => resolve({ text, ms: Date.now() - started }))
    socket.on('error', reject)
    socket.setTimeout(5000, () => socket.destroy(new Error('the server never closed the connection')))
  })
}

/** Raw HTTP so the test controls Content-Length / chunking exactly. */
function send(body: Array<string | Buffer>, headers: Record<string, string>): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}/echo`, { method: 'POST', headers }, (res) => {
      let data = ''
      res.on('data', (d: Buffer) => (data += d.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(data) as Record<string, unknown> }))
    })
    req.on('error', reject)
    for (const part of body) req.write(part)
    req.end()
  })
}

describe('readRawBody', () => {
  it('reads a Content-Length body from the socket and caches it for c.req.text()', async () => {
    const r = await send(['{"a":1}'], { 'content-length': '7', 'content-type': 'application/json' })
    expect(r).toEqual({ status: 200, json: { len: 7, text: '{"a":1}', same: true } })
  })

  it('falls back to the standard path for chunked bodies, same bytes', async () => {
    const r = await send(['{"a":', '2}'], { 'transfer-encoding': 'chunked' })
    expect(r).toEqual({ status: 200, json: { len: 7, text: '{"a":2}', same: true } })
  })

  it('refuses a body larger than the limit with 413', async () => {
    const big = 'x'.repeat(100)
    const r = await send([big], { 'content-length': String(big.length) })
    expect(r.status).toBe(413)
  })

  it('handles multi-byte UTF-8 split across chunks', async () => {
    const text = '{"t":"ñandú ☃"}'
    const bytes = Buffer.from(text)
    // Split inside a multi-byte character: the server must reassemble bytes before decoding.
    const r = await send([bytes.subarray(0, 9), bytes.subarray(9)], { 'content-length': String(bytes.length) })
    expect(r.json.text).toBe(text)
  })

  it('a Content-Length body that never comes: 408 after the deadline, connection closed', async () => {
    const r = await stall('POST /timed HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 20\r\n\r\n{"a"')
    expect(r.text).toMatch(/^HTTP\/1\.1 408 /)
    expect(r.text.toLowerCase()).toContain('connection: close')
    expect(r.text).toContain('{"error":"Request timeout"}')
    expect(r.ms).toBeGreaterThanOrEqual(BODY_TIMEOUT_MS - 20)
    expect(r.ms).toBeLessThan(BODY_TIMEOUT_MS + 2000)
  })

  it('a chunked body that stops (the standard path): 408 after the deadline, connection closed', async () => {
    const r = await stall('POST /timed HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n')
    expect(r.text).toMatch(/^HTTP\/1\.1 408 /)
    expect(r.text.toLowerCase()).toContain('connection: close')
    expect(r.ms).toBeLessThan(BODY_TIMEOUT_MS + 2000)
  })

  it('a body that arrives in time is read whole, whatever the deadline', async () => {
    const req = http.request(`${base}/timed`, { method: 'POST', headers: { 'transfer-encoding': 'chunked' } })
    const answer = new Promise<string>((resolve, reject) => {
      req.on('response', (res) => {
        let data = ''
        res.on('data', (d: Buffer) => (data += d.toString()))
        res.on('end', () => resolve(`${res.statusCode} ${data}`))
      })
      req.on('error', reject)
    })
    req.write('{"a":')
    await new Promise((r) => setTimeout(r, BODY_TIMEOUT_MS / 3))
    req.end('1}')
    expect(await answer).toBe('200 {"len":7}')
  })
})
