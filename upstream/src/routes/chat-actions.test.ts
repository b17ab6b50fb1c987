// The /chat action routes on the sandbox: a history media message downloads as its exact bytes; edits and
// deletions change findMessages and reach a webhook receiver (send.message.update, messages.delete); reads,
// archive and unread marks change findChats and emit chats.update / messages.update; presence, blocks and
// profile pictures answer Evolution's shapes; bad bodies and Evolution's named errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestDatabase } from '../../../tests/support/db.js'
import { sandboxContactJid, sandboxMediaBytes } from '../driver/sandbox-history.js'
import { openInstance, startReceiver, startUpstream, waitFor, withDb, type Upstream } from '../testing/upstream-harness.js'

let db: TestDatabase
let up: Upstream
let sink: Awaited<ReturnType<typeof startReceiver>>
const C1 = sandboxContactJid(1)
const C2 = sandboxContactJid(2)

beforeAll(async () => {
  db = await withDb()
  sink = await startReceiver()
  up = await startUpstream(db)
  await openInstance(up, 'a1')
  await up.req('POST', '/webhook/set/a1', {
    body: { webhook: { enabled: true, url: sink.url, events: ['MESSAGES_UPDATE', 'MESSAGES_DELETE', 'SEND_MESSAGE_UPDATE', 'CHATS_UPDATE', 'PRESENCE_UPDATE'] } },
  })
  const h = await up.req('POST', '/sandbox/instances/a1/history', { body: { chats: 3, messagesPerChat: 20, withMedia: true } })
  expect(h.status).toBe(200)
})
afterAll(async () => {
  await up?.close()
  await sink?.close()
  await db?.drop()
})

const hooks = (event: string) => sink.received.filter((r) => r.body?.event === event).map((r) => r.body.data)
const records = async (where: unknown) => (await up.req('POST', '/chat/findMessages/a1', { body: { where, offset: 100 } })).body.messages.records
const chatOf = async (jid: string) => (await up.req('POST', '/chat/findChats/a1', { body: { where: { remoteJid: jid } } })).body[0]

describe('getBase64FromMediaMessage', () => {
  it('a received history image (by key id) downloads as the exact bytes, with Evolution shape', async () => {
    const [img] = await records({ key: { remoteJid: C1 }, messageType: 'imageMessage' })
    const res = await up.req('POST', '/chat/getBase64FromMediaMessage/a1', { body: { message: { key: { id: img.key.id } } } })
    expect(res.status).toBe(201)
    expect(Buffer.from(res.body.base64, 'base64').equals(sandboxMediaBytes(img.key.id, 'image'))).toBe(true)
    expect(res.body).toMatchObject({ mediaType: 'imageMessage', fileName: `${img.key.id}.png`, caption: 'Photo 5', mimetype: 'image/png', buffer: null })
    expect(res.body.size.fileLength).toBe(String(sandboxMediaBytes(img.key.id, 'image').length))
  })

  it('a whole WebMessageInfo (document in documentWithCaptionMessage) works too', async () => {
    const [doc] = await records({ key: { remoteJid: C1 }, messageType: 'documentMessage' })
    const body = { message: { key: doc.key, message: { documentWithCaptionMessage: { message: doc.message } } } }
    const res = await up.req('POST', '/chat/getBase64FromMediaMessage/a1', { body })
    expect(res.status).toBe(201)
    expect(Buffer.from(res.body.base64, 'base64').toString()).toBe(sandboxMediaBytes(doc.key.id, 'document').toString())
    expect(res.body.fileName).toMatch(/^note-\d+\.txt$/)
  })

  it('nested wrappers are peeled in a loop; a body too deep for any stack is a 400, never a 500', async () => {
    const [doc] = await records({ key: { remoteJid: C1 }, messageType: 'documentMessage' })
    const body = (wrappers: number) =>
      `{"message":{"key":${JSON.stringify(doc.key)},"message":${'{"ephemeralMessage":{"message":'.repeat(wrappers)}${JSON.stringify({ documentWithCaptionMessage: { message: doc.message } })}${'}}'.repeat(wrappers)}}}`
    const res = await up.req('POST', '/chat/getBase64FromMediaMessage/a1', { body: body(450) })
    expect(res.status).toBe(201)
    expect(Buffer.from(res.body.base64, 'base64').toString()).toBe(sandboxMediaBytes(doc.key.id, 'document').toString())
    expect((await up.req('POST', '/chat/getBase64FromMediaMessage/a1', { body: body(50_000) })).status).toBe(400)
  })

  it("Evolution's 400s: not found, not media, convertToMp4 on audio; a missing key id names the field", async () => {
    const [text] = await records({ key: { remoteJid: C1 }, messageType: 'conversation' })
    const [audio] = await records({ key: { remoteJid: C1 }, messageType: 'audioMessage' })
    const ask = (body: unknown) => up.req('POST', '/chat/getBase64FromMediaMessage/a1', { body })
    expect((await ask({ message: { key: { id: 'NOPE' } } })).body.response.message).toEqual(['Message not found'])
    expect((await ask({ message: { key: { id: text.key.id } } })).body.response.message).toEqual(['The message is not of the media type'])
    const mp4 = await ask({ message: { key: { id: audio.key.id } }, convertToMp4: true })
    expect(mp4.status).toBe(400)
    expect(mp4.body.response.message[0]).toBe('Failed to convert audio to MP4')
    expect((await ask({ message: { key: { id: audio.key.id } } })).status).toBe(201)
    const bad = await ask({ message: {} })
    expect([bad.status, bad.body.response.message]).toEqual([400, [['message requires property "key"']]])
  })
})

