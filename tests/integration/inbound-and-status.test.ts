/**
 * @module tests/integration/inbound-and-status
 * Against real PostgreSQL: inbound messages are stored once per (instance, key) whatever delivers them
 * twice, weird text (NUL) never fails the insert, and the list shows exactly the instances a user may
 * use (own + granted; admins all) with its filters. DeliveryStatus keeps a failed status's reason as
 * error_message. The scheduled sender retries Meta throttling answers of a loopback fake upstream
 * with growing waits and fails other Meta errors at once.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { pino } from 'pino'
import type postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate } from '../../db/migrate.js'
import { createDb } from '../../gateway/src/db/client.js'
import { listInbound } from '../../gateway/src/db/queries/inbound-messages.js'
import { InboundRecorder } from '../../gateway/src/services/inbound/index.js'
import { sendWithRetry } from '../../gateway/src/services/scheduled/sender.js'
import { UpstreamClient } from '../../gateway/src/services/upstream-client/upstream-client.js'
import { DeliveryStatus, statusUpdateFrom } from '../../gateway/src/services/webhooks/delivery-status.js'
import { createTestDatabase, type TestDatabase } from '../support/db.js'

const MIGRATIONS = fileURLToPath(new URL('../../db/migrations', import.meta.url))
const log = pino({ level: 'silent' })

let db: TestDatabase
let sql: postgres.Sql
const users: Record<'owner' | 'grantee' | 'stranger', number> = { owner: 0, grantee: 0, stranger: 0 }

const upsert = (instance: string, id: string, number: string, text: string, ts: number) => ({
  event: 'messages.upsert',
  instance,
  data: { key: { remoteJid: `${number}@s.whatsapp.net`, fromMe: false, id }, pushName: `Contact ${number}`, message: { conversation: text }, messageType: 'conversation', messageTimestamp: ts },
})

beforeAll(async () => {
  db = await createTestDatabase()
  sql = createDb(db.url, 4) // the gateway's own pool settings (int8 ids as numbers, UTC)
  await migrate(sql, { dir: MIGRATIONS, schema: 'taguato', lockKey: 727_001 })
  for (const name of Object.keys(users) as (keyof typeof users)[]) {
    const [u] = await sql<{ id: number }[]>`insert into taguato.users (username, password_hash, api_token) values (${name}, 'x', md5(random()::text)) returning id`
    users[name] = u!.id
  }
  await sql`insert into taguato.user_instances (user_id, instance_name) values (${users.owner}, 'shop'), (${users.owner}, 'shared')`
  await sql`insert into taguato.instance_permissions (instance_name, grantee_user_id) values ('shared', ${users.grantee})`
})

afterAll(async () => {
  await sql?.end()
  await db?.drop()
})

describe('inbound messages', () => {
  const t0 = Math.floor(Date.parse('2026-11-30T10:00:00Z') / 1000)

  it('stores each (instance, key) once, even when both webhooks deliver it at the same time', async () => {
    const rec = new InboundRecorder(sql, log)
    const env = upsert('shop', 'K1', '595981000001', 'hola', t0)
    const stored = await Promise.all([rec.record('shop', env), rec.record('shop', env), rec.record('shop', env)])
    expect(stored.reduce((a, b) => a + b, 0)).toBe(1)
    expect(await rec.record('shared', upsert('shared', 'K1', '595981000001', 'same key, other instance', t0))).toBe(1)
    const [count] = await sql<{ n: number }[]>`select count(*) as n from taguato.inbound_messages`
    expect(count?.n).toBe(2)
  })

  it('never fails on text PostgreSQL cannot hold, and ignores what is not inbound', async () => {
    const rec = new InboundRecorder(sql, log)
    expect(await rec.record('shop', upsert('shop', 'K2', '595981000002', 'nul\u0000here 🚀', t0 + 60))).toBe(1)
    const [row] = await sql<{ text: string }[]>`select text from taguato.inbound_messages where key_id = 'K2'`
    expect(row!.text).toBe('nulhere 🚀')
    expect(await rec.record('shop', { event: 'messages.update', data: { keyId: 'K3', status: 'READ' } })).toBe(0)
    expect(await rec.record('shop', { event: 'messages.upsert', data: { key: { remoteJid: 'status@broadcast', fromMe: false, id: 'K4' } } })).toBe(0)
  })

  it('lists what each user may see, newest first, with filters', async () => {
    const rec = new InboundRecorder(sql, log)
    await rec.record('shared', upsert('shared', 'K5', '595982000005', 'later', t0 + 86_400))
    await rec.record('elsewhere', upsert('elsewhere', 'K6', '595983000006', 'unknown instance', t0))
    const page = (userId: number, all: boolean, f: Partial<Parameters<typeof listInbound>[2]> = {}) =>
      listInbound(sql, { userId, all }, { instance: null, number: null, from: null, before: null, ...f }, 50, 0)
    const keys = async (p: ReturnType<typeof page>) => (await p).rows.map((r) => `${r.instance_name}/${r.key_id}`)

    expect(await keys(page(users.owner, false))).toEqual(['shared/K5', 'shop/K2', 'shared/K1', 'shop/K1'])
    expect(await keys(page(users.grantee, false))).toEqual(['shared/K5', 'shared/K1'])
    expect(await keys(page(users.stranger, false))).toEqual([])
    expect((await page(users.stranger, true)).total).toBe(5)
    expect(await keys(page(users.owner, false, { instance: 'shop' }))).toEqual(['shop/K2', 'shop/K1'])
    expect(await keys(page(users.owner, false, { number: '982' }))).toEqual(['shared/K5'])
    expect(await keys(page(users.owner, false, { from: new Date((t0 + 30) * 1000), before: new Date((t0 + 3600) * 1000) }))).toEqual(['shop/K2'])
    const [first] = (await page(users.owner, false, { instance: 'shared' })).rows
    expect(first).toEqual({
      id: expect.any(Number), instance_name: 'shared', key_id: 'K5', remote_jid: '595982000005@s.whatsapp.net', from_number: '595982000005',
      push_name: 'Contact 595982000005', message_type: 'conversation', text: 'later', received_at: new Date((t0 + 86_400) * 1000),
    })
  })
})

describe('DeliveryStatus with a failure reason', () => {
  it('stores the reason of a failed status as error_message, and only then', async () => {
    await sql`insert into taguato.message_logs (user_id, instance_name, phone_number, status, wa_message_id, error_message)
      values (${users.owner}, 'shop', '595981000001', 'sent', 'W1', null), (${users.owner}, 'shop', '595981000002', 'sent', 'W2', null),
             (${users.owner}, 'shop', '595981000003', 'read', 'W3', null)`
    const ds = new DeliveryStatus(sql, log)
    const failed = (id: string, error?: unknown) => ({ event: 'messages.update', data: { keyId: id, status: 'ERROR', ...(error ? { error } : {}) } })
    /** handle() works in the background: poll (generously) until the row shows the status. */
    const handled = async (env: Record<string, unknown>, id: string) => {
      ds.handle(env)
      for (let i = 0; i < 100; i++) {
        const [row] = await sql<{ status: string }[]>`select status from taguato.message_logs where wa_message_id = ${id}`
        if (row?.status === 'failed') return
        await new Promise((r) => setTimeout(r, 50))
      }
    }
    await handled(failed('W1', { code: 131026, message: 'Message undeliverable' }), 'W1')
    await handled(failed('W2'), 'W2')
    // read never moves to failed, so nothing to wait for: apply the same update directly
    expect(await ds.apply(statusUpdateFrom(failed('W3', { code: 131047, message: 'too late' }))!)).toBe(0)
    const rows = await sql<{ wa_message_id: string; status: string; error_message: string | null }[]>`
      select wa_message_id, status, error_message from taguato.message_logs where wa_message_id in ('W1', 'W2', 'W3') order by wa_message_id`
    expect(rows.map((r) => [r.wa_message_id, r.status, r.error_message])).toEqual([
      ['W1', 'failed', 'error 131026: Message undeliverable'],
      ['W2', 'failed', null],
      ['W3', 'read', null],
    ])
  })
})

