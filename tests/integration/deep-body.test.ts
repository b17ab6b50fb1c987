/**
 * @module tests/integration/deep-body
 * Bodies nested deeper than any call stack (100,000 levels; JSON.parse accepts them) on every native
 * route that reads a body, on the sends (both paths) and on the proxied routes, through the whole
 * gateway on real PostgreSQL and Redis: a NUL at the bottom is the text rule's 400 naming the field, and
 * a deep value anywhere else is the route's normal answer or a 400, never a 500 (no recursive walk over
 * a request body may overflow).
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import * as v from 'valibot'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../gateway/src/app.js'
import type { RouteDef } from '../../gateway/src/lib/route.js'
import { TOO_DEEP } from '../../gateway/src/routes/proxy/index.js'
import { startTestGateway, type TestGateway } from '../support/gateway.js'

const DEPTH = 100_000
const deep = (leaf: string) => `${'{"a":['.repeat(DEPTH / 2)}${leaf}${']}'.repeat(DEPTH / 2)}`
const deepPath = `a${'[0].a'.repeat(DEPTH / 2 - 1)}[0]`
const nulError = (field: string) => `${field}.${deepPath} must not contain NUL characters`

let upstream: http.Server
let gw: TestGateway
let defs: RouteDef[] = []

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => res.writeHead(201, { 'content-type': 'application/json' }).end('{"key":{"id":"X"}}'))
  })
  await new Promise<void>((ok) => upstream.listen(0, '127.0.0.1', ok))
  gw = await startTestGateway({
    upstreamUrl: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
    apiKey: 'deep-body-upstream-key-0123456789',
    instance: 'deep',
    username: 'deep_sender',
    lockKey: 727_031,
    dbPrefix: 'taguato_deep',
  })
  // An admin reaches every route (session routes included).
  await gw.deps.sql`update taguato.users set role = 'admin', must_change_password = false where id = ${gw.userId}`
  await gw.deps.sessions.refreshUser(gw.userId)
  defs = createApp(gw.deps).router.defs.filter((d) => d.body && d.method !== 'GET')
}, 60_000)

afterAll(async () => {
  await gw?.close()
  upstream?.close()
})

/** POST/PUT… `body` (a string) to the gateway as the admin; `chunked` takes the sends' Hono path. */
async function send(method: string, path: string, body: string, chunked = false): Promise<{ status: number; error: unknown }> {
  const init: RequestInit & { duplex?: 'half' } = { method, headers: { 'content-type': 'application/json', apikey: gw.token } }
  if (chunked) {
    init.body = new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode(body)), c.close()) })
    init.duplex = 'half'
  } else init.body = body
  const res = await fetch(gw.base + path, init)
  const text = await res.text()
  try {
    return { status: res.status, error: (JSON.parse(text) as { error?: unknown }).error }
  } catch {
    return { status: res.status, error: text }
  }
}

/** The declared top-level fields of a route's body schema (an object schema), if any. */
const fieldsOf = (schema: v.GenericSchema | undefined): string[] =>
  schema && 'entries' in schema && schema.entries && typeof schema.entries === 'object' ? Object.keys(schema.entries) : []
const pathOf = (d: RouteDef) => d.path.replace(/:[A-Za-z_]+/g, '1')
const shown = (x: unknown) => String(x).slice(0, 200)

describe('deeply nested JSON bodies', () => {
  it('a NUL at the bottom is a 400 naming the field on every native route with a body', async () => {
    expect(defs.length).toBeGreaterThan(10)
    for (const d of defs) {
      const got = await send(d.method, pathOf(d), `{"zz":${deep('"\\u0000"')}}`)
      // A route that answers before reading the body (an unknown id) gives its normal answer.
      expect(got.status, `${d.method} ${d.path}: ${shown(got.error)}`).toBeLessThan(500)
      if (got.status === 400) expect(got.error, `${d.method} ${d.path}`).toBe(nulError('zz'))
    }
  }, 120_000)

  it('a deep value in any declared field, or as the whole body, is never a 500', async () => {
    for (const d of defs) {
      for (const b of [deep('1'), ...fieldsOf(d.body).map((f) => `{${JSON.stringify(f)}:${deep('"x"')}}`)]) {
        const got = await send(d.method, pathOf(d), b)
        expect(got.status, `${d.method} ${d.path} ${b.slice(0, 30)}: ${shown(got.error)}`).toBeLessThan(500)
      }
    }
  }, 300_000)

  it('the sends (both paths): a NUL at the bottom is a 400; proxied routes never answer 500', async () => {
    const body = `{"number":"5959","text":"hi","zz":${deep('"\\u0000"')}}`
    expect(await send('POST', '/message/sendText/deep', body)).toEqual({ status: 400, error: nulError('zz') })
    expect(await send('POST', '/message/sendText/deep', body, true)).toEqual({ status: 400, error: nulError('zz') })
    expect((await send('POST', '/message/sendText/deep', `{"number":"5959","text":"hi","zz":${deep('1')}}`)).status).toBeLessThan(500)
    // Routes whose URLs are checked are read and forwarded re-serialised: too deep to re-serialise is a 400.
    for (const path of ['/webhook/set/deep', '/proxy/set/deep']) expect(await send('POST', path, `{"zz":${deep('1')}}`)).toEqual({ status: 400, error: TOO_DEEP })
    // Other proxied routes forward the bytes as received: the upstream's own answer.
    for (const path of ['/chat/findMessages/deep', '/settings/set/deep']) expect((await send('POST', path, body)).status).toBeLessThan(500)
  }, 60_000)
})
