// The REAL makeWASocket (default socket factory) against a loopback WebSocket server: the first
// attempt is refused with an HTTP 503, the retry is accepted and dropped at once. Shows the real
// library is wired, that the close carries a reason, and that the backoff (not a wipe) follows.
// `ws` is Baileys' own WebSocket dependency.
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { WebSocketServer } from 'ws'
import type { TestDatabase } from '../../../../tests/support/db.js'
import { createSql, migrateUpstream, type Sql } from '../../db/client.js'
import { insertInstance } from '../../db/instances.js'
import { ManualTimers, recordEvents, RIG_DEFAULTS, silent } from '../../testing/fake-baileys.js'
import { waitFor, withDb } from '../../testing/upstream-harness.js'
import { BaileysDriver, type BaileysSession } from './index.js'

let db: TestDatabase
let sql: Sql
let wss: WebSocketServer
let attempts = 0
let accepted = 0

beforeAll(async () => {
  db = await withDb()
  sql = createSql(db.url, 3)
  await migrateUpstream(sql)
  wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    verifyClient: (_info, cb) => {
      attempts += 1
      if (attempts === 1) cb(false, 503, 'Service Unavailable')
      else cb(true)
    },
  })
  wss.on('connection', (ws) => {
    accepted += 1
    ws.terminate() // accept, then drop before any handshake
  })
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()))
})
afterAll(async () => {
  await new Promise<void>((resolve) => wss?.close(() => resolve()))
  await sql?.end({ timeout: 5 })
  await db?.drop()
})

it('refused, then dropped: state close with the reason, a backoff retry each time, creds kept; end() cleans up', async () => {
  const port = (wss.address() as AddressInfo).port
  const timers = new ManualTimers()
  const driver = new BaileysDriver({
    ...RIG_DEFAULTS,
    sql,
    log: silent,
    timers,
    random: () => 0.5,
    socket: { browser: ['Taguato', 'Chrome', '10.0'], wsUrl: `ws://127.0.0.1:${port}/ws/chat`, version: null },
  })
  const row = await insertInstance(sql, {
    id: '00000000-0000-4000-8000-00000000b41e', name: 'real-sock', integration: 'WHATSAPP-BAILEYS', token: 't', number: null, businessId: null, connectionStatus: 'close', session: null,
  })
  const rec = recordEvents()
  const session = driver.open({ id: row.id, name: row.name, number: null, session: null, integration: row.integration, token: 't', businessId: null }, rec.events) as BaileysSession
  try {
    await session.connect()
    await waitFor(() => rec.states().some((s) => s.state === 'close'), 20_000)
    expect(attempts).toBe(1)
    expect(session.state).toBe('close')
    expect(rec.states()[0]).toEqual({ state: 'connecting', statusReason: 200 })
    expect(rec.states()[1]).toEqual({ state: 'close', statusReason: 503 })
    expect(session.retryScheduled).toBe(true)
    expect(timers.delays()).toEqual([1000])

    timers.fire(1000) // the retry: accepted, then dropped
    await waitFor(() => rec.states().filter((s) => s.state === 'close').length === 2, 20_000)
    expect(accepted).toBe(1)
    const last = rec.states().at(-1)
    expect(last.state).toBe('close')
    expect(typeof last.statusReason).toBe('number')
    expect([408, 428, 500]).toContain(last.statusReason)
    expect(session.retryScheduled).toBe(true)
    expect(timers.delays()).toEqual([2000]) // the backoff grew
    // The creds Baileys generated for the QR are kept (nothing was wiped).
    expect(rec.log.some((e) => e.kind === 'creds' && e.data === null)).toBe(false)
  } finally {
    await driver.close()
  }
  expect(timers.pending).toHaveLength(0)
  expect(session.state).toBe('close')
}, 60_000)