describe('scheduled sender and Meta errors (loopback fake upstream)', () => {
  let server: Server
  let client: UpstreamClient
  let answers: { status: number; body: unknown }[] = []
  let hits = 0
  const meta = (code: number) => ({ status: 400, body: { status: 400, error: 'Bad Request', response: { message: [`Meta error ${code}: slow down`], metaError: { code, error_subcode: null, type: 'OAuthException', message: 'slow down', fbtrace_id: 'F1' } } } })
  const ok = { status: 201, body: { key: { id: 'WAOK1', remoteJid: '595981000001@s.whatsapp.net', fromMe: true } } }
  const policy = { transientAttempts: 3, transientDelayMs: 1, metaAttempts: 4, metaDelayMs: 100, maxDelayMs: 250 }

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume()
      req.on('end', () => {
        const a = answers[Math.min(hits++, answers.length - 1)]!
        res.writeHead(a.status, { 'content-type': 'application/json' }).end(JSON.stringify(a.body))
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    client = new UpstreamClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, apiKey: 'k'.repeat(16), timeoutMs: 5000, connectTimeoutMs: 1000 })
  })
  afterAll(async () => {
    await client?.close()
    await new Promise((r) => server?.close(r))
  })

  const send = async (script: { status: number; body: unknown }[]) => {
    answers = script
    hits = 0
    const slept: number[] = []
    const attempts: number[] = []
    const r = await sendWithRetry(client, 'cloud', 'text', 'hi', '595981000001', {
      policy,
      sleep: async (ms) => void slept.push(ms),
      beforeAttempt: async (n) => void attempts.push(n),
    })
    return { r, slept, attempts, hits }
  }

  it('retries 130429 and 131056 with doubling waits, then succeeds', async () => {
    const { r, slept, attempts, hits } = await send([meta(130429), meta(131056), ok])
    expect(r).toEqual({ ok: true, error: null, waMessageId: 'WAOK1' })
    expect([slept, attempts, hits]).toEqual([[100, 200], [1, 2, 3], 3])
  })

  it('gives up after SCHEDULED_META_RETRY_ATTEMPTS, the waits capped', async () => {
    const { r, slept, hits } = await send([meta(130429)])
    expect(r.ok).toBe(false)
    expect(r.error).toBe('status 400: ["Meta error 130429: slow down"] (after 4 attempts)')
    expect([slept, hits]).toEqual([[100, 200, 250], 4])
  })

  it('fails any other Meta error at once', async () => {
    const { r, slept, hits } = await send([meta(131026), ok])
    expect(r).toEqual({ ok: false, error: 'status 400: ["Meta error 131026: slow down"]', waMessageId: null })
    expect([slept, hits]).toEqual([[], 1])
  })
})
