// MESSAGE_RETENTION_DAYS: the cleanup job deletes messages older than the retention (by WhatsApp time)
// with their status rows, and status rows written before it; it is armed by startDeps and stopped on close.
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestDatabase } from '../../../tests/support/db.js'
import { openInstance, startUpstream, waitFor, withDb, type Upstream } from '../testing/upstream-harness.js'
import { RetentionJob } from './retention.js'

const silent = pino({ level: 'silent' })
let db: TestDatabase
let up: Upstream

beforeAll(async () => {
  db = await withDb()
  up = await startUpstream(db, { MESSAGE_RETENTION_DAYS: '30' })
  await openInstance(up, 'r1')
})
afterAll(async () => {
  await up?.close()
  await db?.drop()
})

const count = async (table: 'messages' | 'message_updates') => Number((await up.deps.sql`select count(*)::int as n from ${up.deps.sql(`upstream.${table}`)}`)[0]!.n)

describe('retention', () => {
  it('is armed by startDeps when the setting is not 0, and never when it is 0', async () => {
    expect(up.deps.retention.active).toBe(true)
    const off = new RetentionJob(up.deps.sql, { days: 0 }, silent)
    off.start()
    expect(off.active).toBe(false)
    expect(await off.runOnce()).toEqual({ messages: 0, updates: 0 })
  })

  it('deletes messages older than the retention (in batches) with their status rows, and old status rows; keeps the rest', async () => {
    // 20 history messages from 2023, plus one live message and one send from now.
    await up.req('POST', '/sandbox/instances/r1/history', { body: { chats: 2, messagesPerChat: 10 } })
    await up.req('POST', '/sandbox/instances/r1/inbound', { body: { number: '595981777001', text: 'today' } })
    const sent = await up.req('POST', '/message/sendText/r1', { body: { number: '595981777001', text: 'reply' } })
    for (const status of ['SERVER_ACK', 'DELIVERY_ACK']) await up.req('POST', `/sandbox/messages/${sent.body.key.id}/ack`, { body: { status } })
    // One old message carries a status row; one recent status row is backdated past the retention.
    const [old] = await up.deps.sql`select id, key_id from upstream.messages where origin = 'history' limit 1`
    await up.deps.sql`insert into upstream.message_updates (instance_id, message_id, key_id, remote_jid, from_me, status)
                      select instance_id, id, key_id, remote_jid, from_me, 'READ' from upstream.messages where id = ${old!.id}`
    await up.deps.sql`update upstream.message_updates set created_at = now() - interval '31 days'
                       where seq = (select min(seq) from upstream.message_updates where key_id = ${sent.body.key.id})`
    expect([await count('messages'), await count('message_updates')]).toEqual([22, 3])

    const job = new RetentionJob(up.deps.sql, { days: 30, batch: 7 }, silent)
    expect(await job.runOnce()).toEqual({ messages: 20, updates: 1 })
    const left = await up.deps.sql`select origin from upstream.messages order by seq`
    expect(left.map((r) => r.origin)).toEqual(['live', 'send'])
    expect((await up.deps.sql`select status from upstream.message_updates order by seq`).map((r) => r.status)).toEqual(['DELIVERY_ACK'])
    // Chats and contacts stay: they are small and still true.
    expect((await up.req('POST', '/chat/findChats/r1', { body: {} })).body).toHaveLength(3)
    expect(await job.runOnce()).toEqual({ messages: 0, updates: 0 })
  })

  it('its timer runs the job, then again every interval, until stopped', async () => {
    const job = new RetentionJob(up.deps.sql, { days: 30, firstRunMs: 5, intervalMs: 5 }, silent)
    job.start()
    await up.req('POST', '/sandbox/instances/r1/history', { body: { chats: 1, messagesPerChat: 3 } })
    await waitFor(async () => (await up.deps.sql`select 1 from upstream.messages where origin = 'history'`).length === 0)
    await job.stop()
    expect(job.active).toBe(false)
  })

  it('closeDeps stops it', async () => {
    const other = await startUpstream(db, { MESSAGE_RETENTION_DAYS: '1' })
    expect(other.deps.retention.active).toBe(true)
    await other.close()
    expect(other.deps.retention.active).toBe(false)
  })
})
