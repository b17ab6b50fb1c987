/**
 * @module routes/proxy/fast-send tests: the one send pipeline. The whole gateway (createApp +
 * createHttpServer, real PostgreSQL and Redis) in front of a fake upstream, with the Hono app wrapped so
 * the test sees every request Hono gets. Every `POST /message/...`, however spelled (percent-encoded,
 * upper case, dot segments) and however framed (Content-Length, chunked), is answered without Hono, logged
 * once, observed once by the metrics and carries the same headers as a plain send; the body limit, the
 * path rules and the admin-only answers are the ones Hono gave; other methods still go to Hono.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Hono } from 'hono'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startTestGateway, type TestGateway } from '../../../../tests/support/gateway.js'
import { createApp } from '../../app.js'
import type { AppEnv } from '../../env.js'
import { createHttpServer } from '../../http-server.js'

const INSTANCE = 'send-inst'
const SPACED = 'my inst'
let gw: TestGateway
let upstream: http.Server
let server: http.Server
let port = 0
let adminToken = ''
let seq = 0
/** Paths the fake upstream received, paths the Hono app saw, and the metrics observations. */
const upstreamSaw: string[] = []
const honoSaw: string[] = []
const observed: { family: string; status: number }[] = []

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      upstreamSaw.push(req.url ?? '')
      if (!/^\/message\/sendtext\//i.test(req.url ?? '')) {
        res.writeHead(404, { 'content-type': 'application/json' })
        return void res.end(JSON.stringify({ status: 404, error: 'Not Found' }))
      }
      res.writeHead(201, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ key: { remoteJid: '595981000001@s.whatsapp.net', fromMe: true, id: `3EB0PIPE${++seq}` }, status: 'PENDING' }))
    })
  })
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r))
  gw = await startTestGateway({
    upstreamUrl: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
    apiKey: 'send-pipeline-test-key-0123456789',
    instance: INSTANCE,
    username: 'pipeline',
    lockKey: 727_029,
    env: { RATE_LIMIT_DEFAULT: '1000', MESSAGE_IP_RATE: '0', BODY_LIMIT_MB: '1', METRICS_TOKEN: 'metrics-token-0123456789' },
  })
  const { deps } = gw
  await deps.sql`insert into taguato.user_instances (user_id, instance_name) values (${gw.userId}, ${SPACED})`
  const [admin] = await deps.sql<{ id: number }[]>`
    insert into taguato.users (username, password_hash, api_token, role) values ('pipeline-admin', 'x', md5(random()::text), 'admin') returning id`
  adminToken = (await deps.sessions.create(admin!.id, '127.0.0.1', 'vitest')).token
  const request = deps.metrics.request.bind(deps.metrics)
  deps.metrics.request = (family, method, status, seconds) => {
    observed.push({ family, status })
    request(family, method, status, seconds)
  }
  // The production server, with the Hono app wrapped to record what reaches it.
  const g = createApp(deps)
  const spy = { fetch: (r: Request, env: unknown) => (honoSaw.push(`${r.method} ${new URL(r.url).pathname}`), g.app.fetch(r, env as never)) }
  server = createHttpServer({ ...g, app: spy as unknown as Hono<AppEnv> })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  port = (server.address() as AddressInfo).port
})

afterAll(async () => {
  server?.closeAllConnections()
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()))
  await gw?.close()
  upstream?.close()
})

beforeEach(() => {
  upstreamSaw.length = 0
  honoSaw.length = 0
  observed.length = 0
})

type Answer = { status: number; headers: http.IncomingHttpHeaders; body: string }

/** One raw request: the path goes on the wire as given; `chunks` are written without a Content-Length (chunked). */
function send(method: string, path: string, o: { token?: string; body?: string; chunks?: string[]; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { 'content-type': 'application/json', ...o.headers }
    if (o.token !== undefined) headers.apikey = o.token
    if (o.body !== undefined) headers['content-length'] = Buffer.byteLength(o.body)
    const req = http.request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => (body += d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    if (o.chunks) for (const c of o.chunks) req.write(c)
    req.end(o.body)
  })
}

/** The response header names a client compares (minus the ones that describe the connection or framing). */
const names = (h: http.IncomingHttpHeaders) =>
  Object.keys(h)
    .filter((k) => !['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding'].includes(k))
    .sort()

const textBody = (n: string) => JSON.stringify({ number: n, text: 'pipeline' })

/** message_logs rows of a number, once the buffer is flushed. */
async function rows(number: string): Promise<{ instance_name: string; status: string }[]> {
  // A loaded machine may need more than flush's default 2 s.
  await gw.deps.messageLog.flush(15_000)
  return gw.deps.sql<{ instance_name: string; status: string }[]>`select instance_name, status from taguato.message_logs where phone_number = ${number}`
}

