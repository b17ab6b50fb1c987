// Baileys driver on a scripted socket: QR, pairing code, open, the reconnect policy for every close
// reason (with manual timers and fixed randomness), creds kept or wiped in the real database,
// liveness, the owner lock, logout/restart/end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestDatabase } from '../../../../tests/support/db.js'
import { readCredsJson } from '../../db/baileys-auth.js'
import { createSql } from '../../db/client.js'
import { makeRig, recordEvents, settle, type Rig } from '../../testing/fake-baileys.js'
import { waitFor, withDb } from '../../testing/upstream-harness.js'
import { ConnectionClosedError } from '../errors.js'
import type { BaileysSession } from './index.js'
import { Backoff, decideOnClose } from './reconnect-policy.js'

let db: TestDatabase
let rig: Rig

beforeAll(async () => {
  db = await withDb()
  rig = await makeRig(db.url)
})
afterAll(async () => {
  await rig?.driver.close()
  await rig?.sql.end({ timeout: 5 })
  await db?.drop()
})

async function started(over: { number?: string } = {}) {
  const info = await rig.newInstance()
  const rec = recordEvents()
  const session = rig.driver.open(info, rec.events) as BaileysSession
  await session.connect(over)
  const sock = rig.sock()
  return { info, rec, session, sock }
}

/** Connects, pairs (creds written) and opens. */
async function opened() {
  const s = await started()
  s.sock.creds({ me: { id: '595981000111:17@s.whatsapp.net', name: 'Real Phone' }, registered: true })
  s.sock.open()
  await waitFor(() => s.session.state === 'open')
  await waitFor(async () => (await readCredsJson(rig.sql, s.info.id)) !== null)
  return s
}

describe('QR and pairing', () => {
  it('renders each QR the socket gives as a PNG data URL, code passed through, count +1 per rotation', async () => {
    const { rec, session, sock } = await started()
    expect(session.state).toBe('connecting')
    expect(rec.states()).toEqual([{ state: 'connecting', statusReason: 200 }])
    sock.qr('https://wa.me/settings/linked_devices#ref1')
    await waitFor(() => session.qr?.count === 1)
    sock.qr('2@ref2,key,key,key')
    await waitFor(() => session.qr?.count === 2)
    const qrs = rec.log.filter((e) => e.kind === 'qr').map((e) => e.data)
    expect(qrs.map((q) => [q.code, q.count, q.pairingCode])).toEqual([
      ['https://wa.me/settings/linked_devices#ref1', 1, null],
      ['2@ref2,key,key,key', 2, null],
    ])
    expect(qrs[0].base64).toMatch(/^data:image\/png;base64,iVBORw0KGgo/)
    expect(qrs[0].base64).not.toBe(qrs[1].base64)
  })

  it('after QRCODE_LIMIT unscanned QRs ends the socket and reports refused', async () => {
    const { rec, session, sock } = await started()
    for (let i = 1; i <= 3; i++) {
      sock.qr(`qr-${i}`)
      await waitFor(() => session.qr?.count === i)
    }
    sock.qr('qr-4')
    await waitFor(() => session.state === 'close')
    expect(sock.ended).toBe(true)
    expect(session.qr).toBeNull()
    expect(rec.states().at(-1)).toEqual({ state: 'refused', statusReason: 428 })
    expect(rec.log.filter((e) => e.kind === 'qr')).toHaveLength(3)
    expect(rig.timers.pending).toHaveLength(0)
  })

  it('with a number, requests a pairing code once the socket is ready and exposes it on the QR', async () => {
    const { rec, session, sock } = await started({ number: '+595 981 000-222' })
    sock.qr('qr-a')
    await waitFor(() => session.qr?.count === 1)
    sock.qr('qr-b')
    await waitFor(() => session.qr?.count === 2)
    expect(sock.pairingRequests).toEqual(['595981000222'])
    expect(session.qr?.pairingCode).toBe('ABCD1234')
    expect(rec.log.filter((e) => e.kind === 'qr').map((e) => e.data.pairingCode)).toEqual(['ABCD1234', 'ABCD1234'])
  })
})

describe('open', () => {
  it('reports the phone JID without device suffix and records the paired marker', async () => {
    const { rec, session } = await opened()
    expect(session.state).toBe('open')
    expect(rec.states().at(-1)).toEqual({
      state: 'open', statusReason: 200, identity: { wuid: '595981000111@s.whatsapp.net', profileName: 'Real Phone', profilePictureUrl: null },
    })
    expect(rec.log.filter((e) => e.kind === 'creds').map((e) => e.data)).toEqual([{ paired: true, wuid: '595981000111@s.whatsapp.net' }])
    expect(session.qr).toBeNull()
  })

  it('sends and checks need an open socket', async () => {
    const { session, sock } = await started()
    await expect(session.send('595981000333@s.whatsapp.net', { kind: 'text', text: 'x' })).rejects.toBeInstanceOf(ConnectionClosedError)
    await expect(session.checkNumbers(['595981000333@s.whatsapp.net'])).rejects.toBeInstanceOf(ConnectionClosedError)
    expect(sock.sent).toHaveLength(0)
  })
})

