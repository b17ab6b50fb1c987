// Two upstream replicas on one database, in this process, each on its own port: forwarding to the
// owner, a drain that hands every instance over, and fencing (a lease lost mid-send does not send).
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { TestDatabase } from '../../../../tests/support/db.js'
import { createServer as createNetServer } from 'node:net'
import postgres from 'postgres'
import { openInstance, startUpstream, waitFor, withDb, type Upstream } from '../../testing/upstream-harness.js'

let db: TestDatabase
let sql: postgres.Sql
const running: { up: Upstream; server: ReturnType<typeof serve> }[] = []

beforeAll(async () => {
  db = await withDb()
  sql = postgres(db.url, { max: 2, onnotice: () => undefined, transform: { column: { from: postgres.toCamel } } })
})
afterEach(async () => {
  for (const r of running.splice(0)) {
    await new Promise<void>((resolve) => r.server.close(() => resolve()))
    await r.up.close()
  }
  await sql`truncate upstream.instances, upstream.replicas cascade`
})
afterAll(async () => {
  await sql?.end()
  await db?.drop()
})

async function freePortForTest(): Promise<number> {
  const srv = createNetServer()
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))
  const port = (srv.address() as AddressInfo).port
  await new Promise<void>((resolve) => srv.close(() => resolve()))
  return port
}

/** A replica listening on loopback, advertised there. */
async function replica(node: string, env: Record<string, string> = {}): Promise<Upstream & { url: string }> {
  const port = await freePortForTest()
  const url = `http://127.0.0.1:${port}`
  const up = await startUpstream(db, { UPSTREAM_NODE_ID: node, UPSTREAM_ADVERTISE_URL: url, LEASE_TTL_MS: '2000', PLACEMENT_INTERVAL_MS: '100', HANDOVER_WAIT_MS: '5000', ...env })
  const server = serve({ fetch: up.app.fetch, port, hostname: '127.0.0.1' })
  running.push({ up, server })
  return { ...up, url }
}

const ownerOf = async (up: Upstream, name: string) => (await up.req('GET', '/placement')).body.instances.find((i: { name: string }) => i.name === name)?.nodeId

describe('upstream replicas', () => {
  it('a request for an instance another replica runs is forwarded there, with the owner named', async () => {
    const a = await replica('A')
    await openInstance(a, 'fw-1')
    const b = await replica('B')
    await waitFor(async () => (await b.req('GET', '/placement')).body.replicas.filter((r: { live: boolean }) => r.live).length === 2)
    expect(await ownerOf(b, 'fw-1')).toBe('A')
    const res = await b.req('GET', '/instance/connectionState/fw-1')
    expect(res.status).toBe(200)
    expect(res.body.instance.state).toBe('open')
    expect(res.headers.get('x-upstream-owner')).toBe(a.url)
    const sent = await b.req('POST', '/message/sendText/fw-1', { body: { number: '595981123456', text: 'via B' } })
    expect(sent.status).toBe(201)
    expect(sent.headers.get('x-upstream-owner')).toBe(a.url)
  })

  it('an admin pin moves an instance: the old owner hands it over and the new one resumes it open', async () => {
    const a = await replica('A')
    await openInstance(a, 'mv-1')
    const b = await replica('B')
    await waitFor(async () => (await a.req('GET', '/placement')).body.replicas.filter((r: { live: boolean }) => r.live).length === 2)
    expect((await a.req('POST', '/placement/move', { body: { instanceName: 'mv-1', nodeId: 'B' } })).status).toBe(200)
    await waitFor(async () => (await ownerOf(a, 'mv-1')) === 'B', 5000)
    await waitFor(async () => (await b.req('GET', '/instance/connectionState/mv-1')).body.instance?.state === 'open', 5000)
    const intervals = await sql<{ nodeId: string; closedAt: Date | null }[]>`
      select node_id, closed_at from upstream.session_intervals s join upstream.instances i on i.id = s.instance_id where i.name = 'mv-1' order by s.id`
    expect(intervals.map((r) => r.nodeId)).toEqual(['A', 'B'])
    expect(intervals[0]!.closedAt).not.toBeNull()
    expect((await a.req('POST', '/placement/move', { body: { instanceName: 'mv-1', nodeId: 'nobody' } })).status).toBe(400)
  })

  it('drain: every instance is handed over and keeps answering, no request fails', async () => {
    const a = await replica('A')
    for (const n of ['dr-1', 'dr-2', 'dr-3']) await openInstance(a, n)
    const b = await replica('B')
    await waitFor(async () => (await a.req('GET', '/placement')).body.replicas.filter((r: { live: boolean }) => r.live).length === 2)
    const draining = a.deps.placement.drain(8000)
    const answers: number[] = []
    while (a.deps.placement.leases.size > 0) {
      for (const n of ['dr-1', 'dr-2', 'dr-3']) {
        const r = await a.req('POST', `/message/sendText/${n}`, { body: { number: '595981123456', text: 'x' } })
        if (r.status !== 201) console.log('DRAIN', r.status, JSON.stringify(r.body))
        answers.push(r.status)
      }
    }
    await draining
    expect(new Set(answers)).toEqual(new Set([201]))
    // The drain ends once A let go of everything; B takes each up on its next pass (woken by NOTIFY).
    for (const n of ['dr-1', 'dr-2', 'dr-3']) await waitFor(async () => (await ownerOf(b, n)) === 'B', 5000)
    expect((await a.req('GET', '/health/ready')).status).toBe(503)
  })
})

