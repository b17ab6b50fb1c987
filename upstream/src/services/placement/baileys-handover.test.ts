// A Baileys instance handed from one replica to another (an admin move; a drain does the same): the old
// replica ends its socket without logging out and releases the owner lock, the new one opens a socket
// from the creds stored in PostgreSQL (no QR), and sends from there. Scripted sockets (fake-baileys).
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { TestDatabase } from '../../../../tests/support/db.js'
import type { Sql } from '../../db/client.js'
import { BaileysDriver } from '../../driver/baileys/index.js'
import { FakeSocket, ManualTimers, RIG_DEFAULTS, silent } from '../../testing/fake-baileys.js'
import { createInstance, startUpstream, waitFor, withDb, type Upstream } from '../../testing/upstream-harness.js'

let db: TestDatabase
beforeAll(async () => {
  db = await withDb()
})
afterAll(async () => {
  await db?.drop()
})

const PHONE = { id: '595981000555:3@s.whatsapp.net', name: 'Moved' }

function replica(node: string, sockets: FakeSocket[]): Promise<Upstream> {
  return startUpstream(db, { UPSTREAM_DRIVER: 'real', UPSTREAM_NODE_ID: node, LEASE_TTL_MS: '3000', PLACEMENT_INTERVAL_MS: '100' }, {
    drivers: (ctx: { sql: Sql }) => ({
      driver: new BaileysDriver({ sql: ctx.sql, log: silent, timers: new ManualTimers(), random: () => 0.5, ...RIG_DEFAULTS }, (p) => {
        const s = new FakeSocket(p)
        sockets.push(s)
        return s
      }),
      cloud: null,
    }),
  })
}

it('moves a linked Baileys session to another replica without logging out or a new QR', async () => {
  const onA: FakeSocket[] = []
  const onB: FakeSocket[] = []
  const a = await replica('A', onA)
  const b = await replica('B', onB)
  try {
    await createInstance(a, 'bh-1')
    const connect = a.req('GET', '/instance/connect/bh-1')
    await waitFor(() => onA.length === 1)
    await connect
    onA[0]!.creds({ me: PHONE, registered: true })
    onA[0]!.open(PHONE)
    await waitFor(async () => (await a.req('GET', '/instance/connectionState/bh-1')).body.instance?.state === 'open')

    expect((await a.req('POST', '/placement/move', { body: { instanceName: 'bh-1', nodeId: 'B' } })).status).toBe(200)
    await waitFor(() => onB.length === 1, 8000)
    // A ended its socket, without logging the phone out.
    expect(onA[0]!.ended).toBe(true)
    expect(onA[0]!.loggedOut).toBeFalsy()
    // B resumed from the stored creds: the same account, the same noise key, no QR.
    expect(onB[0]!.params.creds.me?.id).toBe(PHONE.id)
    expect(Buffer.from(onB[0]!.params.creds.noiseKey.private).equals(Buffer.from(onA[0]!.params.creds.noiseKey.private))).toBe(true)
    onB[0]!.open(PHONE)
    await waitFor(async () => (await b.req('GET', '/instance/connectionState/bh-1')).body.instance?.state === 'open')
    const sent = await b.req('POST', '/message/sendText/bh-1', { body: { number: '595981123456', text: 'from B' } })
    expect(sent.status).toBe(201)
    expect(onB[0]!.sent.length).toBeGreaterThan(0)
  } finally {
    await b.close()
    await a.close()
  }
})