describe('updateMessage and deleteMessageForEveryone', () => {
  it('an edit of our text: 200 protocol message, findMessages shows the text and EDITED, send.message.update', async () => {
    const sent = await up.req('POST', '/message/sendText/a1', { body: { number: '595981123456', text: 'first' } })
    const key = sent.body.key
    const res = await up.req('POST', '/chat/updateMessage/a1', { body: { number: '595981123456', key, text: 'second' } })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ key: { fromMe: true }, message: { protocolMessage: { key, type: 'MESSAGE_EDIT', editedMessage: { conversation: 'second' } } }, status: 'PENDING' })
    const [rec] = await records({ key: { id: key.id } })
    expect(rec.message).toEqual({ conversation: 'second' })
    expect(rec.MessageUpdate.map((u: { status: string }) => u.status)).toContain('EDITED')
    await waitFor(() => hooks('send.message.update').length === 1)
    expect(hooks('send.message.update')[0]).toMatchObject({ key, type: 'MESSAGE_EDIT', editedMessage: { conversation: 'second' } })
  })

  it("updateMessage's errors: 404 unknown, 400 other chat, 400 not ours, 400 not compatible", async () => {
    const edit = (body: unknown) => up.req('POST', '/chat/updateMessage/a1', { body })
    const nf = await edit({ number: C1, key: { id: 'NOPE', fromMe: true, remoteJid: C1 }, text: 'x' })
    expect([nf.status, nf.body.response.message]).toEqual([404, ['Message not found']])
    const [theirs] = await records({ key: { remoteJid: C1, fromMe: false }, messageType: 'conversation' })
    expect((await edit({ number: C2, key: theirs.key, text: 'x' })).body.response.message).toEqual(['RemoteJid does not match'])
    expect((await edit({ number: C1, key: theirs.key, text: 'x' })).body.response.message).toEqual(['You cannot edit others messages'])
    const [audio] = await records({ key: { remoteJid: C1 }, messageType: 'audioMessage' })
    expect((await edit({ number: C1, key: audio.key, text: 'x' })).body.response.message).toEqual(['Message not compatible'])
    const bad = await edit({ number: C1, key: { id: 'x', fromMe: true }, text: 'x' })
    expect([bad.status, bad.body.response.message]).toEqual([400, [['key requires property "remoteJid"']]])
  })

  it('a deletion: 201 REVOKE, findMessages shows key.deleted and DELETED, messages.delete carries the row', async () => {
    const [msg] = await records({ key: { remoteJid: C2, fromMe: true } })
    const res = await up.req('DELETE', '/chat/deleteMessageForEveryone/a1', { body: { id: msg.key.id, fromMe: true, remoteJid: C2 } })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ message: { protocolMessage: { key: { id: msg.key.id, remoteJid: C2, fromMe: true }, type: 'REVOKE' } }, status: 'PENDING' })
    expect(res.body.messageTimestamp).toMatch(/^\d+$/)
    const [rec] = await records({ key: { id: msg.key.id } })
    expect(rec.key.deleted).toBe(true)
    expect(rec.MessageUpdate.map((u: { status: string }) => u.status)).toContain('DELETED')
    await waitFor(() => hooks('messages.delete').length === 1)
    expect(hooks('messages.delete')[0]).toMatchObject({ id: rec.id, status: 'DELETED', key: { id: msg.key.id, deleted: true }, messageType: rec.messageType })
    const bad = await up.req('DELETE', '/chat/deleteMessageForEveryone/a1', { body: { id: 'x', remoteJid: C2 } })
    expect(bad.body.response.message).toEqual([['instance requires property "fromMe"']])
  })
})