describe('the send pipeline', () => {
  let plain: Answer

  beforeAll(async () => {
    plain = await send('POST', `/message/sendText/${INSTANCE}`, { token: gw.token, body: textBody('595981100000') })
  })

  it('a plain send: served without Hono, logged once, observed once', async () => {
    expect(plain.status).toBe(201)
    expect(plain.headers['x-request-id']).toEqual(expect.any(String))
    expect(plain.headers['x-ratelimit-limit']).toBe('1000')
    expect(plain.headers['x-content-type-options']).toBe('nosniff')
    expect(await rows('595981100000')).toEqual([{ instance_name: INSTANCE, status: 'sent' }])
  })

  // [case, path on the wire, instance, path the upstream gets]
  const spellings: [string, string, string, string][] = [
    ['percent-encoded name (%2D)', '/message/sendText/send%2Dinst', INSTANCE, '/message/sendText/send-inst'],
    ['a name with an encoded space', '/message/sendText/my%20inst', SPACED, '/message/sendText/my%20inst'],
    ['upper-case family and action', '/MESSAGE/SENDTEXT/send-inst', INSTANCE, '/MESSAGE/SENDTEXT/send-inst'],
    ['an encoded family letter', '/%6Dessage/sendText/send-inst', INSTANCE, '/message/sendText/send-inst'],
    ['dot segments and a doubled slash', '/x/../message//sendText/./send-inst', INSTANCE, '/message/sendText/send-inst'],
  ]
  it.each(spellings)('%s: served without Hono, forwarded normalised, logged once, same headers as a plain send', async (_name, path, instance, forwarded) => {
    const n = `5959812${String(++seq).padStart(5, '0')}`
    const r = await send('POST', path, { token: gw.token, body: textBody(n) })
    expect(r.status).toBe(201)
    expect(names(r.headers)).toEqual(names(plain.headers))
    expect(honoSaw).toEqual([])
    expect(upstreamSaw).toEqual([forwarded])
    expect(observed.map((o) => o.status)).toEqual([201])
    expect(await rows(n)).toEqual([{ instance_name: instance, status: 'sent' }])
  })

  it('a chunked body: served without Hono, logged once, same headers as a plain send', async () => {
    const body = textBody('595981300001')
    const r = await send('POST', `/message/sendText/${INSTANCE}`, { token: gw.token, chunks: [body.slice(0, 10), body.slice(10)] })
    expect(r.status).toBe(201)
    expect(names(r.headers)).toEqual(names(plain.headers))
    expect(honoSaw).toEqual([])
    expect(observed).toEqual([{ family: '/message/sendText', status: 201 }])
    expect(await rows('595981300001')).toEqual([{ instance_name: INSTANCE, status: 'sent' }])
  })

  it('an Idempotency-Key works across spellings and framings: the replay is not sent or logged again', async () => {
    const body = textBody('595981300002')
    const key = { 'idempotency-key': `pipe-${Date.now()}` }
    const first = await send('POST', '/message/sendText/send%2Dinst', { token: gw.token, body, headers: key })
    const again = await send('POST', `/message/sendText/${INSTANCE}`, { token: gw.token, chunks: [body], headers: key })
    expect(first.status).toBe(201)
    expect(again.status).toBe(201)
    expect(again.body).toBe(first.body)
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(upstreamSaw).toHaveLength(1)
    expect(honoSaw).toEqual([])
    expect(await rows('595981300002')).toHaveLength(1)
  })

  it('over the body limit, chunked or declared: 413 JSON with every header, nothing forwarded or logged', async () => {
    const big = JSON.stringify({ number: '595981300003', text: 'x'.repeat(1024 * 1024) })
    const chunked = await send('POST', `/message/sendText/${INSTANCE}`, { token: gw.token, chunks: [big.slice(0, 500_000), big.slice(500_000)] })
    const declared = await send('POST', `/message/sendText/${INSTANCE}`, { token: gw.token, body: big })
    for (const r of [chunked, declared]) {
      expect(r.status).toBe(413)
      expect(JSON.parse(r.body)).toEqual({ error: 'Request body too large', max_bytes: 1024 * 1024 })
      expect(r.headers['x-request-id']).toEqual(expect.any(String))
      expect(r.headers['x-frame-options']).toBe('DENY')
    }
    expect(upstreamSaw).toEqual([])
    expect(honoSaw).toEqual([])
    expect(await rows('595981300003')).toEqual([])
  })

  it('a refused path: 400 Invalid path before any auth, without Hono', async () => {
    for (const path of ['/message/sendText/a%2Fb', '/message/%ff/send-inst', '/message/sendText/%2e%2e%2Fx']) {
      const r = await send('POST', path, { body: '{}' })
      expect(r.status, path).toBe(400)
      expect(JSON.parse(r.body)).toEqual({ error: 'Invalid path' })
    }
    expect(honoSaw).toEqual([])
  })

  it('unlisted /message routes: 403 for users, a plain forward for admins; no log row', async () => {
    const user = await send('POST', `/message/sendNothing/${INSTANCE}`, { token: gw.token, body: textBody('595981300004') })
    expect(user.status).toBe(403)
    expect(JSON.parse(user.body)).toEqual({ error: 'Admin access required' })
    expect(user.headers['x-ratelimit-limit']).toBe('1000')
    const admin = await send('POST', `/message/sendNothing/${INSTANCE}`, { token: adminToken, chunks: [textBody('595981300004')] })
    expect(admin.status).toBe(404)
    expect(admin.headers['x-request-id']).toEqual(expect.any(String))
    expect(upstreamSaw).toEqual([`/message/sendNothing/${INSTANCE}`])
    expect(honoSaw).toEqual([])
    expect(await rows('595981300004')).toEqual([])
  })

  it('an instance the caller does not own: 403, nothing forwarded', async () => {
    const r = await send('POST', '/message/sendText/not%2Dmine', { token: gw.token, body: textBody('595981300005') })
    expect(r.status).toBe(403)
    expect(upstreamSaw).toEqual([])
    expect(honoSaw).toEqual([])
  })

  it('other methods on /message/* and /group/sendInvite still go to Hono', async () => {
    const get = await send('GET', `/message/sendText/${INSTANCE}`, { token: gw.token })
    expect(get.status).toBe(403)
    await send('OPTIONS', `/message/sendText/${INSTANCE}`)
    await send('POST', `/group/sendInvite/${INSTANCE}`, { token: gw.token, body: '{}' })
    expect(honoSaw).toEqual([`GET /message/sendText/${INSTANCE}`, `OPTIONS /message/sendText/${INSTANCE}`, `POST /group/sendInvite/${INSTANCE}`])
  })
})
