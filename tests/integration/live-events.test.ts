/**
 * @module tests/integration/live-events
 * The panel's live stream on real PostgreSQL and Redis: tickets are single use, expire, and need a live
 * session; a stream sees only what its user may see; an event produced on one gateway (its internal
 * receiver) reaches a stream held by another gateway on the same database, through Redis pub/sub.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../gateway/src/app.js'
import { loadConfig } from '../../gateway/src/config.js'
import { buildDeps, waitForRedis, type Deps } from '../../gateway/src/deps.js'
import { createHttpServer } from '../../gateway/src/http-server.js'
import { LiveTickets } from '../../gateway/src/services/live-events/tickets.js'
import { globalReceiverUrl } from '../../gateway/src/services/webhooks/tokens.js'
import { startTestGateway, TEST_REDIS_URL, type TestGateway } from '../support/gateway.js'

const KEY = 'live-events-upstream-key-0123456789'
let gw: TestGateway
/** A second gateway process on the same database and Redis (another replica). */
let other: { deps: Deps; server: http.Server; base: string }
let strangerToken = ''
let adminToken = ''

type Sse = { events: { event: string; data: Record<string, unknown> }[]; status: number; close: () => void; wait: (pred: (e: { event: string; data: Record<string, unknown> }) => boolean, ms?: number) => Promise<{ event: string; data: Record<string, unknown> } | null> }

async function openStream(base: string, ticket: string): Promise<Sse> {
  const ctl = new AbortController()
  const res = await fetch(`${base}/api/events?ticket=${ticket}`, { signal: ctl.signal })
  const events: Sse['events'] = []
  if (res.ok && res.body) {
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
    void (async () => {
      let buf = ''
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }))
        if (done) return
        buf += value
        let i: number
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i)
          buf = buf.slice(i + 2)
          const event = /^event: (.*)$/m.exec(block)?.[1]
          const data = /^data: (.*)$/m.exec(block)?.[1]
          if (event && data) events.push({ event, data: JSON.parse(data) as Record<string, unknown> })
        }
      }
    })()
  }
  return {
    events,
    status: res.status,
    close: () => ctl.abort(),
    wait: async (pred, ms = 3000) => {
      const until = Date.now() + ms
      while (Date.now() < until) {
        const hit = events.find(pred)
        if (hit) return hit
        await new Promise((r) => setTimeout(r, 25))
      }
      return null
    },
  }
}

async function ticketFor(base: string, token: string): Promise<string> {
  const res = await fetch(`${base}/api/events/ticket`, { method: 'POST', headers: { apikey: token } })
  expect(res.status).toBe(201)
  return ((await res.json()) as { ticket: string }).ticket
}

/** What the upstream's global webhook posts, to the given gateway's receiver. */
async function upstreamEvent(base: string, envelope: Record<string, unknown>): Promise<void> {
  const res = await fetch(globalReceiverUrl(base, KEY), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(envelope) })
  expect(res.status).toBe(200)
}

async function newUser(deps: Deps, name: string, role: 'user' | 'admin', instance?: string): Promise<string> {
  const [u] = await deps.sql<{ id: number }[]>`
    insert into taguato.users (username, password_hash, api_token, role) values (${name}, 'x', md5(random()::text), ${role}) returning id`
  if (instance) await deps.sql`insert into taguato.user_instances (user_id, instance_name) values (${u!.id}, ${instance})`
  return (await deps.sessions.create(u!.id, '127.0.0.1', 'vitest')).token
}

