/**
 * @module tests/integration/message-log
 * The durable message-log writer against real PostgreSQL and Redis (issue 31): every row arrives exactly
 * as given (quotes, backslashes, braces, commas, the word NULL, newlines, emoji and real NULLs survive the
 * array parameters of the batch INSERT), in order, long values cut to their columns; a row added by a
 * process that then dies (writer discarded, never flushed) is written by the next writer; while
 * PostgreSQL refuses, rows wait in the buffer and are flushed once, in order, when it is back; a replayed
 * batch (flusher died after the commit) is written once; the near-full alert fires and a full buffer
 * says so; with Redis down rows go to the local journal and a later writer replays them; a stalled
 * Redis does not hold the send (journaled after a short wait, written once).
 */
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import { pino } from 'pino'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate } from '../../db/migrate.js'
import type { AlertEvent } from '../../gateway/src/services/alerts/payload.js'
import { MessageLogWriter, type MessageLogOptions, type MessageLogRow } from '../../gateway/src/services/message-log/message-log.js'
import { createTestDatabase, type TestDatabase } from '../support/db.js'

const MIGRATIONS = fileURLToPath(new URL('../../db/migrations', import.meta.url))

let db: TestDatabase
let sql: postgres.Sql
let redis: Redis
let userId = 0
const log = pino({ level: 'silent' })
const prefixes: string[] = []
const writers: MessageLogWriter[] = []

type Stored = Pick<MessageLogRow, 'user_id' | 'instance_name' | 'phone_number' | 'message_type' | 'status' | 'error_message' | 'wa_message_id'> & {
  scheduled_message_id: number | null
}

beforeAll(async () => {
  db = await createTestDatabase()
  sql = postgres(db.url, { max: 2, onnotice: () => undefined })
  await migrate(sql, { dir: MIGRATIONS, schema: 'taguato', lockKey: 727_001 })
  const [u] = await sql<{ id: number }[]>`
    insert into taguato.users (username, password_hash, api_token) values ('logger', 'x', md5(random()::text)) returning id`
  userId = u!.id
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
  await redis.ping()
})

afterAll(async () => {
  for (const w of writers) w.stop()
  for (const p of prefixes) await redis.del(`${p}:rows`, `${p}:flusher`)
  redis?.disconnect()
  await sql?.end()
  await db?.drop()
})

/** A writer on a private Redis list (shared by writers given the same prefix), no background timer. */
function writer(prefix: string, o: Partial<MessageLogOptions> & { db?: postgres.Sql } = {}): MessageLogWriter {
  if (!prefixes.includes(prefix)) prefixes.push(prefix)
  const w = new MessageLogWriter(o.db ?? sql, log, { redis, redisPrefix: prefix, autoFlush: false, ...o })
  writers.push(w)
  return w
}

const row = (instance: string, i: number, extra: Partial<MessageLogRow> = {}): MessageLogRow => ({
  user_id: userId, instance_name: instance, phone_number: `5959810000${i}`, message_type: 'text', status: 'sent', error_message: null, wa_message_id: `W${i}`, ...extra,
})

async function stored(instance: string): Promise<Stored[]> {
  return sql<Stored[]>`
    select user_id, instance_name, phone_number, message_type, status, error_message, wa_message_id, scheduled_message_id
    from taguato.message_logs where instance_name = ${instance} order by id`
}

/** A pool to a port nothing listens on: PostgreSQL "down". */
const deadPg = () => postgres('postgres://postgres@127.0.0.1:1/none', { max: 1, connect_timeout: 1, onnotice: () => undefined })