describe('fencing', () => {
  it('a lease lost mid-send cannot send after the new owner opened', async () => {
    // A media host that answers after 3 s: the send on A passes its checks, then waits for the download.
    let release: () => void = () => undefined
    const media: Server = createServer((_req, res) => {
      release = () => res.end(Buffer.from('image bytes'))
      setTimeout(release, 3000)
    })
    await new Promise<void>((resolve) => media.listen(0, '127.0.0.1', resolve))
    const mediaUrl = `http://127.0.0.1:${(media.address() as AddressInfo).port}/slow.png`
    try {
      const a = await replica('A')
      await openInstance(a, 'fe-1')
      const b = await replica('B')
      await waitFor(async () => (await a.req('GET', '/placement')).body.replicas.filter((r: { live: boolean }) => r.live).length === 2)
      const send = a.req('POST', '/message/sendMedia/fe-1', { body: { number: '595981123456', mediatype: 'image', media: mediaUrl } })
      await new Promise((r) => setTimeout(r, 100))
      // A stops renewing (as if cut off from PostgreSQL): its ticks never finish from now on.
      const frozen = a.deps.placement as unknown as { step: () => Promise<void> }
      frozen.step = () => new Promise<void>(() => undefined)
      await waitFor(async () => (await ownerOf(b, 'fe-1')) === 'B', 8000)
      await waitFor(async () => (await b.req('GET', '/instance/connectionState/fe-1')).body.instance?.state === 'open', 5000)
      const answer = await send
      expect(answer.status).toBe(503)
      const sent = await b.req('GET', '/sandbox/messages?instance=fe-1')
      expect(sent.body.messages).toHaveLength(0)
      const opened = await sql<{ nodeId: string; openedAt: Date; closedAt: Date | null }[]>`
        select node_id, opened_at, closed_at from upstream.session_intervals s join upstream.instances i on i.id = s.instance_id where i.name = 'fe-1' order by s.id`
      expect(opened.map((r) => r.nodeId)).toEqual(['A', 'B'])
      // A closed its session (its local deadline) before B opened.
      expect(opened[0]!.closedAt!.getTime()).toBeLessThanOrEqual(opened[1]!.openedAt.getTime())
    } finally {
      release()
      media.closeAllConnections()
      await new Promise<void>((resolve) => media.close(() => resolve()))
    }
  })
})
