import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { UpstreamEnv } from '../env.js'
import { EvoError } from '../lib/errors.js'
import { bodyLimit } from './body-limit.js'

// Found by the generated bad-input suite: a 2 MB send to an unknown instance, then the next request on
// the same keep-alive socket was reset (the gateway answered 502).
describe('upstream body limit', () => {
  let server: ReturnType<typeof serve>
  let port = 0
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })

  beforeAll(async () => {
    const app = new Hono<UpstreamEnv>()
    app.use('*', bodyLimit(4 * 1024 * 1024))
    app.post('/read', async (c) => c.json({ size: (await c.req.arrayBuffer()).byteLength }))
    app.post('*', (c) => c.json({ error: 'no such instance' }, 404)) // answers without reading the body
    app.onError((err, c) => c.json({ error: err.message }, err instanceof EvoError ? (err.status as 413) : 500))
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
    await new Promise((r) => server.once('listening', r))
    port = (server.address() as AddressInfo).port
  })
  afterAll(() => {
    agent.destroy()
    server.close()
  })

  const post = (path: string, body: Buffer) =>
    new Promise<number | string>((resolve) => {
      const r = http.request({ agent, host: '127.0.0.1', port, method: 'POST', path, headers: { 'content-length': body.length } }, (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      })
      r.on('error', (e: Error & { code?: string }) => resolve(e.code ?? e.message))
      r.end(body)
    })

  it('a large body left unread does not break the next request on the keep-alive socket', async () => {
    expect(await post('/unknown', Buffer.alloc(2 * 1024 * 1024, 'x'))).toBe(404)
    expect(await post('/unknown', Buffer.from('{}'))).toBe(404)
  })

  it('still refuses a Content-Length over the limit and reads bodies under it', async () => {
    expect(await post('/read', Buffer.alloc(5 * 1024 * 1024, 'x'))).toBe(413)
    expect(await post('/read', Buffer.alloc(1024, 'x'))).toBe(200)
  })
})
