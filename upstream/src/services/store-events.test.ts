// The chat store's webhooks on the sandbox, delivered to a local receiver in the v2 envelope and only for
// the events each instance subscribed: chats.set / contacts.upsert / messages.set from a history sync,
// chats.upsert from a first send or a first received message, contacts.upsert / contacts.update.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestDatabase } from '../../../tests/support/db.js'
import { sandboxContactJid } from '../driver/sandbox-history.js'
import { openInstance, startReceiver, startUpstream, waitFor, withDb, type Upstream } from '../testing/upstream-harness.js'

let db: TestDatabase
let up: Upstream
let sink: Awaited<ReturnType<typeof startReceiver>>

beforeAll(async () => {
  db = await withDb()
  sink = await startReceiver()
  up = await startUpstream(db)
  // e1 leaves MESSAGES_SET and SEND_MESSAGE out; e2 takes every store event, by event path.
  await openInstance(up, 'e1', { webhook: { enabled: true, url: `${sink.url}/e1`, events: ['CHATS_SET', 'CHATS_UPSERT', 'CONTACTS_UPSERT', 'CONTACTS_UPDATE', 'MESSAGES_UPSERT'] } })
  await openInstance(up, 'e2', { webhook: { enabled: true, url: `${sink.url}/e2`, byEvents: true, events: ['CHATS_SET', 'CONTACTS_UPSERT', 'MESSAGES_SET'] } })
})
afterAll(async () => {
  await up?.close()
  await sink?.close()
  await db?.drop()
})

const got = (instance: string, event: string) => sink.received.filter((r) => r.body?.instance === instance && r.body.event === event)

describe('chat store webhooks', () => {
  it('a history sync: chats.set and contacts.upsert; messages.set only where subscribed (by-events path)', async () => {
    await up.req('POST', '/sandbox/instances/e1/history', { body: { chats: 2, messagesPerChat: 2 } })
    await up.req('POST', '/sandbox/instances/e2/history', { body: { chats: 2, messagesPerChat: 2 } })
    const set = await waitFor(() => got('e1', 'chats.set')[0])
    expect(set.body).toMatchObject({ event: 'chats.set', instance: 'e1', destination: `${sink.url}/e1`, date_time: expect.stringMatching(/Z$/) })
    expect(set.body.data).toEqual([1, 2].map((i) => ({ remoteJid: sandboxContactJid(i), instanceId: expect.any(String), name: `Sandbox Contact ${i}` })))
    const contacts = await waitFor(() => got('e1', 'contacts.upsert')[0])
    expect(contacts.body.data).toEqual([1, 2].map((i) => ({ remoteJid: sandboxContactJid(i), pushName: `Sandbox Contact ${i}`, profilePicUrl: null, instanceId: expect.any(String) })))
    const msgs = await waitFor(() => got('e2', 'messages.set')[0])
    expect(msgs.path).toBe('/e2/messages-set')
    expect(msgs.body.data.map((m: any) => [m.key.remoteJid, m.key.fromMe, m.message.conversation])).toEqual([
      [sandboxContactJid(1), false, 'Message 1 in chat 1'],
      [sandboxContactJid(1), true, 'Message 2 in chat 1'],
      [sandboxContactJid(2), false, 'Message 1 in chat 2'],
      [sandboxContactJid(2), true, 'Message 2 in chat 2'],
    ])
    await up.deps.webhooks.idle()
    expect(got('e1', 'messages.set')).toEqual([])
  })

  it('a first send opens its chat: chats.upsert; a first received message: chats.upsert and contacts.upsert', async () => {
    await up.req('POST', '/message/sendText/e1', { body: { number: '595981333001', text: 'hola' } })
    const upsert = await waitFor(() => got('e1', 'chats.upsert').find((r) => r.body.data[0].remoteJid === '595981333001@s.whatsapp.net'))
    expect(upsert.body.data).toEqual([{ remoteJid: '595981333001@s.whatsapp.net', instanceId: expect.any(String), name: null, unreadMessages: 0 }])
    // The chat exists already: a second send says nothing.
    await up.req('POST', '/message/sendText/e1', { body: { number: '595981333001', text: 'otra' } })

    await up.req('POST', '/sandbox/instances/e1/inbound', { body: { number: '595981333002', text: 'buenas' } })
    const chat = await waitFor(() => got('e1', 'chats.upsert').find((r) => r.body.data[0].remoteJid === '595981333002@s.whatsapp.net'))
    expect(chat.body.data).toEqual([{ remoteJid: '595981333002@s.whatsapp.net', instanceId: expect.any(String), name: 'Contact 595981333002', unreadMessages: 1 }])
    await waitFor(() => got('e1', 'contacts.upsert').some((r) => r.body.data[0].remoteJid === '595981333002@s.whatsapp.net'))
    // The same sender again, same name: no contacts.update; the message itself is still relayed.
    await up.req('POST', '/sandbox/instances/e1/inbound', { body: { number: '595981333002', text: 'otra vez' } })
    await up.deps.webhooks.idle()
    expect(got('e1', 'chats.upsert').filter((r) => r.body.data[0].remoteJid === '595981333001@s.whatsapp.net')).toHaveLength(1)
    expect(got('e1', 'contacts.update')).toEqual([])
    expect(got('e1', 'messages.upsert').map((r) => r.body.data.message.conversation)).toEqual(['buenas', 'otra vez'])
  })
})
