/**
 * @module tests/integration/message-log
 * The buffered message-log writer against real PostgreSQL: every queued row arrives exactly as given
 * (quotes, backslashes, braces, commas, the word NULL, newlines, emoji and real NULLs survive the
 * array parameters of the batch INSERT), long values are cut to their columns, a full batch is written
 * without waiting for the timer, and a duplicate scheduled recipient does not fail its batch.
 */
import { fileURLToPath } from 'node:url'
import { pino } from 'pino'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate } from '../../db/migrate.js'
import { MessageLogWriter, type MessageLogRow } from '../../gateway/src/services/message-log/message-log.js'
import { createTestDatabase, type TestDatabase } from '../support/db.js'

const MIGRATIONS = fileURLToPath(new URL('../../db/migrations', import.meta.url))

let db: TestDatabase
let sql: postgres.Sql
let userId = 0
const log = pino({ level: 'silent' })

type Stored = Omit<MessageLogRow, 'scheduled_message_id'> & { scheduled_message_id: number | null }

beforeAll(async () => {
  db = await createTestDatabase()
  sql = postgres(db.url, { max: 2, onnotice: () => undefined })
  await migrate(sql, { dir: MIGRATIONS, schema: 'taguato', lockKey: 727_001 })
  const [u] = await sql<{ id: number }[]>`
    insert into taguato.users (username, password_hash, api_token) values ('logger', 'x', md5(random()::text)) returning id`
  userId = u!.id
})

afterAll(async () => {
  await sql?.end()
  await db?.drop()
})

async function stored(instance: string): Promise<Stored[]> {
  return sql<Stored[]>`
    select user_id, instance_name, phone_number, message_type, status, error_message, wa_message_id, scheduled_message_id
    from taguato.message_logs where instance_name = ${instance} order by id`
}

describe('MessageLogWriter', () => {
  it('stores every row exactly as queued, in order, NULLs and awkward text included', async () => {
    const writer = new MessageLogWriter(sql, log, { flushMs: 60_000 })
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
    for (const r of rows) writer.add(r)
    expect(writer.pending()).toBe(rows.length)
    await writer.flush()
    expect(writer.pending()).toBe(0)
    expect(await stored('exact')).toEqual(rows.map((r) => ({ ...r, scheduled_message_id: null })))
  })

  it('cuts values longer than their columns instead of losing the batch', async () => {
    const writer = new MessageLogWriter(sql, log, { flushMs: 60_000 })
    writer.add({ user_id: userId, instance_name: 'long', phone_number: '9'.repeat(300), message_type: 'x'.repeat(40), status: 'sent', error_message: 'e'.repeat(10_000), wa_message_id: null })
    await writer.flush()
    const [row] = await stored('long')
    expect(row!.phone_number).toHaveLength(128)
    expect(row!.message_type).toHaveLength(20)
    expect(row!.error_message).toHaveLength(10_000)
  })

  it('writes a full batch at once, without waiting for the timer', async () => {
    const writer = new MessageLogWriter(sql, log, { flushMs: 60_000, maxBatch: 5 })
    for (let i = 0; i < 12; i++) {
      writer.add({ user_id: userId, instance_name: 'batched', phone_number: String(i), message_type: 'text', status: 'sent', error_message: null, wa_message_id: `W${i}` })
    }
    // Two full batches left at once; the last two rows wait for the timer (or flush).
    expect(writer.pending()).toBe(2)
    await writer.flush()
    // Batches may commit in any order (two pool connections): compare as sets.
    const ids = (await stored('batched')).map((r) => Number(r.wa_message_id!.slice(1)))
    expect(ids.sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i))
  })

  it('skips a duplicate scheduled recipient and keeps the rest of its batch', async () => {
    const [s] = await sql<{ id: number }[]>`
      insert into taguato.scheduled_messages (user_id, instance_name, message_content, recipients, scheduled_at)
      values (${userId}, 'sched', 'hi', '1,2', now()) returning id`
    const writer = new MessageLogWriter(sql, log, { flushMs: 60_000 })
    const row = (phone: string): MessageLogRow => ({
      user_id: userId, instance_name: 'sched', phone_number: phone, message_type: 'text', status: 'sent', error_message: null, wa_message_id: null, scheduled_message_id: s!.id,
    })
    writer.add(row('1'))
    writer.add(row('1'))
    writer.add(row('2'))
    await writer.flush()
    const rows = await stored('sched')
    expect(rows.map((r) => [r.phone_number, r.scheduled_message_id])).toEqual([['1', s!.id], ['2', s!.id]])
  })
})
