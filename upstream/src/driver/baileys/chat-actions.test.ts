// The /chat action routes on the Baileys driver with the scripted socket: each route calls the socket
// function Evolution calls, with the exact arguments, and answers Evolution's shape; media downloads go
// through Baileys' download (scripted here) with updateMediaMessage as the re-upload, only from WhatsApp's
// hosts and within MEDIA_MAX_BYTES.
import { Readable } from 'node:stream'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startBaileysRig, type BaileysRig } from '../../testing/baileys-rig.js'
import type { Upstream } from '../../testing/upstream-harness.js'
import type { MediaDownloadFn } from './chat-actions.js'

const N = '595981123456'
const JID = `${N}@s.whatsapp.net`
const MEDIA = Buffer.from('decrypted media bytes')

let rig: BaileysRig
let up: Upstream
const downloads: Parameters<MediaDownloadFn>[] = []
const sock = () => rig.sock()

beforeAll(async () => {
  const mediaDownload: MediaDownloadFn = async (...args) => {
    downloads.push(args)
    return Readable.from([MEDIA])
  }
  rig = await startBaileysRig({ instance: 'b1', env: { MEDIA_MAX_BYTES: '1024' }, driver: { mediaDownload } })
  up = rig.up
})
afterAll(async () => {
  await rig?.close()
})
beforeEach(() => {
  sock().chatCalls.length = 0
  sock().sent.length = 0
})

const post = (route: string, body: unknown, method = 'POST') => up.req(method, `/chat/${route}/b1`, { body })
const key = { id: '3EB0AAA', fromMe: false, remoteJid: JID }

describe('socket calls', () => {
  it('markMessageAsRead: readMessages(keys), @lid kept, broadcasts left out', async () => {
    const lid = { id: 'L1', fromMe: false, remoteJid: '123456789012345@lid' }
    const res = await post('markMessageAsRead', { readMessages: [key, lid, { id: 'S1', fromMe: false, remoteJid: 'status@broadcast' }] })
    expect([res.status, res.body]).toEqual([201, { message: 'Read messages', read: 'success' }])
    expect(sock().chatCalls).toEqual([['readMessages', [key, lid]]])
  })

  it('archiveChat and markChatUnread: chatModify anchored to the last message', async () => {
    const a = await post('archiveChat', { archive: true, lastMessage: { key, messageTimestamp: 1700000000 } })
    expect([a.status, a.body]).toEqual([201, { chatId: JID, archived: true }])
    const u = await post('markChatUnread', { lastMessage: { key, messageTimestamp: '1700000001' } })
    expect([u.status, u.body]).toEqual([201, { chatId: JID, markedChatUnread: true }])
    expect(sock().chatCalls).toEqual([
      ['chatModify', { archive: true, lastMessages: [{ key, messageTimestamp: 1700000000 }] }, JID],
      ['chatModify', { markRead: false, lastMessages: [{ key, messageTimestamp: 1700000001 }] }, JID],
    ])
  })

  it('deleteMessageForEveryone: sendMessage(remoteJid, {delete: key}), answered as Baileys sent it (type REVOKE)', async () => {
    const target = { id: 'G1', fromMe: false, remoteJid: '120363000000000001@g.us', participant: JID }
    const res = await post('deleteMessageForEveryone', target, 'DELETE')
    expect(res.status).toBe(201)
    expect(sock().sent).toEqual([['120363000000000001@g.us', { delete: target }]])
    expect(res.body).toMatchObject({ key: { remoteJid: '120363000000000001@g.us', fromMe: true }, message: { protocolMessage: { key: target, type: 'REVOKE' } }, messageTimestamp: '1700000000', status: 'PENDING' })
  })

  it('updateMessage: sendMessage(jid, {text, edit: key}) for a stored text of ours', async () => {
    const sent = await up.req('POST', '/message/sendText/b1', { body: { number: N, text: 'old' } })
    sock().sent.length = 0
    const res = await post('updateMessage', { number: N, key: sent.body.key, text: 'new' })
    expect(res.status).toBe(200)
    expect(sock().sent).toEqual([[JID, { text: 'new', edit: sent.body.key }]])
    expect(res.body.message.protocolMessage).toMatchObject({ type: 'MESSAGE_EDIT', editedMessage: { extendedTextMessage: { text: 'new' } }, timestampMs: '1700000000000' })
    const rec = (await post('findMessages', { where: { key: { id: sent.body.key.id } } })).body.messages.records[0]
    expect(rec.message).toEqual({ conversation: 'new' })
  })

  it("fetchProfilePictureUrl: profilePictureUrl(jid, 'image'); a failure is null", async () => {
    const res = await post('fetchProfilePictureUrl', { number: N })
    expect([res.status, res.body]).toEqual([200, { wuid: JID, profilePictureUrl: `https://pps.whatsapp.net/v/${N}.jpg` }])
    sock().profilePictureImpl = async () => {
      throw new Error('item-not-found')
    }
    expect((await post('fetchProfilePictureUrl', { number: N })).body.profilePictureUrl).toBeNull()
    expect(sock().chatCalls).toEqual([['profilePictureUrl', JID, 'image'], ['profilePictureUrl', JID, 'image']])
  })

  it('sendPresence: presenceSubscribe, the presence, then paused; updateBlockStatus(jid, status)', async () => {
    const res = await post('sendPresence', { number: N, presence: 'recording', delay: 10 })
    expect([res.status, res.body]).toEqual([201, { presence: 'recording' }])
    const block = await post('updateBlockStatus', { number: N, status: 'block' })
    expect([block.status, block.body]).toEqual([201, { block: 'success' }])
    expect(sock().chatCalls).toEqual([
      ['presenceSubscribe', JID], ['sendPresenceUpdate', 'recording', JID], ['sendPresenceUpdate', 'paused', JID], ['updateBlockStatus', JID, 'block'],
    ])
  })
})

