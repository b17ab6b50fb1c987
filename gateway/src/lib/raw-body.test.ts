/** @module lib/raw-body tests: the fast Node path and the fallbacks give the same bytes, over a real server. */
import { serve, type ServerType } from '@hono/node-server'
import { Hono } from 'hono'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiError } from '../errors/api-error.js'
import { readRawBody } from './raw-body.js'

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
  app.onError((err, c) => c.json({ error: err.message }, err instanceof ApiError ? err.status : 500))
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve())
  })
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(() => new Promise<void>((r) => server.close(() => r())))

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
})
