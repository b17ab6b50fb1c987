// POST /chat/findMessages, findChats, findContacts, findStatusMessage on the sandbox: the store filled by
// the sandbox history route (fixed timestamps: message k of the instance is HISTORY_EPOCH + 60 k), paging,
// every honoured filter, the shapes, and Evolution's guards and 400s.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestDatabase } from '../../../tests/support/db.js'
import { HISTORY_EPOCH, sandboxContactJid, sandboxGroupJid } from '../driver/sandbox-history.js'
import { openInstance, startUpstream, withDb, type Upstream } from '../testing/upstream-harness.js'

let db: TestDatabase
let up: Upstream
let token: string
const C1 = sandboxContactJid(1)
const C2 = sandboxContactJid(2)
const C3 = sandboxContactJid(3)
const at = (k: number) => HISTORY_EPOCH + 60 * k

beforeAll(async () => {
  db = await withDb()
  up = await startUpstream(db)
  token = await openInstance(up, 'f1')
  // 3 chats x 20 messages = 60, every 5th a media message.
  const h = await up.req('POST', '/sandbox/instances/f1/history', { body: { chats: 3, messagesPerChat: 20, withMedia: true } })
  expect(h.body).toEqual({ instance: 'f1', chats: 3, contacts: 3, messages: 60 })
  // A group (chat 4) for the participant filter, on another instance.
  await openInstance(up, 'f2')
  await up.req('POST', '/sandbox/instances/f2/history', { body: { chats: 4, messagesPerChat: 20 } })
})
afterAll(async () => {
  await up?.close()
  await db?.drop()
})

const find = async (route: string, body: unknown, instance = 'f1') => {
  const res = await up.req('POST', `/chat/${route}/${instance}`, { body })
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  return res.body
}
const messages = async (body: unknown, instance = 'f1') => (await find('findMessages', body, instance)).messages
const ids = (records: { key: { id: string } }[]) => records.map((r) => r.key.id)

