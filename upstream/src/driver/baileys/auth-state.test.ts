// Baileys auth state in the real Postgres: creds and every key type round-trip through BufferJSON,
// one keys.set = one transaction, wipe; and an "upstream restart": an open instance reconnects from
// the stored creds without a QR.
import { randomUUID } from 'node:crypto'
import { initAuthCreds, proto } from '@whiskeysockets/baileys'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestDatabase } from '../../../../tests/support/db.js'
import { createSql, migrateUpstream, type Sql } from '../../db/client.js'
import { insertInstance } from '../../db/instances.js'
import { FakeSocket, ManualTimers, RIG_DEFAULTS, silent } from '../../testing/fake-baileys.js'
import { createInstance, startUpstream, waitFor, withDb } from '../../testing/upstream-harness.js'
import { PgAuthState } from './auth-state.js'
import { BaileysDriver } from './index.js'

let db: TestDatabase
let sql: Sql

beforeAll(async () => {
  db = await withDb()
  sql = createSql(db.url, 4)
  await migrateUpstream(sql)
})
afterAll(async () => {
  await sql?.end({ timeout: 5 })
  await db?.drop()
})

async function instanceId(): Promise<string> {
  const id = randomUUID()
  await insertInstance(sql, { id, name: `a-${id.slice(0, 8)}`, integration: 'WHATSAPP-BAILEYS', token: 't', number: null, businessId: null, connectionStatus: 'close', session: null })
  return id
}

describe('PgAuthState', () => {
  it('round-trips creds with their Buffers and Uint8Arrays intact', async () => {
    const id = await instanceId()
    const fresh = await PgAuthState.load(sql, id, silent)
    expect(fresh.hasAccount).toBe(false)
    const creds = initAuthCreds()
    Object.assign(fresh.creds, creds, { me: { id: '595981000111:2@s.whatsapp.net', name: 'X' }, routingInfo: Buffer.from([9, 8, 7]) })
    await fresh.saveCreds()
    const again = await PgAuthState.load(sql, id, silent)
    expect(again.hasAccount).toBe(true)
    expect(Buffer.isBuffer(again.creds.noiseKey.private)).toBe(true)
    expect(Buffer.from(again.creds.noiseKey.private).equals(Buffer.from(creds.noiseKey.private))).toBe(true)
    expect(Buffer.from(again.creds.signedPreKey.signature).equals(Buffer.from(creds.signedPreKey.signature))).toBe(true)
    expect(again.creds.routingInfo).toEqual(Buffer.from([9, 8, 7]))
    expect(again.creds.registrationId).toBe(creds.registrationId)
    expect(again.creds.advSecretKey).toBe(creds.advSecretKey)
  })

  it('stores every key type Baileys gives and reads it back; null deletes', async () => {
    const id = await instanceId()
    const auth = await PgAuthState.load(sql, id, silent)
    const preKey = { public: new Uint8Array([1, 2, 3]), private: Buffer.from([4, 5, 6]) }
    await auth.keys.set({
      'pre-key': { '1': preKey, '2': preKey },
      session: { '595981000111.0': new Uint8Array([7, 7, 7]) },
      'sender-key': { 'g@g.us::a::0': Buffer.from('sk') },
      'sender-key-memory': { 'g@g.us': { 'a@s.whatsapp.net': true } },
      'app-state-sync-key': { AAA: { keyData: Buffer.from([1, 1]), timestamp: 5 } },
      'app-state-sync-version': { regular: { version: 3, hash: Buffer.alloc(4, 2), indexValueMap: { m: { valueMac: Buffer.from([3]) } } } },
      'lid-mapping': { '595981000111': '123456789@lid' },
      'device-list': { '595981000111': ['0', '17'] },
      tctoken: { '595981000111@s.whatsapp.net': { token: Buffer.from([5, 5]), timestamp: '1700000000' } },
      'identity-key': { '595981000111.0': new Uint8Array([8]) },
    })
    const types = (await sql`select distinct type from upstream.baileys_auth where instance_id = ${id} order by type`).map((r) => r.type)
    expect(types).toEqual(['app-state-sync-key', 'app-state-sync-version', 'device-list', 'identity-key', 'lid-mapping', 'pre-key', 'sender-key', 'sender-key-memory', 'session', 'tctoken'])

    const pk = await auth.keys.get('pre-key', ['1', '2', 'missing'])
    expect(Object.keys(pk).sort()).toEqual(['1', '2'])
    expect(Buffer.from(pk['1']!.public)).toEqual(Buffer.from([1, 2, 3]))
    expect(Buffer.from(pk['1']!.private)).toEqual(Buffer.from([4, 5, 6]))
    expect(Buffer.from((await auth.keys.get('session', ['595981000111.0']))['595981000111.0']!)).toEqual(Buffer.from([7, 7, 7]))
    const appKey = (await auth.keys.get('app-state-sync-key', ['AAA'])).AAA!
    expect(appKey).toBeInstanceOf(proto.Message.AppStateSyncKeyData)
    expect(Buffer.from(appKey.keyData!)).toEqual(Buffer.from([1, 1]))
    const ver = (await auth.keys.get('app-state-sync-version', ['regular'])).regular!
    expect(ver.hash).toEqual(Buffer.alloc(4, 2))
    expect(Buffer.from(ver.indexValueMap.m!.valueMac)).toEqual(Buffer.from([3]))
    expect((await auth.keys.get('lid-mapping', ['595981000111']))['595981000111']).toBe('123456789@lid')
    expect((await auth.keys.get('device-list', ['595981000111']))['595981000111']).toEqual(['0', '17'])
    expect((await auth.keys.get('tctoken', ['595981000111@s.whatsapp.net']))['595981000111@s.whatsapp.net']!.token).toEqual(Buffer.from([5, 5]))
    expect((await auth.keys.get('sender-key-memory', ['g@g.us']))['g@g.us']).toEqual({ 'a@s.whatsapp.net': true })

    await auth.keys.set({ 'pre-key': { '1': null } })
    expect(Object.keys(await auth.keys.get('pre-key', ['1', '2']))).toEqual(['2'])
  })

  it('writes one keys.set call in one transaction (a failing row leaves none of the others)', async () => {
    const id = await instanceId()
    const auth = await PgAuthState.load(sql, id, silent)
    // Each row is plain JSON, so force a failure through a value Postgres rejects inside jsonb (\u0000).
    await expect(auth.keys.set({ 'pre-key': { ok: { public: Buffer.from([1]), private: Buffer.from([2]) } }, 'lid-mapping': { bad: 'x\u0000y' } })).rejects.toThrow()
    expect((await sql`select count(*)::int as n from upstream.baileys_auth where instance_id = ${id}`)[0]!.n).toBe(0)
    // The chain goes on after a failed write.
    await auth.keys.set({ 'lid-mapping': { good: '1@lid' } })
    expect((await auth.keys.get('lid-mapping', ['good'])).good).toBe('1@lid')
  })

  it('writes 812 pre-keys (a first login) in one call', async () => {
    const id = await instanceId()
    const auth = await PgAuthState.load(sql, id, silent)
    const batch: Record<string, { public: Buffer; private: Buffer }> = {}
    for (let i = 1; i <= 812; i++) batch[String(i)] = { public: Buffer.alloc(32, i % 256), private: Buffer.alloc(32, 1) }
    await auth.keys.set({ 'pre-key': batch })
    expect((await sql`select count(*)::int as n from upstream.baileys_auth where instance_id = ${id} and type = 'pre-key'`)[0]!.n).toBe(812)
    expect(Buffer.from((await auth.keys.get('pre-key', ['300']))['300']!.public)).toEqual(Buffer.alloc(32, 300 % 256))
  })

  it('wipe deletes creds and keys and starts from fresh creds', async () => {
    const id = await instanceId()
    const auth = await PgAuthState.load(sql, id, silent)
    auth.creds.me = { id: '595981000111@s.whatsapp.net' }
    await auth.saveCreds()
    await auth.keys.set({ session: { a: Buffer.from([1]) } })
    const oldRegistration = auth.creds.registrationId
    await auth.wipe()
    expect((await sql`select count(*)::int as n from upstream.baileys_auth where instance_id = ${id}`)[0]!.n).toBe(0)
    expect(auth.hasAccount).toBe(false)
    expect(auth.creds.registrationId).not.toBe(oldRegistration)
  })
})