describe('MessageLogWriter', () => {
  it('stores every row exactly as added, in order, NULLs and awkward text included', async () => {
    const w = writer(`test:mlog:${randomUUID()}`)
    const awkward = ['plain', 'with "quotes"', 'back\\slash', '{braces},commas', 'NULL', '', 'line\nbreak', 'emoji 🚀 ñ', "it's"]
    const rows: MessageLogRow[] = awkward.map((text, i) => ({
      user_id: userId,
      instance_name: 'exact',
      phone_number: `59598100000${i}`,
      message_type: i % 2 ? 'image' : 'text',
      status: i % 3 ? 'sent' : 'failed',
      error_message: i % 3 ? null : text,
      wa_message_id: i % 3 ? text : null,
    }))
    const expected = rows.map((r) => ({ ...r, scheduled_message_id: null }))
    for (const r of rows) await w.add(r)
    expect(await w.pending()).toBe(rows.length)
    await w.flush()
    expect(await w.pending()).toBe(0)
    expect(await stored('exact')).toEqual(expected)
  })

  it('cuts values longer than their columns instead of losing the batch', async () => {
    const w = writer(`test:mlog:${randomUUID()}`)
    await w.add({ user_id: userId, instance_name: 'long', phone_number: '9'.repeat(300), message_type: 'x'.repeat(40), status: 'sent', error_message: 'e'.repeat(10_000), wa_message_id: null })
    await w.flush()
    const [r] = await stored('long')
    expect(r!.phone_number).toHaveLength(128)
    expect(r!.message_type).toHaveLength(20)
    expect(r!.error_message).toHaveLength(10_000)
  })

  it('keeps the send time of a row however late it reaches the table', async () => {
    const w = writer(`test:mlog:${randomUUID()}`)
    const r = row('timed', 1)
    await w.add(r)
    await new Promise((res) => setTimeout(res, 300))
    await w.flush()
    const [t] = await sql<{ created_at: Date }[]>`select created_at from taguato.message_logs where instance_name = 'timed'`
    expect(t!.created_at.toISOString()).toBe(new Date(r.created_at!).toISOString())
  })

  it('a row added by a process that then dies (never flushed) is written by the next writer, once', async () => {
    const prefix = `test:mlog:${randomUUID()}`
    const dying = writer(prefix)
    for (let i = 0; i < 5; i++) await dying.add(row('died', i))
    dying.stop() // "kill -9": the writer is dropped without flush
    expect(await stored('died')).toEqual([])
    const next = writer(prefix)
    await next.flush()
    await next.flush()
    expect((await stored('died')).map((r) => r.wa_message_id)).toEqual(['W0', 'W1', 'W2', 'W3', 'W4'])
  })

  it('while PostgreSQL refuses, rows wait in the buffer; once it is back they are written once, in order', async () => {
    const prefix = `test:mlog:${randomUUID()}`
    const down = deadPg()
    const w = writer(prefix, { db: down })
    for (let i = 0; i < 30; i++) await w.add(row('outage', i))
    await w.flush()
    expect(await w.pending()).toBe(30)
    expect(await stored('outage')).toEqual([])
    await down.end({ timeout: 0 })
    // PostgreSQL is back (any writer, here a new process's).
    const back = writer(prefix, { maxBatch: 7 })
    await back.flush()
    await back.flush()
    expect(await back.pending()).toBe(0)
    expect((await stored('outage')).map((r) => r.wa_message_id)).toEqual(Array.from({ length: 30 }, (_, i) => `W${i}`))
  })

  it('a batch replayed after its commit (the flusher died before trimming) is written once', async () => {
    const prefix = `test:mlog:${randomUUID()}`
    const w = writer(prefix)
    for (let i = 0; i < 4; i++) await w.add(row('replay', i))
    const lines = await redis.lrange(`${prefix}:rows`, 0, -1)
    await w.flush()
    await redis.rpush(`${prefix}:rows`, ...lines)
    await writer(prefix).flush()
    expect((await stored('replay')).map((r) => r.wa_message_id)).toEqual(['W0', 'W1', 'W2', 'W3'])
    expect(await redis.llen(`${prefix}:rows`)).toBe(0)
  })

  it('alerts once when the buffer is near full, and says when it is full', async () => {
    const prefix = `test:mlog:${randomUUID()}`
    const alerts: AlertEvent[] = []
    const down = deadPg()
    const w = writer(prefix, { db: down, bufferMax: 10, alerts: { notify: async (e) => void alerts.push(e) } })
    for (let i = 0; i < 7; i++) await w.add(row('full', i))
    expect(alerts).toEqual([])
    await w.add(row('full', 7))
    await w.add(row('full', 8))
    expect(alerts).toHaveLength(1)
    expect(alerts[0]).toMatchObject({ kind: 'service_down', service: 'message log buffer' })
    expect(w.full()).toBe(false)
    await w.add(row('full', 9))
    expect(w.full()).toBe(true)
    await down.end({ timeout: 0 })
    await writer(prefix).flush()
    expect(await stored('full')).toHaveLength(10)
    await w.pending()
    expect(w.full()).toBe(false)
  })

  it('with Redis down, rows go to the local journal and a later writer replays them once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlog-journal-'))
    const deadRedis = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null })
    try {
      const w = new MessageLogWriter(sql, log, { redis: deadRedis, journalDir: dir, autoFlush: false })
      for (let i = 0; i < 3; i++) await w.add(row('journaled', i))
      expect(await w.pending()).toBe(3)
      expect(readdirSync(dir)).toEqual([`journal-${process.pid}.jsonl`])
      w.stop() // dies
      const prefix = `test:mlog:${randomUUID()}`
      const next = writer(prefix, { journalDir: dir })
      await next.flush()
      await next.flush()
      expect((await stored('journaled')).map((r) => r.wa_message_id)).toEqual(['W0', 'W1', 'W2'])
      expect(readdirSync(dir)).toEqual([])
    } finally {
      deadRedis.disconnect()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('a stalled Redis does not hold the send: the row is journaled, and written once even if Redis takes it too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlog-stall-'))
    const prefix = `test:mlog:${randomUUID()}`
    try {
      const w = writer(prefix, { journalDir: dir, pushTimeoutMs: 100 })
      await redis.call('CLIENT', 'PAUSE', '700', 'WRITE')
      const started = Date.now()
      await w.add(row('stalled', 0))
      expect(Date.now() - started).toBeLessThan(600)
      expect(readdirSync(dir)).toEqual([`journal-${process.pid}.jsonl`])
      await new Promise((r) => setTimeout(r, 800))
      expect(await redis.llen(`${prefix}:rows`)).toBe(1) // Redis took it after all
      await w.flush()
      await w.flush()
      expect((await stored('stalled')).map((r) => r.wa_message_id)).toEqual(['W0'])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('a row PostgreSQL can never take (its user is gone) is skipped, not holding the queue back', async () => {
    const prefix = `test:mlog:${randomUUID()}`
    const w = writer(prefix)
    await w.add(row('poison', 0))
    await w.add(row('poison', 1, { user_id: 987_654_321 }))
    await w.add(row('poison', 2))
    await w.flush()
    expect((await stored('poison')).map((r) => r.wa_message_id)).toEqual(['W0', 'W2'])
    expect(await redis.llen(`${prefix}:rows`)).toBe(0)
  })

  it('skips a duplicate scheduled recipient and keeps the rest of its batch', async () => {
    const [s] = await sql<{ id: number }[]>`
      insert into taguato.scheduled_messages (user_id, instance_name, message_content, recipients, scheduled_at)
      values (${userId}, 'sched', 'hi', '1,2', now()) returning id`
    const w = writer(`test:mlog:${randomUUID()}`)
    const r = (phone: string): MessageLogRow => ({
      user_id: userId, instance_name: 'sched', phone_number: phone, message_type: 'text', status: 'sent', error_message: null, wa_message_id: null, scheduled_message_id: s!.id,
    })
    await w.add(r('1'))
    await w.add(r('1'))
    await w.add(r('2'))
    await w.flush()
    const rows = await stored('sched')
    expect(rows.map((x) => [x.phone_number, x.scheduled_message_id])).toEqual([['1', s!.id], ['2', s!.id]])
  })
})
