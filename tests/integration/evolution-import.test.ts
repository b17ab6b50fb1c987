/**
 * @module tests/integration/evolution-import
 * Linked phones (issue 32): the Evolution API v2 database the reference ran (its Prisma tables, from
 * tests/fixtures/evolution) holds a Baileys instance whose creds Baileys' own initAuthCreds() made,
 * stored as Evolution stores them (a JSON string of the BufferJSON text), with its signal keys in
 * Evolution's Redis hash. After `npm run import:reference -- --evolution-from ... --evolution-redis ...`
 * our upstream has the instance with the same token, settings and creds, and when it boots the scripted
 * Baileys socket (upstream/src/testing/fake-baileys.ts) is handed exactly those creds: it logs in, no
 * QR. An instance whose auth state cannot be read is imported disconnected and listed; a Cloud API one
 * keeps its token and phone number id; a webhook the outbound guard refuses is kept disabled.
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BufferJSON, initAuthCreds } from '@whiskeysockets/baileys'
import { Redis } from 'ioredis'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readOptions } from '../../scripts/import-reference/options.js'
import type { Report } from '../../scripts/import-reference/report.js'
import { runImport } from '../../scripts/import-reference/run.js'
import { createSql, type Sql } from '../../upstream/src/db/client.js'
import { BaileysDriver } from '../../upstream/src/driver/baileys/index.js'
import { PgAuthState } from '../../upstream/src/driver/baileys/auth-state.js'
import { FakeSocket, ManualTimers, RIG_DEFAULTS, silent } from '../../upstream/src/testing/fake-baileys.js'
import { startUpstream, waitFor } from '../../upstream/src/testing/upstream-harness.js'
import { createTestDatabase, type TestDatabase } from '../support/db.js'
import { createReferenceDatabase, fingerprint } from '../support/reference-db.js'

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const EVOLUTION_SCHEMA = fileURLToPath(new URL('../fixtures/evolution/schema.sql', import.meta.url))
const ME = { id: '595981000777:4@s.whatsapp.net', name: 'Alice Shop' }

let target: TestDatabase
let evolution: TestDatabase
let redis: Redis
let sql: Sql
let report: Report
const prefix = `evotest${randomBytes(4).toString('hex')}`
const creds = Object.assign(initAuthCreds(), { me: ME, registered: true })
const preKey = { public: Buffer.from(randomBytes(32)), private: Buffer.from(randomBytes(32)) }

const importArgs = async (): Promise<string[]> => [
  '--evolution-from', evolution.url, '--evolution-redis', REDIS_URL, '--evolution-redis-prefix', prefix,
  '--backup-dir', await mkdtemp(join(tmpdir(), 'taguato-evo-')),
]
async function runIt(): Promise<Report> {
  const o = readOptions(await importArgs(), { DATABASE_URL: target.url, OUTBOUND_ALLOWED_HOSTS: '' })
  if (o === 'help') throw new Error('help')
  return runImport(o, () => undefined)
}

beforeAll(async () => {
  target = await createReferenceDatabase()
  evolution = await createTestDatabase('evolution_test')
  const evo = postgres(evolution.url, { max: 1, onnotice: () => undefined })
  await evo.unsafe(await readFile(EVOLUTION_SCHEMA, 'utf8'))
  // As Evolution's Prisma auth store writes it: JSON.stringify of the BufferJSON text.
  const stored = JSON.stringify(JSON.stringify(creds, BufferJSON.replacer))
  await evo`insert into "Instance" (id, name, "connectionStatus", "ownerJid", "profileName", integration, number, "businessId", token, "createdAt") values
    ('cm0alice', 'alice-shop', 'open', '595981000777@s.whatsapp.net', 'Alice Shop', 'WHATSAPP-BAILEYS', null, null, 'ALICE-SHOP-TOKEN', '2024-11-03 09:30:00'),
    ('cm0bob', 'bob-main', 'close', null, null, 'WHATSAPP-BAILEYS', null, null, 'BOB-TOKEN', '2024-11-04 11:05:00'),
    ('cm0cloud', 'alice-support', 'open', null, null, 'WHATSAPP-BUSINESS', '105550001234', 'WABA-1', 'EAAG-meta-access-token', '2024-11-03 09:31:00'),
    ('cm0orphan', 'orphan-1', 'close', null, null, 'WHATSAPP-BAILEYS', null, null, 'ORPHAN-TOKEN', '2024-11-05 09:00:00')`
  await evo`insert into "Session" (id, "sessionId", creds) values ('s1', 'cm0alice', ${stored}), ('s2', 'cm0bob', '{"noiseKey":{}}')`
  await evo`insert into "Setting" (id, "rejectCall", "msgCall", "alwaysOnline", "updatedAt", "instanceId") values ('st1', true, 'ocupado', true, now(), 'cm0alice')`
  await evo`insert into "Webhook" (id, url, enabled, events, "updatedAt", "instanceId") values
    ('w1', 'http://10.1.2.3/hook', true, '["MESSAGES_UPSERT"]', now(), 'cm0alice'),
    ('w2', 'https://hooks.example.com/evolution', true, '[]', now(), 'cm0cloud')`
  await evo.end()

  redis = new Redis(REDIS_URL)
  await redis.hset(`${prefix}:instance:cm0alice`, {
    'pre-key-1': JSON.stringify(preKey, BufferJSON.replacer),
    'session-595981000999.0': JSON.stringify(Buffer.from([7, 7, 7]), BufferJSON.replacer),
    'lid-mapping-595981000999': JSON.stringify('123456789@lid'),
    'not-a-key-type': 'x',
  })
  report = await runIt()
  sql = createSql(target.url, 4)
})

afterAll(async () => {
  await redis?.del(`${prefix}:instance:cm0alice`)
  redis?.disconnect()
  await sql?.end({ timeout: 5 })
  await target?.drop()
  await evolution?.drop()
})

const instance = async (name: string) => (await sql<Record<string, any>[]>`select * from upstream.instances where name = ${name}`)[0]

describe('Evolution instances in our upstream', () => {
  it('are all imported, and the ones to act on are listed', () => {
    const t = report.tables['upstream.instances (Evolution)']!
    expect([t.read, t.imported, t.present]).toEqual([4, 4, 0])
    const notes = t.notes.join('\n')
    expect(notes).toContain('instance "bob-main" imported disconnected: stored auth state is incomplete')
    expect(notes).toContain('instance "orphan-1" imported disconnected: no stored auth state')
    expect(notes).toContain('instance "alice-shop": its Evolution webhook http://10.1.2.3/hook is kept disabled')
    expect(notes).toContain('instance "orphan-1" has no owner in the gateway')
    expect(notes).toContain('instance "admin-ops" is owned in the gateway but absent from Evolution')
    expect(notes).toContain('"alice-shop": 1 Redis key field(s) could not be read')
    expect(t.adjusted['linked phone kept: creds and its signal keys']).toBe(1)
  })

  it('keep token, state, identity, settings; the refused webhook is disabled', async () => {
    const shop = await instance('alice-shop')
    expect(shop).toMatchObject({
      integration: 'WHATSAPP-BAILEYS', token: 'ALICE-SHOP-TOKEN', connectionStatus: 'open', ownerJid: '595981000777@s.whatsapp.net',
      profileName: 'Alice Shop', session: { paired: true, wuid: '595981000777@s.whatsapp.net' },
    })
    expect(shop!.createdAt.toISOString()).toBe('2024-11-03T09:30:00.000Z')
    const [settings] = await sql`select * from upstream.settings where instance_id = ${shop!.id}`
    expect(settings).toMatchObject({ id: 'st1', rejectCall: true, msgCall: 'ocupado', alwaysOnline: true, readMessages: false })
    const [hook] = await sql`select url, enabled, events from upstream.webhooks where instance_id = ${shop!.id}`
    expect(hook).toEqual({ url: 'http://10.1.2.3/hook', enabled: false, events: ['MESSAGES_UPSERT'] })
    expect(await instance('bob-main')).toMatchObject({ connectionStatus: 'close', session: null, token: 'BOB-TOKEN' })
  })

  it('a Cloud API instance keeps its access token and phone number id; the gateway knows its integration', async () => {
    const cloud = await instance('alice-support')
    expect(cloud).toMatchObject({ integration: 'WHATSAPP-BUSINESS', token: 'EAAG-meta-access-token', number: '105550001234', businessId: 'WABA-1', connectionStatus: 'open' })
    const [hook] = await sql`select url, enabled from upstream.webhooks where instance_id = ${cloud!.id}`
    expect(hook).toEqual({ url: 'https://hooks.example.com/evolution', enabled: true })
    const [owned] = await sql`select integration from taguato.user_instances where instance_name = 'alice-support'`
    expect(owned).toEqual({ integration: 'WHATSAPP-BUSINESS' })
  })

  it('the stored creds and keys are the ones Baileys generated', async () => {
    const shop = await instance('alice-shop')
    const auth = await PgAuthState.load(sql, shop!.id, silent)
    expect(auth.hasAccount).toBe(true)
    expect(Buffer.from(auth.creds.noiseKey.private).equals(Buffer.from(creds.noiseKey.private))).toBe(true)
    expect(Buffer.from(auth.creds.signedIdentityKey.public).equals(Buffer.from(creds.signedIdentityKey.public))).toBe(true)
    expect(auth.creds.registrationId).toBe(creds.registrationId)
    const pk = (await auth.keys.get('pre-key', ['1']))['1']!
    expect(Buffer.from(pk.private).equals(preKey.private)).toBe(true)
    expect(Buffer.from((await auth.keys.get('session', ['595981000999.0']))['595981000999.0']!)).toEqual(Buffer.from([7, 7, 7]))
    expect((await auth.keys.get('lid-mapping', ['595981000999']))['595981000999']).toBe('123456789@lid')
  })

  it('our upstream reconnects it at boot with those creds: the socket logs in, no QR', async () => {
    const sockets: FakeSocket[] = []
    const timers = new ManualTimers()
    const up = await startUpstream(target, { UPSTREAM_DRIVER: 'real', LOG_LEVEL: process.env.DEBUG_EVO ? 'debug' : 'silent' }, {
      drivers: (ctx: { sql: Sql }) => ({
        driver: new BaileysDriver({ sql: ctx.sql, log: silent, timers, random: () => 0.5, ...RIG_DEFAULTS }, (p) => {
          const s = new FakeSocket(p)
          sockets.push(s)
          return s
        }),
        cloud: null,
      }),
    })
    try {
      // The injected driver takes every open instance (the Cloud API one too, with fresh creds): find ours.
      const sock = await waitFor(() => sockets.find((s) => s.params.creds.me?.id === ME.id))
      const given = sock.params.creds
      expect(Buffer.from(given.noiseKey.private).equals(Buffer.from(creds.noiseKey.private))).toBe(true)
      expect(Buffer.from(given.signedPreKey.signature).equals(Buffer.from(creds.signedPreKey.signature))).toBe(true)
      sock.open(ME)
      await waitFor(async () => (await up.req('GET', '/instance/connectionState/alice-shop')).body.instance?.state === 'open')
      const listed = (await up.req('GET', '/instance/fetchInstances?instanceName=alice-shop')).body[0]
      expect(listed).toMatchObject({ name: 'alice-shop', token: 'ALICE-SHOP-TOKEN', ownerJid: '595981000777@s.whatsapp.net' })
    } finally {
      await up.close()
    }
  })

  it('a second run leaves every instance as our upstream has it now', async () => {
    const before = await fingerprint(target.url, ['taguato', 'upstream'])
    const again = await runIt()
    const t = again.tables['upstream.instances (Evolution)']!
    expect([t.read, t.imported, t.present]).toEqual([4, 0, 4])
    expect(await fingerprint(target.url, ['taguato', 'upstream'])).toEqual(before)
  })
})