describe('reconnect policy', () => {
  it('decides per reason as R10 (docs/decisions.md#r10) says', () => {
    expect(decideOnClose(515)).toMatchObject({ action: 'now', wipe: false })
    expect(decideOnClose(401)).toMatchObject({ action: 'stop', wipe: true })
    expect(decideOnClose(440)).toMatchObject({ action: 'stop', wipe: false })
    expect(decideOnClose(403)).toMatchObject({ action: 'stop', wipe: false })
    expect(decideOnClose(500)).toMatchObject({ action: 'stop', wipe: true })
    expect(decideOnClose(405)).toMatchObject({ action: 'stop', wipe: false })
    for (const code of [408, 428, 503, 411, 999]) expect(decideOnClose(code)).toMatchObject({ action: 'backoff', wipe: false })
  })

  it('backoff doubles from min to max with +-20 % jitter, never outside the bounds', () => {
    const b = new Backoff(1000, 8000, () => 0.5)
    expect([b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([1000, 2000, 4000, 8000, 8000])
    b.reset()
    expect(b.next()).toBe(1000)
    const low = new Backoff(1000, 8000, () => 0)
    expect([low.next(), low.next()]).toEqual([1000, 1600])
    const high = new Backoff(1000, 8000, () => 1)
    expect([high.next(), high.next(), high.next(), high.next()]).toEqual([1200, 2400, 4800, 8000])
  })

  for (const code of [408, 428, 503]) {
    it(`${code}: state close with the reason, creds kept, backoff grows per failed retry, reset on open`, async () => {
      rig.timers.pending = []
      const { info, rec, session, sock } = await opened()
      sock.close(code)
      await waitFor(() => session.state === 'close')
      expect(rec.states().at(-1)).toEqual({ state: 'close', statusReason: code })
      expect(session.retryScheduled).toBe(true)
      expect(rig.timers.delays()).toEqual([1000])
      expect(await readCredsJson(rig.sql, info.id)).not.toBeNull()

      const before = rig.sockets.length
      rig.timers.fire(1000)
      await waitFor(() => rig.sockets.length === before + 1)
      expect(session.state).toBe('connecting')
      expect(rig.sock().params.creds.me?.id).toBe('595981000111:17@s.whatsapp.net') // logs in with the stored creds
      rig.sock().close(code)
      await waitFor(() => rig.timers.delays().length === 1)
      expect(rig.timers.delays()).toEqual([2000])
      rig.timers.fire(2000)
      await waitFor(() => rig.sockets.length === before + 2)
      rig.sock().close(code)
      await waitFor(() => rig.timers.delays().length === 1)
      expect(rig.timers.delays()).toEqual([4000])
      rig.timers.fire(4000)
      await waitFor(() => rig.sockets.length === before + 3)
      rig.sock().open()
      await waitFor(() => session.state === 'open')
      rig.sock().close(code)
      await waitFor(() => rig.timers.delays().length === 1)
      expect(rig.timers.delays()).toEqual([1000]) // reset on open
      await session.end()
      expect(rig.timers.pending).toHaveLength(0)
    })
  }

  it('515: reconnects at once with the stored creds, only after the creds write is flushed', async () => {
    const { info, rec, session, sock } = await started()
    sock.qr('qr-1')
    await waitFor(() => session.qr?.count === 1)
    // Hold the auth table so the pairing creds write cannot finish yet.
    const blocker = createSql(db.url, 1)
    const reserved = await blocker.reserve()
    await reserved`begin`
    await reserved`lock table upstream.baileys_auth in exclusive mode`
    try {
      sock.creds({ me: { id: '595981000444:3@s.whatsapp.net', name: 'Paired' }, registered: true })
      sock.close(515)
      await settle()
      await new Promise((r) => setTimeout(r, 100))
      expect(rig.sockets.at(-1)).toBe(sock) // no new socket while the write is pending
      expect(session.state).toBe('connecting')
    } finally {
      await reserved`commit`
      reserved.release()
      await blocker.end()
    }
    await waitFor(() => rig.sockets.at(-1) !== sock)
    expect(JSON.parse((await readCredsJson(rig.sql, info.id))!).me.id).toBe('595981000444:3@s.whatsapp.net')
    expect(rig.sock().params.creds.me?.id).toBe('595981000444:3@s.whatsapp.net')
    expect(rec.states().map((s) => s.state)).toEqual(['connecting']) // a 515 is not a close to the outside
    expect(rig.timers.pending).toHaveLength(0)
    rig.sock().open({ id: '595981000444:3@s.whatsapp.net', name: 'Paired' })
    await waitFor(() => session.state === 'open')
    await session.end()
  })

  it('515 while open: connecting, then a new socket with the same creds', async () => {
    const { info, rec, session, sock } = await opened()
    sock.close(515)
    await waitFor(() => rig.sockets.at(-1) !== sock)
    expect(rec.states().at(-1)).toEqual({ state: 'connecting', statusReason: 200 })
    expect(await readCredsJson(rig.sql, info.id)).not.toBeNull()
    await session.end()
  })

  for (const code of [401, 500]) {
    it(`${code}: creds and keys wiped, state close with the reason, no reconnect`, async () => {
      const { info, rec, session, sock } = await opened()
      await sock.params.keys.set({ 'pre-key': { '1': { public: Buffer.from([1]), private: Buffer.from([2]) } } })
      const before = rig.sockets.length
      sock.close(code)
      await waitFor(() => session.state === 'close')
      await waitFor(async () => (await rig.sql`select count(*)::int as n from upstream.baileys_auth where instance_id = ${info.id}`)[0]!.n === 0)
      expect(rec.states().at(-1)).toEqual({ state: 'close', statusReason: code })
      expect(rec.log.filter((e) => e.kind === 'creds').at(-1)!.data).toBeNull()
      expect(session.retryScheduled).toBe(false)
      expect(rig.timers.pending).toHaveLength(0)
      expect(rig.sockets.length).toBe(before)
      // The next connect starts from fresh creds: a QR, not a login.
      await session.connect()
      expect(rig.sock().params.creds.me).toBeUndefined()
      await session.end()
    })
  }

  for (const code of [440, 403, 405]) {
    it(`${code}: stop, state close with the reason, creds kept, no reconnect`, async () => {
      const { info, rec, session, sock } = await opened()
      const before = rig.sockets.length
      sock.close(code)
      await waitFor(() => session.state === 'close')
      expect(rec.states().at(-1)).toEqual({ state: 'close', statusReason: code })
      expect(session.retryScheduled).toBe(false)
      expect(rig.timers.pending).toHaveLength(0)
      await settle()
      expect(rig.sockets.length).toBe(before)
      expect(await readCredsJson(rig.sql, info.id)).not.toBeNull()
    })
  }

  it('WebSocket-level failures back off and never wipe, whatever code Baileys guessed (500, 401)', async () => {
    rig.timers.pending = []
    const { info, rec, session, sock } = await opened()
    sock.closeTransport(500)
    await waitFor(() => session.retryScheduled)
    expect(rec.states().at(-1)).toEqual({ state: 'close', statusReason: 500 })
    expect(await readCredsJson(rig.sql, info.id)).not.toBeNull()
    rig.timers.fire(1000)
    await waitFor(() => rig.sock() !== sock)
    // An HTTP 401 answer to the WebSocket upgrade (e.g. from a proxy) is not a logout either.
    rig.sock().ws.emit('unexpected-response', {}, { statusCode: 401 })
    await waitFor(() => session.retryScheduled)
    expect(rig.sock().ended).toBe(true)
    expect(rec.states().at(-1)).toEqual({ state: 'close', statusReason: 401 })
    expect(await readCredsJson(rig.sql, info.id)).not.toBeNull()
    expect(rig.timers.delays()).toEqual([2000])
    await session.end()
  })

  it('a socket that never shows a QR nor opens is dropped by the connect watchdog', async () => {
    const wd = await makeRig(db.url, { connectTimeoutMs: 90_000 })
    try {
      const info = await wd.newInstance()
      const rec = recordEvents()
      const session = wd.driver.open(info, rec.events) as BaileysSession
      await session.connect()
      expect(wd.timers.delays()).toEqual([90_000])
      wd.timers.fire(90_000)
      await waitFor(() => session.state === 'close')
      expect(wd.sock().ended).toBe(true)
      expect(rec.states().at(-1)).toEqual({ state: 'close', statusReason: 408 })
      expect(wd.timers.delays()).toEqual([1000])
      wd.timers.fire(1000)
      await waitFor(() => wd.sockets.length === 2)
      wd.sock().qr('qr') // a QR disarms the watchdog
      await waitFor(() => session.qr !== null)
      expect(wd.timers.delays()).toEqual([])
      await session.end()
    } finally {
      await wd.driver.close()
      await wd.sql.end({ timeout: 5 })
    }
  })

  it('a QR socket that expires while pairing reconnects for a fresh QR, staying connecting', async () => {
    rig.timers.pending = []
    const { rec, session, sock } = await started()
    sock.qr('qr-1')
    await waitFor(() => session.qr?.count === 1)
    sock.close(408)
    await waitFor(() => rig.timers.delays().length === 1)
    expect(session.state).toBe('connecting')
    expect(rec.states().map((s) => s.state)).toEqual(['connecting'])
    rig.timers.fire()
    await waitFor(() => rig.sockets.at(-1) !== sock)
    rig.sock().qr('qr-2')
    await waitFor(() => session.qr?.count === 2)
    await session.end()
  })

  it('ignores events of a socket it already dropped', async () => {
    const { rec, session, sock } = await opened()
    await session.restart()
    const fresh = rig.sock()
    expect(fresh).not.toBe(sock)
    sock.close(401) // late close of the old socket
    await settle()
    expect(session.state).toBe('connecting')
    expect(rec.states().at(-1)).toEqual({ state: 'connecting', statusReason: 200 })
    fresh.open()
    await waitFor(() => session.state === 'open')
    await session.end()
  })
})

describe('liveness', () => {
  it('a probe without answer counts as a network drop: close 408 and a backoff retry', async () => {
    const live = await makeRig(db.url, { livenessMs: 30_000, livenessTimeoutMs: 5000 })
    try {
      const info = await live.newInstance()
      const rec = recordEvents()
      const session = live.driver.open(info, rec.events) as BaileysSession
      await session.connect()
      const sock = live.sock()
      sock.open()
      await waitFor(() => session.state === 'open')
      expect(live.timers.delays()).toEqual([30_000])
      live.timers.fire(30_000) // first probe answers
      await waitFor(() => live.timers.delays().includes(30_000))
      expect(sock.queries[0]).toMatchObject({ tag: 'iq', attrs: { type: 'get', xmlns: 'w:p' } })
      sock.queryImpl = () => new Promise(() => undefined) // the socket went silent
      live.timers.fire(30_000)
      expect(live.timers.delays()).toEqual([5000])
      live.timers.fire(5000)
      await waitFor(() => session.state === 'close')
      expect(sock.ended).toBe(true)
      expect(rec.states().at(-1)).toEqual({ state: 'close', statusReason: 408 })
      expect(live.timers.delays()).toEqual([1000])
      await session.end()
      expect(live.timers.pending).toHaveLength(0)
    } finally {
      await live.driver.close()
      await live.sql.end({ timeout: 5 })
    }
  })

  it('acknowledges the top-level <status> stanza', async () => {
    const { session, sock } = await opened()
    sock.ws.emit('CB:status', { tag: 'status', attrs: { id: 'st-1', from: 's.whatsapp.net', type: 'x' } })
    await settle()
    expect(sock.nodes).toEqual([{ tag: 'ack', attrs: { id: 'st-1', to: 's.whatsapp.net', class: 'status', type: 'x' } }])
    await session.end()
  })
})

describe('lifecycle', () => {
  it('logout: sock.logout, creds wiped, close 401', async () => {
    const { info, rec, session, sock } = await opened()
    await session.logout()
    expect(sock.loggedOut).toBe(true)
    expect(session.state).toBe('close')
    expect(rec.states().at(-1)).toEqual({ state: 'close', statusReason: 401 })
    expect(rec.log.filter((e) => e.kind === 'creds').at(-1)!.data).toBeNull()
    expect(await readCredsJson(rig.sql, info.id)).toBeNull()
  })

  it('end: socket and timers stopped, no events', async () => {
    rig.timers.pending = []
    const { rec, session, sock } = await opened()
    sock.close(428)
    await waitFor(() => session.retryScheduled)
    const n = rec.log.length
    await session.end()
    expect(rig.timers.pending).toHaveLength(0)
    expect(session.state).toBe('close')
    expect(rec.log.length).toBe(n)
  })

  it('one owner per instance: a second driver (replica) does not connect while the first holds it', async () => {
    const other = await makeRig(db.url)
    try {
      const { info, session } = await opened()
      const rec = recordEvents()
      const theirs = other.driver.open(info, rec.events)
      await theirs.connect()
      expect(other.sockets).toHaveLength(0)
      expect(theirs.state).toBe('close')
      expect(rec.states()).toEqual([{ state: 'close', statusReason: 440 }])
      await session.end() // releases the lock
      await theirs.connect()
      expect(other.sockets).toHaveLength(1)
      expect(theirs.state).toBe('connecting')
    } finally {
      await other.driver.close()
      await other.sql.end({ timeout: 5 })
    }
  })
})