describe('reads, archive, unread', () => {
  it('markMessageAsRead: 201, the read messages READ (messages.update), the chat read up to them (chats.update)', async () => {
    const before = await chatOf(C2)
    expect(before.unreadCount).toBe(2)
    const unread = (await records({ key: { remoteJid: C2, fromMe: false } })).slice(0, 2)
    const res = await up.req('POST', '/chat/markMessageAsRead/a1', { body: { readMessages: unread.map((m: any) => m.key) } })
    expect([res.status, res.body]).toEqual([201, { message: 'Read messages', read: 'success' }])
    expect((await chatOf(C2)).unreadCount).toBe(0)
    await waitFor(() => hooks('chats.update').some((d) => d[0].remoteJid === C2 && d[0].unreadMessages === 0))
    await waitFor(() => hooks('messages.update').filter((d) => d.status === 'READ').length === 2)
    const bad = await up.req('POST', '/chat/markMessageAsRead/a1', { body: { readMessages: [] } })
    expect(bad.body.response.message).toEqual([['readMessages does not meet minimum length of 1']])
  })

  it('archiveChat by lastMessage and by chat alone; archived says what was done', async () => {
    const [last] = await records({ key: { remoteJid: C1 } })
    const a = await up.req('POST', '/chat/archiveChat/a1', { body: { archive: true, lastMessage: { key: last.key } } })
    expect([a.status, a.body]).toEqual([201, { chatId: C1, archived: true }])
    expect((await chatOf(C1)).archived).toBe(true)
    await waitFor(() => hooks('chats.update').some((d) => d[0].remoteJid === C1 && d[0].archived === true))
    const b = await up.req('POST', '/chat/archiveChat/a1', { body: { archive: false, chat: C1.split('@')[0] } })
    expect([b.status, b.body]).toEqual([201, { chatId: C1.split('@')[0], archived: false }])
    expect((await chatOf(C1)).archived).toBe(false)
    const none = await up.req('POST', '/chat/archiveChat/a1', { body: { archive: true, chat: '595981777777' } })
    expect(none.status).toBe(400)
    expect(none.body.response.message[0].message[1]).toBe('Last message not found')
    expect((await up.req('POST', '/chat/archiveChat/a1', { body: { archive: true } })).status).toBe(400)
  })

  it('markChatUnread: 201 and the chat marked unread', async () => {
    const [last] = await records({ key: { remoteJid: C1 } })
    const res = await up.req('POST', '/chat/markChatUnread/a1', { body: { lastMessage: { key: last.key, messageTimestamp: last.messageTimestamp } } })
    expect([res.status, res.body]).toEqual([201, { chatId: C1, markedChatUnread: true }])
    await waitFor(() => hooks('chats.update').some((d) => d[0].remoteJid === C1 && d[0].markedUnread === true))
  })
})

describe('presence, block, profile picture', () => {
  it('sendPresence blocks for the delay and answers the presence; an unknown number is the existence 400', async () => {
    const t0 = Date.now()
    const res = await up.req('POST', '/chat/sendPresence/a1', { body: { number: '595981123456', presence: 'composing', delay: 300 } })
    expect([res.status, res.body]).toEqual([201, { presence: 'composing' }])
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290)
    // The subscription makes the sandbox contact report itself, as WhatsApp does: presence.update.
    const jid = '595981123456@s.whatsapp.net'
    expect(await waitFor(() => hooks('presence.update').find((d) => d.id === jid))).toEqual({ id: jid, presences: { [jid]: { lastKnownPresence: 'available' } } })
    const gone = await up.req('POST', '/chat/sendPresence/a1', { body: { number: '595981120000', presence: 'composing', delay: 0 } })
    expect([gone.status, gone.body.response.message]).toEqual([400, [{ jid: '595981120000@s.whatsapp.net', exists: false, number: '595981120000' }]])
    const bad = await up.req('POST', '/chat/sendPresence/a1', { body: { number: '595981123456', presence: 'typing', delay: 0 } })
    expect(bad.body.response.message).toEqual([['presence is not one of enum values: unavailable,available,composing,recording,paused']])
  })

  it('updateBlockStatus and fetchProfilePictureUrl', async () => {
    const block = await up.req('POST', '/chat/updateBlockStatus/a1', { body: { number: '595981123456', status: 'unblock' } })
    expect([block.status, block.body]).toEqual([201, { block: 'success' }])
    // A number not on WhatsApp is the caller's input: 400 with its existence record, never a 500.
    const gone = await up.req('POST', '/chat/updateBlockStatus/a1', { body: { number: ' ', status: 'block' } })
    expect(gone.status).toBe(400)
    const pic = await up.req('POST', '/chat/fetchProfilePictureUrl/a1', { body: { number: '595981123456' } })
    expect([pic.status, pic.body]).toEqual([200, { wuid: '595981123456@s.whatsapp.net', profilePictureUrl: 'https://pps.whatsapp.net/sandbox/595981123456.jpg' }])
    const none = await up.req('POST', '/chat/fetchProfilePictureUrl/a1', { body: {} })
    expect(none.body.response.message).toEqual([['instance requires property "number"']])
  })

  it('a closed instance: Connection Closed inside each route wrapper', async () => {
    await up.req('POST', '/sandbox/instances/a1/drop')
    const res = await up.req('POST', '/chat/updateBlockStatus/a1', { body: { number: '120363000000000001@g.us', status: 'block' } })
    expect([res.status, res.body.response.message]).toEqual([500, ['Error blocking user', 'Error: Connection Closed']])
    await up.req('POST', '/sandbox/instances/a1/scan')
  })
})
