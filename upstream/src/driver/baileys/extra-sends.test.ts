// sendSticker, sendPtv, sendStatus and the label routes through the whole upstream on the Baileys
// driver with a scripted socket: the exact sendMessage / addChatLabel / removeChatLabel arguments, the
// answers in Evolution's shape, and the socket's labels.edit / labels.association events in the store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBaileysRig, type BaileysRig } from '../../testing/baileys-rig.js'
import { startMediaServer, waitFor, type Upstream } from '../../testing/upstream-harness.js'

const N = '595981123456'
const JID = `${N}@s.whatsapp.net`
const WEBP_B64 = 'UklGRjwAAABXRUJQVlA4IDAAAADQAQCdASoBAAEAAUAmJaACdLoB+AADsAD+8ut//NgVzXPv9//S4P0uD9Lg/9KQAAA='

let rig: BaileysRig
let up: Upstream
let media: Awaited<ReturnType<typeof startMediaServer>>
const sock = () => rig.sock()
const hooks = (event: string) => rig.hooks(event)
const flushed = () => rig.flushed()

beforeAll(async () => {
  media = await startMediaServer()
  rig = await startBaileysRig({ instance: 'bx', events: ['SEND_MESSAGE', 'LABELS_EDIT', 'LABELS_ASSOCIATION'], creds: true })
  up = rig.up
})
afterAll(async () => {
  await rig?.close()
  await media?.close()
})

describe('sends', () => {
  it('sendSticker: sendMessage(jid, {sticker: WebP bytes, mimetype, isAnimated}); messageRaw stickerMessage; send.message', async () => {
    const res = await up.req('POST', '/message/sendSticker/bx', { body: { number: N, sticker: WEBP_B64 } })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ key: { remoteJid: JID, fromMe: true }, messageType: 'stickerMessage', status: 'PENDING' })
    const [jid, content] = sock().sent.at(-1)!
    expect(jid).toBe(JID)
    expect(content).toEqual({ sticker: Buffer.from(WEBP_B64, 'base64'), mimetype: 'image/webp', isAnimated: false })
    expect(sock().sentOptions.at(-1)).toEqual({})
    await waitFor(() => hooks('send.message').some((d) => d.key.id === res.body.key.id))
  })

  it('sendPtv: the downloaded URL bytes as a video note (ptv: true)', async () => {
    const res = await up.req('POST', '/message/sendPtv/bx', { body: { number: N, video: `${media.url}/note.mp4` } })
    expect(res.status).toBe(201)
    expect(res.body.messageType).toBe('ptvMessage')
    expect(sock().sent.at(-1)).toEqual([JID, { video: Buffer.from('media:/note.mp4'), mimetype: 'video/mp4', ptv: true }])
  })

  it('sendStatus text: status@broadcast with statusJidList, backgroundColor and font as send options', async () => {
    const res = await up.req('POST', '/message/sendStatus/bx', {
      body: { type: 'text', content: 'hello', backgroundColor: '#008000', font: 2, statusJidList: [N, '595981654321'] },
    })
    expect(res.status).toBe(201)
    expect(res.body.key.remoteJid).toBe('status@broadcast')
    expect(sock().sent.at(-1)).toEqual(['status@broadcast', { text: 'hello', linkPreview: null }])
    expect(sock().sentOptions.at(-1)).toEqual({ statusJidList: [JID, '595981654321@s.whatsapp.net'], backgroundColor: '#008000', font: 2 })
  })

  it('sendStatus image to allContacts: every stored contact with a name', async () => {
    sock().ev.emit('contacts.upsert', [{ id: '595981222222@s.whatsapp.net', notify: 'Ana' }, { id: '595981333333@s.whatsapp.net' }])
    await flushed()
    const res = await up.req('POST', '/message/sendStatus/bx', { body: { type: 'image', content: WEBP_B64, caption: 'c', allContacts: true } })
    expect(res.status).toBe(201)
    const [jid, content] = sock().sent.at(-1)! as [string, Record<string, unknown>]
    expect(jid).toBe('status@broadcast')
    expect(content).toMatchObject({ caption: 'c', mimetype: 'image/jpeg' })
    expect(sock().sentOptions.at(-1)).toEqual({ statusJidList: ['595981222222@s.whatsapp.net'] })
  })
})

describe('labels', () => {
  it('labels.edit from the socket fills findLabels; a deleted one leaves it (announced once)', async () => {
    sock().ev.emit('labels.edit', { id: '6', name: 'Paid', color: 3, deleted: false, predefinedId: '4' })
    sock().ev.emit('labels.edit', { id: '7', name: 'Old', color: 1, deleted: false })
    await flushed()
    expect((await up.req('GET', '/label/findLabels/bx')).body).toEqual([
      { color: '3', name: 'Paid', id: '6', predefinedId: '4' },
      { color: '1', name: 'Old', id: '7', predefinedId: null },
    ])
    sock().ev.emit('labels.edit', { id: '7', name: 'Old', color: 1, deleted: true })
    await flushed()
    expect((await up.req('GET', '/label/findLabels/bx')).body.map((l: any) => l.id)).toEqual(['6'])
    await waitFor(() => hooks('labels.edit').length === 3)
    expect(hooks('labels.edit')[2]).toMatchObject({ id: '7', deleted: true, instance: 'bx' })
  })

  it('handleLabel calls addChatLabel / removeChatLabel and stores the chat labels; the socket echo adds nothing', async () => {
    const add = await up.req('POST', '/label/handleLabel/bx', { body: { number: N, labelId: '6', action: 'add' } })
    expect(add.status).toBe(200)
    expect(add.body).toEqual({ numberJid: JID, labelId: '6', add: true })
    expect(sock().labelCalls.at(-1)).toEqual(['addChatLabel', JID, '6'])
    expect((await up.req('POST', '/chat/findChats/bx', { body: { where: { remoteJid: N } } })).body[0].labels).toEqual(['6'])
    sock().ev.emit('labels.association', { type: 'add', association: { type: 'label_jid', chatId: JID, labelId: '6' } })
    await flushed()
    await waitFor(() => hooks('labels.association').length === 1)
    const remove = await up.req('POST', '/label/handleLabel/bx', { body: { number: N, labelId: '6', action: 'remove' } })
    expect(remove.body).toEqual({ numberJid: JID, labelId: '6', remove: true })
    expect(sock().labelCalls.at(-1)).toEqual(['removeChatLabel', JID, '6'])
    expect((await up.req('POST', '/chat/findChats/bx', { body: { where: { remoteJid: N } } })).body[0].labels).toEqual([])
  })

  it('a label put on a chat from the phone: labels.association -> the chat labels', async () => {
    sock().ev.emit('labels.association', { type: 'add', association: { type: 'label_jid', chatId: '595981444444@s.whatsapp.net', labelId: '6' } })
    await flushed()
    const chats = await up.req('POST', '/chat/findChats/bx', { body: { where: { remoteJid: '595981444444' } } })
    expect(chats.body[0].labels).toEqual(['6'])
    await waitFor(() => hooks('labels.association').some((a) => a.chatId === '595981444444@s.whatsapp.net' && a.type === 'add'))
  })

  it('a socket failure is 400 ["Unable to add label to chat", ...]', async () => {
    sock().addChatLabel = async () => {
      throw new Error('not-authorized')
    }
    const res = await up.req('POST', '/label/handleLabel/bx', { body: { number: N, labelId: '6', action: 'add' } })
    expect(res.status).toBe(400)
    expect(res.body.response.message).toEqual(['Unable to add label to chat', 'Error: not-authorized'])
  })
})