beforeAll(async () => {
  gw = await startTestGateway({ upstreamUrl: 'http://127.0.0.1:9', apiKey: KEY, instance: 'live-a', username: 'live_owner', lockKey: 727_281, dbPrefix: 'taguato_live' })
  const config = loadConfig({ DATABASE_URL: gw.db.url, REDIS_URL: TEST_REDIS_URL, AUTHENTICATION_API_KEY: KEY, UPSTREAM_URL: 'http://127.0.0.1:9', LOG_LEVEL: 'silent', WORKERS_ENABLED: 'false' })
  const deps = buildDeps(config, pino({ level: 'silent' }))
  await waitForRedis(deps.redis, 3000)
  const server = createHttpServer(createApp(deps))
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  other = { deps, server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
  strangerToken = await newUser(gw.deps, 'live_stranger', 'user', 'live-b')
  adminToken = await newUser(gw.deps, 'live_admin', 'admin')
}, 60_000)

afterAll(async () => {
  for (const d of [other?.deps, gw?.deps]) for (const hook of [...(d?.shutdownHooks ?? [])].reverse()) await hook().catch(() => undefined)
  if (other) {
    other.server.closeAllConnections()
    await new Promise<void>((r) => other.server.close(() => r()))
    await other.deps.close()
  }
  await gw?.close()
})

describe('tickets', () => {
  it('needs a session, works once, and a stream without one is 401', async () => {
    expect((await fetch(`${gw.base}/api/events/ticket`, { method: 'POST' })).status).toBe(401)
    const none = await fetch(`${gw.base}/api/events`)
    expect(none.status).toBe(401)
    expect(((await none.json()) as { error: string }).error).toMatch(/ticket/)
    expect((await fetch(`${gw.base}/api/events?ticket=nope`)).status).toBe(400)

    const ticket = await ticketFor(gw.base, gw.token)
    const s = await openStream(gw.base, ticket)
    expect(s.status).toBe(200)
    expect(await s.wait((e) => e.event === 'ready')).not.toBeNull()
    s.close()
    const again = await fetch(`${gw.base}/api/events?ticket=${ticket}`)
    expect(again.status).toBe(401)
  })

  it('expires, and a ticket of a revoked session opens nothing', async () => {
    const short = new LiveTickets(gw.deps.redis, 1)
    const t = await short.issue('a'.repeat(64))
    await new Promise((r) => setTimeout(r, 1200))
    expect(await short.redeem(t)).toBeNull()

    const token = await newUser(gw.deps, 'live_revoked', 'user')
    const ticket = await ticketFor(gw.base, token)
    await gw.deps.sessions.revokeAllForUser((await gw.deps.sessions.authenticate(token))!.id)
    expect((await fetch(`${gw.base}/api/events?ticket=${ticket}`)).status).toBe(401)
  })
})

describe('fan-out and scope', () => {
  it("an instance event received by one gateway reaches the owner's stream on another, not a stranger's", async () => {
    const owner = await openStream(gw.base, await ticketFor(gw.base, gw.token))
    const stranger = await openStream(gw.base, await ticketFor(gw.base, strangerToken))
    const admin = await openStream(other.base, await ticketFor(other.base, adminToken))
    for (const s of [owner, stranger, admin]) expect(await s.wait((e) => e.event === 'ready')).not.toBeNull()
    await new Promise((r) => setTimeout(r, 300)) // the subscribers listen

    await upstreamEvent(other.base, { event: 'connection.update', instance: 'live-a', data: { instance: 'live-a', state: 'open', wuid: '595981000042@s.whatsapp.net', profileName: 'Shop', statusReason: 200 } })
    await upstreamEvent(other.base, { event: 'connection.update', instance: 'live-b', data: { instance: 'live-b', state: 'connecting', statusReason: 200 } })

    const got = await owner.wait((e) => e.event === 'instance.state')
    expect(got?.data).toEqual({ type: 'instance.state', instance: 'live-a', state: 'open', number: '595981000042', profileName: 'Shop', statusReason: 200 })
    expect(await stranger.wait((e) => e.data.instance === 'live-b')).not.toBeNull()
    expect(stranger.events.some((e) => e.data.instance === 'live-a')).toBe(false)
    expect(owner.events.some((e) => e.data.instance === 'live-b')).toBe(false)
    expect(await admin.wait((e) => e.data.instance === 'live-a')).not.toBeNull()
    for (const s of [owner, stranger, admin]) s.close()
  })

  it("a message status reaches the row's sender only", async () => {
    const [row] = await gw.deps.sql<{ id: number }[]>`
      insert into taguato.message_logs (user_id, instance_name, phone_number, status, wa_message_id)
      values (${gw.userId}, 'live-a', '595981000001', 'sent', 'LIVE-MSG-1') returning id`
    const owner = await openStream(gw.base, await ticketFor(gw.base, gw.token))
    const stranger = await openStream(other.base, await ticketFor(other.base, strangerToken))
    for (const s of [owner, stranger]) expect(await s.wait((e) => e.event === 'ready')).not.toBeNull()
    await new Promise((r) => setTimeout(r, 300))
    await upstreamEvent(other.base, { event: 'messages.update', instance: 'live-a', data: { keyId: 'LIVE-MSG-1', status: 'DELIVERY_ACK' } })
    const got = await owner.wait((e) => e.event === 'message.status')
    expect(got?.data).toMatchObject({ id: row!.id, status: 'delivered', instance: 'live-a' })
    await new Promise((r) => setTimeout(r, 300))
    expect(stranger.events.some((e) => e.event === 'message.status')).toBe(false)
    owner.close()
    stranger.close()
  })

  it('bounds the streams of one user', async () => {
    const token = await newUser(gw.deps, 'live_many', 'user')
    const open: Sse[] = []
    for (let i = 0; i < 5; i++) open.push(await openStream(gw.base, await ticketFor(gw.base, token)))
    expect(open.every((s) => s.status === 200)).toBe(true)
    const sixth = await fetch(`${gw.base}/api/events?ticket=${await ticketFor(gw.base, token)}`)
    expect(sixth.status).toBe(429)
    for (const s of open) s.close()
  })
})
