import { createAdaptorServer } from '@hono/node-server'
import { Hono } from 'hono'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { headAsGet } from './index.js'

// Through the real Node adapter: its lightweight Response is what lost the headers (issue 14).
const app = new Hono()
app.use('*', headAsGet())
app.use('*', async (c, next) => {
  await next()
  c.res.headers.set('x-content-type-options', 'nosniff')
  c.res.headers.set('x-request-id', 'rid-1')
})
app.get('/json', (c) => c.json({ ok: true, text: 'ñandú' }))
app.get('/stream', (c) => c.body(new Blob(['abc', 'def']).stream(), 200, { 'content-type': 'text/plain' }))
app.get('/empty', (c) => c.body(null, 204))
app.notFound((c) => c.json({ error: 'Not found' }, 404))

const server = createAdaptorServer({ fetch: app.fetch })
let base = ''
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

async function both(path: string) {
  const get = await fetch(base + path)
  const getBody = new Uint8Array(await get.arrayBuffer())
  const head = await fetch(base + path, { method: 'HEAD' })
  return { get, getBody, head, headBody: new Uint8Array(await head.arrayBuffer()) }
}

describe('HEAD answers as GET without the body', () => {
  for (const path of ['/json', '/stream', '/nope']) {
    it(`${path}: same status, headers added after the handler, Content-Length of the GET body`, async () => {
      const { get, getBody, head, headBody } = await both(path)
      expect(head.status).toBe(get.status)
      expect(headBody.length).toBe(0)
      for (const h of ['content-type', 'x-content-type-options', 'x-request-id']) expect(head.headers.get(h)).toBe(get.headers.get(h))
      expect(head.headers.get('content-length')).toBe(String(getBody.length))
    })
  }

  it('a bodiless GET stays bodiless', async () => {
    const { head } = await both('/empty')
    expect(head.status).toBe(204)
    expect(head.headers.get('x-request-id')).toBe('rid-1')
  })

  it('leaves other methods alone', async () => {
    const res = await fetch(base + '/json', { method: 'POST' })
    expect(res.status).toBe(404)
  })
})
