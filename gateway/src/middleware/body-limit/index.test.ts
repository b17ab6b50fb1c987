/**
 * @module middleware/body-limit tests, over a real server (chunked bodies are read here): 413 over the
 * limit, a body in time reaches the route, a stalled one is a 408 that closes the connection, and a
 * client that leaves mid-body is a 400, never an unhandled error.
 */
import { serve, type ServerType } from '@hono/node-server'
import { Hono } from 'hono'
import net, { type AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Deps } from '../../deps.js'
import type { AppEnv } from '../../env.js'
import { ApiError } from '../../errors/api-error.js'
import { bodyLimit } from './index.js'

const BODY_TIMEOUT_MS = 300
let server: ServerType
let port = 0
/** What the error handler saw, and which requests reached the route. */
const errors: unknown[] = []
const routed: string[] = []

beforeAll(async () => {
  const app = new Hono<AppEnv>()
  app.use('*', async (c, next) => {
    c.set('deps', { config: { REQUEST_BODY_TIMEOUT_MS: BODY_TIMEOUT_MS } } as unknown as Deps)
    return next()
  })
  app.use('*', bodyLimit({ maxBytes: 64 }))
  app.post('/echo', async (c) => {
    const text = await c.req.text()
    routed.push(text)
    return c.json({ text })
  })
  app.onError((err, c) => {
    errors.push(err)
    const e = err instanceof ApiError ? err : new ApiError(500, 'Internal server error')
    return c.json(e.body(), e.status, e.headers)
  })
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve())
  })
  port = (server.address() as AddressInfo).port
})

afterAll(() => new Promise<void>((r) => server.close(() => r())))

/** A chunked request: `chunks` written `gapMs` apart, then the terminator unless `stall`/`leaveAfterMs`. */
function chunked(chunks: string[], o: { gapMs?: number; stall?: boolean; leaveAfterMs?: number } = {}): Promise<{ text: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now()
    const s = net.connect(port, '127.0.0.1', async () => {
      s.write('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n')
      for (const c of chunks) {
        s.write(`${Buffer.byteLength(c).toString(16)}\r\n${c}\r\n`)
        await new Promise((r) => setTimeout(r, o.gapMs ?? 0))
      }
      if (o.leaveAfterMs !== undefined) setTimeout(() => s.destroy(), o.leaveAfterMs)
      else if (!o.stall) s.write('0\r\n\r\n')
    })
    let text = ''
    s.on('data', (d: Buffer) => (text += d.toString()))
    s.on('close', () => resolve({ text, ms: Date.now() - started }))
    s.on('error', reject)
    s.setTimeout(5000, () => s.destroy(new Error('the server never closed the connection')))
  })
}

const waitFor = async (cond: () => boolean) => {
  const until = Date.now() + 3000
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('bodyLimit, chunked bodies', () => {
  it('a body in time reaches the route, however slowly within the deadline', async () => {
    const r = await chunked(['hel', 'lo'], { gapMs: BODY_TIMEOUT_MS / 3 })
    expect(r.text).toMatch(/^HTTP\/1\.1 200 /)
    expect(r.text).toContain('{"text":"hello"}')
  })

  it('over the limit: 413', async () => {
    const r = await chunked(['x'.repeat(40), 'y'.repeat(40)])
    expect(r.text).toMatch(/^HTTP\/1\.1 413 /)
  })

  it('a body that stalls: 408 JSON after the deadline, connection closed, the route never runs', async () => {
    const before = routed.length
    const r = await chunked(['{"a":'], { stall: true })
    expect(r.text).toMatch(/^HTTP\/1\.1 408 /)
    expect(r.text.toLowerCase()).toContain('connection: close')
    expect(r.text).toContain('{"error":"Request timeout"}')
    expect(r.ms).toBeGreaterThanOrEqual(BODY_TIMEOUT_MS - 20)
    expect(r.ms).toBeLessThan(BODY_TIMEOUT_MS + 2000)
    expect(routed.length).toBe(before)
  })

  it('a client that leaves mid-body: a 400 ApiError, not an unhandled one', async () => {
    const before = errors.length
    await chunked(['{"a":'], { leaveAfterMs: 50 })
    await waitFor(() => errors.length > before)
    expect(errors.at(-1)).toBeInstanceOf(ApiError)
    expect((errors.at(-1) as ApiError).status).toBe(400)
  })
})