describe('upstream restart', () => {
  it('an instance that was open reconnects from the stored creds without a QR', async () => {
    const sockets: FakeSocket[] = []
    const timers = new ManualTimers()
    const inject = {
      drivers: (ctx: { sql: Sql }) => ({
        driver: new BaileysDriver({ sql: ctx.sql, log: silent, timers, random: () => 0.5, ...RIG_DEFAULTS }, (p) => {
          const s = new FakeSocket(p)
          sockets.push(s)
          return s
        }),
        cloud: null,
      }),
    }
    const env = { UPSTREAM_DRIVER: 'real' }
    const first = await startUpstream(db, env, inject)
    try {
      await createInstance(first, 'boot-me')
      const connect = first.req('GET', '/instance/connect/boot-me')
      await waitFor(() => sockets.length === 1)
      await connect
      expect(sockets[0]!.params.creds.me).toBeUndefined() // a fresh instance shows a QR
      sockets[0]!.creds({ me: { id: '595981000777:4@s.whatsapp.net', name: 'Booted' }, registered: true })
      sockets[0]!.open({ id: '595981000777:4@s.whatsapp.net', name: 'Booted' })
      await waitFor(async () => (await first.req('GET', '/instance/fetchInstances?instanceName=boot-me')).body[0]?.connectionStatus === 'open')
      const row = (await first.req('GET', '/instance/fetchInstances?instanceName=boot-me')).body[0]
      expect(row).toMatchObject({ ownerJid: '595981000777@s.whatsapp.net', profileName: 'Booted' })
    } finally {
      await first.close()
    }
    const stored = await sql`select session from upstream.instances where name = 'boot-me'`
    expect(stored[0]!.session).toEqual({ paired: true, wuid: '595981000777@s.whatsapp.net' })

    const second = await startUpstream(db, env, inject)
    try {
      await waitFor(() => sockets.length === 2) // boot() reconnected it
      const sock = sockets[1]!
      expect(sock.params.creds.me?.id).toBe('595981000777:4@s.whatsapp.net')
      expect(Buffer.from(sock.params.creds.noiseKey.private).equals(Buffer.from(sockets[0]!.params.creds.noiseKey.private))).toBe(true)
      sock.open({ id: '595981000777:4@s.whatsapp.net', name: 'Booted' })
      await waitFor(async () => (await second.req('GET', '/instance/connectionState/boot-me')).body.instance?.state === 'open')
    } finally {
      await second.close()
    }
  })
})
