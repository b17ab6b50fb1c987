// db/upstream/0003_chat_store.sql: rows written before it are backfilled (origin, key, pushName, content,
// time, source), a key id is unique per instance (not across instances), and an instance's whole store goes
// with it when it is deleted.
import { copyFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { migrate } from '../../../db/migrate.js'
import { createTestDatabase, type TestDatabase } from '../../../tests/support/db.js'
import { createSql, migrateUpstream, MIGRATIONS_DIR, UPSTREAM_MIGRATION_LOCK, type Sql } from './client.js'

let db: TestDatabase
let sql: Sql
let dir: string

beforeAll(async () => {
  db = await createTestDatabase('upstream_test')
  sql = createSql(db.url, 2)
  dir = await mkdtemp(join(tmpdir(), 'upstream-migrations-'))
  for (const f of ['0001_init.sql', '0002_baileys_auth.sql']) await copyFile(join(MIGRATIONS_DIR, f), join(dir, f))
})
afterAll(async () => {
  await sql?.end({ timeout: 5 })
  await db?.drop()
  if (dir) await rm(dir, { recursive: true, force: true })
})

const INSTANCE = '00000000-0000-4000-8000-000000000001'
const OTHER = '00000000-0000-4000-8000-000000000002'

it('backfills the rows written before it, scopes key ids per instance, and cascades with the instance', async () => {
  await migrate(sql, { dir, schema: 'upstream', lockKey: UPSTREAM_MIGRATION_LOCK })
  for (const [id, name] of [[INSTANCE, 'one'], [OTHER, 'two']]) {
    await sql`insert into upstream.instances (id, name, token) values (${id!}, ${name!}, ${`tok-${name}`})`
  }
  const raw = (fromMe: boolean, id: string) => ({
    key: { remoteJid: '595981000001@s.whatsapp.net', fromMe, id }, pushName: fromMe ? 'Você' : 'Ana', status: 'PENDING',
    message: { conversation: fromMe ? 'sent' : 'got' }, contextInfo: null, messageType: 'conversation', messageTimestamp: 1_700_000_123, instanceId: INSTANCE, source: 'web',
  })
  for (const [fromMe, id] of [[true, 'K-SENT'], [false, 'K-IN']] as const) {
    await sql`insert into upstream.messages (id, instance_id, key_id, remote_jid, number, from_me, kind, message_type, payload, raw, status)
              values (gen_random_uuid(), ${INSTANCE}, ${id}, '595981000001@s.whatsapp.net', '595981000001', ${fromMe}, 'text', 'conversation',
                      ${sql.json({ text: 'x' })}, ${sql.json(raw(fromMe, id))}, 'PENDING')`
  }

  // 0003 is applied now (later migrations, such as 0004_labels.sql, follow it).
  expect((await migrateUpstream(sql))[0]).toBe('0003_chat_store.sql')
  const rows = await sql`select key_id, origin, key, push_name, message, message_timestamp::int as ts, source, deleted, edited from upstream.messages order by seq`
  expect(rows).toEqual([
    { keyId: 'K-SENT', origin: 'send', key: raw(true, 'K-SENT').key, pushName: 'Você', message: { conversation: 'sent' }, ts: 1_700_000_123, source: 'web', deleted: false, edited: false },
    { keyId: 'K-IN', origin: 'live', key: raw(false, 'K-IN').key, pushName: 'Ana', message: { conversation: 'got' }, ts: 1_700_000_123, source: 'web', deleted: false, edited: false },
  ])

  // The same key id in another instance (two instances in one group) is its own row; twice in one is refused.
  const copy = (instance: string) => sql`
    insert into upstream.messages (id, instance_id, key_id, remote_jid, number, from_me, kind, message_type, payload, raw, status, origin, key, message, message_timestamp)
    select gen_random_uuid(), ${instance}, key_id, remote_jid, number, from_me, kind, message_type, payload, raw, status, origin, key, message, message_timestamp
      from upstream.messages where key_id = 'K-IN' and instance_id = ${INSTANCE}`
  await copy(OTHER)
  await expect(copy(INSTANCE)).rejects.toThrow(/messages_instance_key_idx/)

  await sql`insert into upstream.chats (instance_id, remote_jid) values (${INSTANCE}, '595981000001@s.whatsapp.net')`
  await sql`insert into upstream.contacts (instance_id, remote_jid, push_name) values (${INSTANCE}, '595981000001@s.whatsapp.net', 'Ana')`
  await sql`insert into upstream.message_updates (instance_id, message_id, key_id, remote_jid, from_me, status)
            select instance_id, id, key_id, remote_jid, from_me, 'READ' from upstream.messages where instance_id = ${INSTANCE}`
  await sql`delete from upstream.instances where id = ${INSTANCE}`
  const left = await sql`
    select (select count(*)::int from upstream.messages where instance_id = ${INSTANCE}) as messages,
           (select count(*)::int from upstream.chats) as chats,
           (select count(*)::int from upstream.contacts) as contacts,
           (select count(*)::int from upstream.message_updates) as updates,
           (select count(*)::int from upstream.messages) as all_messages`
  expect(left).toEqual([{ messages: 0, chats: 0, contacts: 0, updates: 0, allMessages: 1 }])
})
