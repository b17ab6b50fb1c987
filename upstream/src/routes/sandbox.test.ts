// The sandbox control contract the gateway's bats suite relies on (upstream/AGENTS.md).
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestDatabase } from '../../../tests/support/db.js'
import { sandboxMediaBytes } from '../driver/sandbox-history.js'
import { createInstance, openInstance, startUpstream, withDb, type Upstream } from '../testing/upstream-harness.js'

let db: TestDatabase
let up: Upstream

beforeAll(async () => {
  db = await withDb()
  up = await startUpstream(db)
  await openInstance(up, 's1')
  await openInstance(up, 's2')
})
afterAll(async () => {
  await up?.close()
  await db?.drop()
})

describe('instances', () => {
  it('scan and drop: 404 envelope when unknown', async () => {
    for (const action of ['scan', 'drop', 'inbound', 'history']) {
      const res = await up.req('POST', `/sandbox/instances/ghost/${action}`, { body: { number: '1', text: 'x', chats: 1, messagesPerChat: 1 } })
      expect(res.status).toBe(404)
      expect(res.body).toEqual({ status: 404, error: 'Not Found', response: { message: ['The "ghost" instance does not exist'] } })
    }
  })

  it('scan works from close without a prior connect', async () => {
    await createInstance(up, 's-cold')
    expect((await up.req('POST', '/sandbox/instances/s-cold/scan')).body).toEqual({ instance: 's-cold', state: 'open' })
    expect((await up.req('GET', '/instance/connectionState/s-cold')).body.instance.state).toBe('open')
  })

  it('inbound returns the messageRaw; 400 when not connected', async () => {
    const res = await up.req('POST', '/sandbox/instances/s1/inbound', { body: { number: '595981555666', text: 'hi there' } })
    expect(res.status).toBe(200)
    expect(res.body.instance).toBe('s1')
    expect(res.body.message).toMatchObject({ key: { remoteJid: '595981555666@s.whatsapp.net', fromMe: false }, message: { conversation: 'hi there' }, messageType: 'conversation' })
    await createInstance(up, 's-off')
    const off = await up.req('POST', '/sandbox/instances/s-off/inbound', { body: { number: '595981555666', text: 'x' } })
    expect(off.status).toBe(400)
    const bad = await up.req('POST', '/sandbox/instances/s1/inbound', { body: { number: '595981555666' } })
    expect(bad.status).toBe(400)
  })
})

describe('messages', () => {
  it('lists every accepted send oldest first, filtered by instance and number; inbound excluded', async () => {
    await up.req('DELETE', '/sandbox/messages')
    await up.req('POST', '/message/sendText/s1', { body: { number: '595981111111', text: 'one' } })
    await up.req('POST', '/message/sendLocation/s1', { body: { number: '595981222222', latitude: 1, longitude: 2, name: 'n', address: 'a' } })
    await up.req('POST', '/message/sendText/s2', { body: { number: '+595 981 111111', text: 'three' } })
    await up.req('POST', '/message/sendText/s1', { body: { number: '595981110000', text: 'rejected' } }) // not on WhatsApp
    const all = await up.req('GET', '/sandbox/messages')
    expect(all.status).toBe(200)
    expect(all.body.messages.map((m: any) => m.payload.text ?? m.type)).toEqual(['one', 'location', 'three'])
    const m = all.body.messages[0]
    expect(Object.keys(m)).toEqual(expect.arrayContaining(['id', 'instance', 'number', 'type', 'payload', 'status', 'created_at']))
    expect(m).toMatchObject({ instance: 's1', number: '595981111111', type: 'text', status: 'PENDING' })
    expect(m.id).toMatch(/^3EB0/)
    expect(m.created_at).toMatch(/Z$/)
    expect((await up.req('GET', '/sandbox/messages?instance=s1')).body.messages).toHaveLength(2)
    expect((await up.req('GET', '/sandbox/messages?number=595981111111')).body.messages).toHaveLength(2)
    expect((await up.req('GET', '/sandbox/messages?instance=s2&number=%2B595981111111')).body.messages).toHaveLength(1)
    const del = await up.req('DELETE', '/sandbox/messages')
    expect(del.status).toBe(200)
    expect((await up.req('GET', '/sandbox/messages')).body.messages).toEqual([])
  })
})

describe('history', () => {
  it('generates contacts, chats and messages once (a repeat adds nothing); history messages are not listed as sends', async () => {
    const res = await up.req('POST', '/sandbox/instances/s2/history', { body: { chats: 2, messagesPerChat: 10, withMedia: true } })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ instance: 's2', chats: 2, contacts: 2, messages: 20 })
    const count = async () => (await up.req('POST', '/chat/findMessages/s2', { body: { where: { key: { remoteJid: '595990000001@s.whatsapp.net' } } } })).body.messages.total
    expect(await count()).toBe(10)
    await up.req('POST', '/sandbox/instances/s2/history', { body: { chats: 2, messagesPerChat: 10, withMedia: true } })
    expect(await count()).toBe(10)
    expect((await up.req('GET', '/sandbox/messages?instance=s2')).body.messages).toEqual([])
  })

  it('media messages carry metadata matching the bytes sandboxMediaBytes regenerates', async () => {
    const rows = await up.deps.sql`
      select m.key_id, m.media_type, m.media_mimetype, m.media_file_length::int as len, m.media_file_sha256, m.media_url, m.media_key
        from upstream.messages m join upstream.instances i on i.id = m.instance_id
       where i.name = 's2' and m.media_type is not null order by m.message_timestamp`
    expect(rows.map((r) => r.mediaType)).toEqual(['image', 'document', 'audio', 'video'])
    for (const r of rows) {
      const bytes = sandboxMediaBytes(r.keyId, r.mediaType)
      expect(r.len).toBe(bytes.length)
      expect(r.mediaFileSha256).toBe(createHash('sha256').update(bytes).digest('base64'))
      expect(r.mediaUrl).toContain(r.keyId)
      expect(r.mediaKey).toMatch(/^[A-Za-z0-9+/]{43}=$/)
    }
    expect(sandboxMediaBytes('X', 'image').subarray(1, 4).toString()).toBe('PNG')
  })

  it('400 when not open or for a bad body', async () => {
    await createInstance(up, 's-hist-off')
    expect((await up.req('POST', '/sandbox/instances/s-hist-off/history', { body: { chats: 1, messagesPerChat: 1 } })).body.response.message).toEqual(['The "s-hist-off" instance is not connected'])
    const bad = await up.req('POST', '/sandbox/instances/s2/history', { body: { chats: 0, messagesPerChat: 'many' } })
    expect(bad.body.response.message).toEqual([['chats must be greater than or equal to 1', 'messagesPerChat is not of a type(s) number']])
    const big = await up.req('POST', '/sandbox/instances/s2/history', { body: { chats: 500, messagesPerChat: 1000 } })
    expect(big.body.response.message).toEqual([['chats * messagesPerChat must be at most 50000']])
    expect((await up.req('POST', '/sandbox/instances/s2/history', { body: { chats: 1, messagesPerChat: 1 }, key: 'wrong' })).status).toBe(401)
  })
})
