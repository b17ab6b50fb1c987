// A restart (new app on the same database) keeps instances, tokens, webhooks, settings, open sessions and
// the chat store.
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { TestDatabase } from '../../../tests/support/db.js'
import { createInstance, openInstance, startUpstream, withDb } from '../testing/upstream-harness.js'

let db: TestDatabase

beforeAll(async () => {
  db = await withDb()
})
afterAll(async () => {
  await db?.drop()
})

it('keeps everything across an app restart and resumes open instances', async () => {
  const first = await startUpstream(db)
  const token = await openInstance(first, 'p-open')
  await createInstance(first, 'p-closed', { token: 'tok-closed' })
  await first.req('POST', '/webhook/set/p-open', { body: { webhook: { enabled: true, url: 'https://h.example.com', events: ['SEND_MESSAGE'] } } })
  await first.req('POST', '/message/sendText/p-open', { body: { number: '595981123456', text: 'before restart' } })
  await first.close()

  const second = await startUpstream(db)
  try {
    const list = await second.req('GET', '/instance/fetchInstances')
    expect(list.body.map((r: any) => r.name)).toEqual(['p-open', 'p-closed'])
    const open = list.body[0]
    expect(open).toMatchObject({ token, connectionStatus: 'open', _count: { Message: 1 } })
    expect(list.body[1]).toMatchObject({ token: 'tok-closed', connectionStatus: 'close' })
    expect((await second.req('GET', '/instance/connectionState/p-open', { key: token })).body.instance.state).toBe('open')
    expect((await second.req('GET', '/instance/connectionState/p-closed')).body.instance.state).toBe('close')
    expect((await second.req('GET', '/webhook/find/p-open')).body.events).toEqual(['SEND_MESSAGE'])
    expect((await second.req('POST', '/message/sendText/p-open', { body: { number: '595981123456', text: 'after' } })).status).toBe(201)
    expect((await second.req('POST', '/instance/create', { body: { instanceName: 'p-open', integration: 'WHATSAPP-BAILEYS' } })).status).toBe(403)
    expect((await second.req('GET', '/sandbox/messages?instance=p-open')).body.messages).toHaveLength(2)
  } finally {
    await second.close()
  }
})

it('the chat store (messages, status history, chats, contacts) answers the same after a restart', async () => {
  const first = await startUpstream(db)
  await openInstance(first, 'p-store')
  await first.req('POST', '/sandbox/instances/p-store/history', { body: { chats: 2, messagesPerChat: 5, withMedia: true } })
  await first.req('POST', '/sandbox/instances/p-store/inbound', { body: { number: '595981444001', text: 'live' } })
  const sent = await first.req('POST', '/message/sendText/p-store', { body: { number: '595981444001', text: 'ack me' } })
  await first.req('POST', `/sandbox/messages/${sent.body.key.id}/ack`, { body: { status: 'READ' } })
  const reads = async (up: Awaited<ReturnType<typeof startUpstream>>) => ({
    messages: (await up.req('POST', '/chat/findMessages/p-store', { body: {} })).body,
    chats: (await up.req('POST', '/chat/findChats/p-store', { body: {} })).body.map(({ windowActive: _w, ...c }: any) => c),
    contacts: (await up.req('POST', '/chat/findContacts/p-store', { body: {} })).body,
    statuses: (await up.req('POST', '/chat/findStatusMessage/p-store', { body: {} })).body,
  })
  const before = await reads(first)
  await first.close()

  const second = await startUpstream(db)
  try {
    const after = await reads(second)
    expect(after).toEqual(before)
    expect(after.messages.messages.total).toBe(12)
    expect(after.chats).toHaveLength(3)
    expect(after.contacts).toHaveLength(3)
    expect(after.statuses.map((s: any) => s.status)).toEqual(['READ'])
  } finally {
    await second.close()
  }
})