describe('getBase64FromMediaMessage', () => {
  const image = { url: 'https://mmg.whatsapp.net/v/t62/abc.enc', directPath: '/v/t62/abc.enc', mimetype: 'image/jpeg', fileLength: '21', mediaKey: 'a2V5', caption: 'hi', height: 2, width: 3 }

  it('downloads through Baileys with updateMediaMessage as the re-upload and answers the bytes', async () => {
    const msg = { key, message: { viewOnceMessageV2: { message: { imageMessage: image } } } }
    const res = await post('getBase64FromMediaMessage', { message: msg })
    expect(res.status).toBe(201)
    expect(res.body).toEqual({
      mediaType: 'imageMessage', fileName: '3EB0AAA.jpeg', caption: 'hi', size: { fileLength: '21', height: 2, width: 3 }, mimetype: 'image/jpeg',
      base64: MEDIA.toString('base64'), buffer: null,
    })
    const [wa, ctx] = downloads.at(-1)!
    expect(wa).toEqual({ key, message: { imageMessage: image } })
    await ctx.reuploadRequest(wa)
    expect(sock().chatCalls).toEqual([['updateMediaMessage', wa]])
  })

  it("refuses a URL outside WhatsApp's media hosts and files over MEDIA_MAX_BYTES", async () => {
    const n = downloads.length
    const evil = await post('getBase64FromMediaMessage', { message: { key, message: { imageMessage: { ...image, url: 'http://127.0.0.1:5432/x' } } } })
    expect(evil.status).toBe(400)
    expect(evil.body.response.message[0]).toMatch(/^media URL refused/)
    const big = await post('getBase64FromMediaMessage', { message: { key, message: { imageMessage: { ...image, fileLength: 4096 } } } })
    expect([big.status, big.body.response.message]).toEqual([400, ['media is larger than 1024 bytes']])
    expect(downloads.length).toBe(n)
  })
})