describe('findMessages', () => {
  it('pages: 3 pages of 25 from 60 messages, newest first, no overlap; default page size 50', async () => {
    const pages = [await messages({ offset: 25 }), await messages({ offset: 25, page: 2 }), await messages({ offset: 25, page: 3 })]
    expect(pages.map((p) => [p.total, p.pages, p.currentPage, p.records.length])).toEqual([[60, 3, 1, 25], [60, 3, 2, 25], [60, 3, 3, 10]])
    const all = pages.flatMap((p) => p.records)
    expect(new Set(ids(all)).size).toBe(60)
    expect(all.map((r: any) => r.messageTimestamp)).toEqual(Array.from({ length: 60 }, (_, i) => at(59 - i)))
    expect((await messages({ offset: 25, page: 4 })).records).toEqual([])
    const first = await messages({})
    expect([first.total, first.pages, first.records.length]).toEqual([60, 2, 50])
  })

  it("a record: Evolution's fields plus the status history (MessageUpdate) and the current status", async () => {
    const [rec] = (await messages({ offset: 1 })).records
    expect(Object.keys(rec).sort()).toEqual(['MessageUpdate', 'contextInfo', 'id', 'instanceId', 'key', 'message', 'messageTimestamp', 'messageType', 'pushName', 'source', 'status'].sort())
    // The newest message: chat 3's last, sent from the phone (odd position), a video (every 5th with media).
    expect(rec).toMatchObject({ key: { remoteJid: C3, fromMe: true }, pushName: 'Você', messageType: 'videoMessage', source: 'web', messageTimestamp: at(59), MessageUpdate: [] })
    expect(rec.message.videoMessage).toMatchObject({ mimetype: 'video/mp4', caption: 'Video 60', url: expect.stringContaining(rec.key.id) })
  })

  it('key.remoteJid (a JID, or a number normalised), key.id, id', async () => {
    expect((await messages({ where: { key: { remoteJid: C2 } } })).total).toBe(20)
    expect((await messages({ where: { key: { remoteJid: C2.split('@')[0] } } })).total).toBe(20)
    const [one] = (await messages({ offset: 1 })).records
    expect(ids((await messages({ where: { key: { id: one.key.id } } })).records)).toEqual([one.key.id])
    expect(ids((await messages({ where: { id: one.id } })).records)).toEqual([one.key.id])
    expect((await messages({ where: { key: { id: 'nope' } } })).total).toBe(0)
  })

  it('key.fromMe true and false (Evolution ignores false, #1797), alone and with a chat', async () => {
    const mine = await messages({ where: { key: { fromMe: true } }, offset: 100 })
    const theirs = await messages({ where: { key: { fromMe: false } }, offset: 100 })
    expect([mine.total, theirs.total]).toEqual([30, 30])
    expect(mine.records.every((r: any) => r.key.fromMe === true)).toBe(true)
    expect(theirs.records.every((r: any) => r.key.fromMe === false && r.pushName.startsWith('Sandbox Contact'))).toBe(true)
    expect((await messages({ where: { key: { remoteJid: C1, fromMe: false } } })).total).toBe(10)
  })

  it('messageType and source', async () => {
    expect((await messages({ where: { messageType: 'imageMessage' } })).total).toBe(3)
    expect((await messages({ where: { messageType: 'conversation' } })).total).toBe(48)
    expect((await messages({ where: { source: 'android' } })).total).toBe(30)
    expect((await messages({ where: { source: 'android', messageType: 'documentMessage' } })).records.every((r: any) => r.key.fromMe === false)).toBe(true)
  })

  it('messageTimestamp: both bounds or one, as epoch seconds, epoch milliseconds or ISO 8601', async () => {
    const range = async (gte?: unknown, lte?: unknown) => (await messages({ where: { messageTimestamp: { gte, lte } }, offset: 100 })).records.map((r: any) => r.messageTimestamp)
    const tenToNineteen = Array.from({ length: 10 }, (_, i) => at(19 - i))
    expect(await range(at(10), at(19))).toEqual(tenToNineteen)
    expect(await range(at(10) * 1000, at(19) * 1000)).toEqual(tenToNineteen)
    expect(await range(new Date(at(10) * 1000).toISOString(), new Date(at(19) * 1000).toISOString())).toEqual(tenToNineteen)
    expect(await range(String(at(10)), undefined)).toHaveLength(50)
    expect(await range(undefined, at(9))).toHaveLength(10)
    expect((await messages({ where: { key: { remoteJid: C1 }, messageTimestamp: { gte: at(15) } } })).total).toBe(5)
  })

  it('key.participant (group senders)', async () => {
    // f2's chat 4 is a group; its received messages (even positions) rotate among contacts 3, 2, 1.
    const got = await messages({ where: { key: { participant: C3 } } }, 'f2')
    expect(got.records.map((r: any) => [r.key.remoteJid, r.key.participant, r.pushName])).toEqual(
      Array.from({ length: 4 }, () => [sandboxGroupJid(4), C3, 'Sandbox Contact 3']),
    )
  })

  it('bad bodies: the nested-array 400; unknown instance 404; wrong key 401', async () => {
    const bad = async (body: unknown) => {
      const res = await up.req('POST', '/chat/findMessages/f1', { body })
      expect(res.status).toBe(400)
      return res.body
    }
    expect(await bad({ where: { key: { fromMe: 'no' } } })).toEqual({ status: 400, error: 'Bad Request', response: { message: [['where.key.fromMe is not of a type(s) boolean']] } })
    expect((await bad({ offset: 0, page: 'x' })).response.message).toEqual([['page is not of a type(s) number', 'offset must be greater than or equal to 1']])
    expect((await bad({ where: { messageTimestamp: { gte: 'yesterday' } } })).response.message).toEqual([['where.messageTimestamp.gte must be an ISO 8601 date, epoch milliseconds or epoch seconds']])
    expect((await bad({ offset: 1001 })).response.message).toEqual([['offset must be less than or equal to 1000']])
    expect((await up.req('POST', '/chat/findMessages/ghost', { body: {} })).status).toBe(404)
    expect((await up.req('POST', '/chat/findMessages/f1', { body: {}, key: 'wrong' })).status).toBe(401)
    expect((await up.req('POST', '/chat/findMessages/f1', { body: {}, key: token })).status).toBe(200)
  })
})

describe('findChats', () => {
  it('newest activity first, unread counts, pushName from the contact, lastMessage in Evolution shape', async () => {
    const chats = await find('findChats', {})
    expect(chats.map((c: any) => [c.remoteJid, c.unreadCount, c.pushName])).toEqual([
      [C3, 0, 'Sandbox Contact 3'],
      [C2, 2, 'Sandbox Contact 2'],
      [C1, 1, 'Sandbox Contact 1'],
    ])
    const c1 = chats[2]
    expect(Object.keys(c1).sort()).toEqual(
      ['id', 'remoteJid', 'pushName', 'profilePicUrl', 'updatedAt', 'windowStart', 'windowExpires', 'windowActive', 'lastMessage', 'unreadCount', 'isSaved', 'name', 'labels', 'archived', 'pinned'].sort(),
    )
    expect(c1).toMatchObject({ updatedAt: new Date(at(19) * 1000).toISOString(), isSaved: true, labels: [], archived: false, windowActive: false })
    // The 24-hour window opens with the contact's last message (position 18 of chat 1).
    expect(c1.windowStart).toBe(new Date(at(18) * 1000).toISOString())
    expect(c1.windowExpires).toBe(new Date((at(18) + 86_400) * 1000).toISOString())
    expect(Object.keys(c1.lastMessage).sort()).toEqual(['contextInfo', 'id', 'instanceId', 'key', 'message', 'messageTimestamp', 'messageType', 'participant', 'pushName', 'sessionId', 'source', 'status'].sort())
    // Its last message is a video sent from the phone: reduced to the caption, signed "Você".
    expect(c1.lastMessage).toMatchObject({ key: { fromMe: true }, pushName: 'Você', messageType: 'videoMessage', message: { videoMessage: { caption: 'Video 20' } }, messageTimestamp: at(19), sessionId: null, status: 'READ' })
  })

  it('a new message moves its chat first and counts; where.remoteJid, where.messageTimestamp, take/skip', async () => {
    await up.req('POST', '/sandbox/instances/f1/inbound', { body: { number: C1.split('@')[0], text: 'nuevo' } })
    const chats = await find('findChats', {})
    expect(chats.map((c: any) => [c.remoteJid, c.unreadCount])).toEqual([[C1, 2], [C3, 0], [C2, 2]])
    expect(chats[0].lastMessage.message).toEqual({ conversation: 'nuevo' })
    expect(chats[0].windowActive).toBe(true)
    expect((await find('findChats', { where: { remoteJid: C2.split('@')[0] } })).map((c: any) => c.remoteJid)).toEqual([C2])
    // Only chats with a message in the range; their lastMessage is the newest inside it.
    const ranged = await find('findChats', { where: { messageTimestamp: { gte: at(25), lte: at(30) } } })
    expect(ranged.map((c: any) => [c.remoteJid, c.lastMessage.messageTimestamp])).toEqual([[C2, at(30)]])
    expect((await find('findChats', { take: 1, skip: 1 })).map((c: any) => c.remoteJid)).toEqual([C3])
  })
})

describe('findContacts', () => {
  it('every contact; where.remoteJid (number normalised), id and pushName; offset/page', async () => {
    const all = await find('findContacts', {})
    expect(all.map((c: any) => c.remoteJid)).toEqual([C1, C2, C3])
    // C1 wrote live above: a live message's push name replaces the stored one.
    expect(all[0].pushName).toBe(`Contact ${C1.split('@')[0]}`)
    expect(all[1]).toEqual({
      id: expect.any(String), remoteJid: C2, pushName: 'Sandbox Contact 2', profilePicUrl: null, createdAt: expect.any(String), updatedAt: expect.any(String),
      instanceId: expect.any(String), isGroup: false, isSaved: true, type: 'contact',
    })
    expect((await find('findContacts', { where: { remoteJid: C2.split('@')[0] } })).map((c: any) => c.remoteJid)).toEqual([C2])
    expect((await find('findContacts', { where: { id: all[2].id } })).map((c: any) => c.remoteJid)).toEqual([C3])
    expect((await find('findContacts', { where: { pushName: 'Sandbox Contact 2' } })).map((c: any) => c.remoteJid)).toEqual([C2])
    expect((await find('findContacts', { offset: 2, page: 2 })).map((c: any) => c.remoteJid)).toEqual([C3])
    // Evolution answers a 500 for page without offset; we ignore the page.
    expect(await find('findContacts', { page: 2 })).toHaveLength(3)
    const bad = await up.req('POST', '/chat/findContacts/f1', { body: { where: { pushName: '' } } })
    expect(bad.body.response.message).toEqual([['where.pushName does not meet minimum length of 1']])
  })
})

describe('findStatusMessage', () => {
  it("a sent message's status history, filtered by chat, key id, fromMe and status, oldest first", async () => {
    const sent = await up.req('POST', '/message/sendText/f1', { body: { number: C2.split('@')[0], text: 'status me' } })
    const id = sent.body.key.id
    for (const status of ['SERVER_ACK', 'DELIVERY_ACK', 'READ']) await up.req('POST', `/sandbox/messages/${id}/ack`, { body: { status } })
    const rows = await find('findStatusMessage', { where: { id } })
    expect(rows.map((r: any) => r.status)).toEqual(['SERVER_ACK', 'DELIVERY_ACK', 'READ'])
    expect(rows[0]).toEqual({ id: expect.any(String), keyId: id, remoteJid: C2, fromMe: true, participant: null, pollUpdates: null, status: 'SERVER_ACK', messageId: expect.any(String), instanceId: expect.any(String) })
    expect((await find('findStatusMessage', { where: { remoteJid: C2, status: 'READ' } })).map((r: any) => r.keyId)).toEqual([id])
    expect(await find('findStatusMessage', { where: { remoteJid: C1 } })).toEqual([])
    expect(await find('findStatusMessage', { where: { fromMe: false } })).toEqual([])
    expect((await find('findStatusMessage', { where: { id }, offset: 1, page: 3 })).map((r: any) => r.status)).toEqual(['READ'])
    const rec = (await messages({ where: { key: { id } } })).records[0]
    expect(rec.MessageUpdate).toEqual([{ status: 'SERVER_ACK' }, { status: 'DELIVERY_ACK' }, { status: 'READ' }])
    const bad = await up.req('POST', '/chat/findStatusMessage/f1', { body: { where: { status: 'SEEN' } } })
    expect(bad.body.response.message).toEqual([['where.status is not one of enum values: ERROR,PENDING,SERVER_ACK,DELIVERY_ACK,READ,PLAYED,DELETED,EDITED']])
  })
})
