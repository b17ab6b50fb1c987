// The whole upstream (HTTP routes, InstanceManager, DB rows, webhooks) on the Baileys driver with a
// scripted socket: connect answers the socket's QR, pairing code, open, every send type's exact
// sendMessage arguments, whatsappNumbers gaps, acks and inbound messages (LID -> phone JID).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EvoError } from '../../lib/errors.js'
import { startBaileysRig, type BaileysRig } from '../../testing/baileys-rig.js'
import type { FakeSocket } from '../../testing/fake-baileys.js'
import { mediaBytes, startMediaServer, waitFor, type Upstream } from '../../testing/upstream-harness.js'
import type { BaileysSession } from './index.js'

const N = '595981123456'
const JID = `${N}@s.whatsapp.net`
const PNG_B64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='

let rig: BaileysRig
let up: Upstream
let media: Awaited<ReturnType<typeof startMediaServer>>
let sockets: FakeSocket[]

beforeAll(async () => {
  media = await startMediaServer()
  rig = await startBaileysRig({
    instance: 'b1',
    events: ['QRCODE_UPDATED', 'CONNECTION_UPDATE', 'MESSAGES_UPSERT', 'MESSAGES_UPDATE', 'SEND_MESSAGE'],
    connect: false,
  })
  up = rig.up
  sockets = rig.sockets
})
afterAll(async () => {
  await rig?.close()
  await media?.close()
})

/** Waits until b1's queued driver events reached the DB. */
const flushed = () => rig.flushed()

const hooks = (event: string) => rig.hooks(event)

describe('connect', () => {
  it('answers the QR the socket produced and then opens', async () => {
    const pending = up.req('GET', '/instance/connect/b1?number=595981000999')
    await waitFor(() => sockets.length === 1)
    sockets[0]!.qr('https://wa.me/settings/linked_devices#abc')
    const res = await pending
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ code: 'https://wa.me/settings/linked_devices#abc', count: 1, pairingCode: 'ABCD1234' })
    expect(res.body.base64).toMatch(/^data:image\/png;base64,/)
    expect(sockets[0]!.pairingRequests).toEqual(['595981000999'])
    await waitFor(() => hooks('qrcode.updated').length === 1)
    expect(hooks('qrcode.updated')[0].qrcode).toMatchObject({ instance: 'b1', code: 'https://wa.me/settings/linked_devices#abc', pairingCode: 'ABCD1234' })

    sockets[0]!.creds({ me: { id: '595981000999:9@s.whatsapp.net', name: 'Phone' }, registered: true })
    sockets[0]!.open({ id: '595981000999:9@s.whatsapp.net', name: 'Phone' })
    await waitFor(async () => (await up.req('GET', '/instance/connectionState/b1')).body.instance.state === 'open')
    await flushed()
    const row = (await up.req('GET', '/instance/fetchInstances?instanceName=b1')).body[0]
    expect(row).toMatchObject({ connectionStatus: 'open', ownerJid: '595981000999@s.whatsapp.net', profileName: 'Phone' })
    await waitFor(() => hooks('connection.update').some((d) => d.state === 'open'))
    expect(hooks('connection.update').find((d) => d.state === 'open')).toMatchObject({ wuid: '595981000999@s.whatsapp.net', statusReason: 200 })
  })
})

describe('sends', () => {
  const sock = () => sockets.at(-1)!
  async function send(path: string, body: Record<string, unknown>) {
    const before = sock().sent.length
    const res = await up.req('POST', `/message/${path}/b1`, { body })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    expect(sock().sent.length).toBe(before + 1)
    return { res, args: sock().sent.at(-1)! }
  }

  it('text -> {text}; answers messageRaw with the socket key, PENDING, conversation', async () => {
    const { res, args } = await send('sendText', { number: N, text: 'hola' })
    expect(args).toEqual([JID, { text: 'hola', linkPreview: null }])
    expect(res.body).toMatchObject({ key: { remoteJid: JID, fromMe: true }, status: 'PENDING', messageType: 'conversation', message: { conversation: 'hola' } })
    expect(res.body.key.id).toMatch(/^3EB0FAKE/)
    await waitFor(() => hooks('send.message').some((d) => d.key.id === res.body.key.id))
  })

  it('media image/video by URL (downloaded by the upstream, handed over as bytes) and base64 (Buffer), document with fileName, audio file', async () => {
    const img = await send('sendMedia', { number: N, mediatype: 'image', media: `${media.url}/a.png`, caption: 'hi' })
    expect(img.args).toEqual([JID, { image: mediaBytes('/a.png'), mimetype: 'image/png', caption: 'hi' }])
    expect(img.res.body.messageType).toBe('imageMessage')
    expect(img.res.body.message.imageMessage.fileLength).toBe('5') // 64-bit numbers as strings, like Evolution
    expect(img.res.body.message.imageMessage.mediaKey).toEqual({ 0: 1, 1: 2 })
    const vid = await send('sendMedia', { number: N, mediatype: 'video', media: PNG_B64, mimetype: 'video/mp4' })
    expect(vid.args[1]).toEqual({ video: Buffer.from(PNG_B64, 'base64'), mimetype: 'video/mp4' })
    const doc = await send('sendMedia', { number: N, mediatype: 'document', media: PNG_B64, fileName: 'x.pdf', mimetype: 'application/pdf' })
    expect(doc.args[1]).toEqual({ document: Buffer.from(PNG_B64, 'base64'), mimetype: 'application/pdf', fileName: 'x.pdf' })
    const aud = await send('sendMedia', { number: N, mediatype: 'audio', media: `${media.url}/a.mp3`, mimetype: 'audio/mpeg' })
    expect(aud.args[1]).toEqual({ audio: mediaBytes('/a.mp3'), mimetype: 'audio/mpeg' })
  })

  it('voice note -> ogg/opus ptt', async () => {
    const { args } = await send('sendWhatsAppAudio', { number: N, audio: `${media.url}/a.ogg` })
    expect(args[1]).toEqual({ audio: mediaBytes('/a.ogg'), mimetype: 'audio/ogg; codecs=opus', ptt: true })
  })

  it('location, contact, reaction, poll', async () => {
    expect((await send('sendLocation', { number: N, latitude: -25.3, longitude: -57.6, name: 'Asu', address: 'Centro' })).args[1]).toEqual({
      location: { degreesLatitude: -25.3, degreesLongitude: -57.6, name: 'Asu', address: 'Centro' },
    })
    const contact = await send('sendContact', { number: N, contact: [{ fullName: 'Ana', phoneNumber: '+595 981 000111' }] })
    expect(contact.args[1]).toEqual({
      contacts: {
        displayName: 'Ana',
        contacts: [{ displayName: 'Ana', vcard: expect.stringMatching(/^BEGIN:VCARD\nVERSION:3.0\nN:Ana\nFN:Ana\nitem1.TEL;waid=595981000111:\+595 981 000111\n/) }],
      },
    })
    const key = { id: '3EB0AAAA', remoteJid: JID, fromMe: true }
    expect((await send('sendReaction', { key, reaction: '👍' })).args).toEqual([JID, { react: { text: '👍', key } }])
    expect((await send('sendPoll', { number: N, name: 'Q?', selectableCount: 1, values: ['a', 'b'] })).args[1]).toEqual({
      poll: { name: 'Q?', values: ['a', 'b'], selectableCount: 1 },
    })
  })

  it('list and buttons go out as a text fallback', async () => {
    const list = await send('sendList', {
      number: N, title: 'T', description: 'D', buttonText: 'Open', footerText: 'F', sections: [{ title: 'S', rows: [{ title: 'r1', description: 'd1', rowId: '1' }, { title: 'r2' }] }],
    })
    expect(list.args[1]).toEqual({ text: '*T*\nD\n\n*S*\n• r1: d1\n• r2\n\n_F_', linkPreview: null })
    const buttons = await send('sendButtons', { number: N, title: 'T', description: 'D', footer: 'F', buttons: [{ type: 'reply', displayText: 'Yes', id: 'y' }, { type: 'url', displayText: 'Web', url: 'https://x' }] })
    expect(buttons.args[1]).toEqual({ text: '*T*\nD\n\n1. Yes\n2. Web\n\n_F_', linkPreview: null })
  })

  it('templates are refused with a 400 (they need WHATSAPP-BUSINESS)', async () => {
    const row = (await up.req('GET', '/instance/fetchInstances?instanceName=b1')).body[0]
    const session = up.deps.instances.entry({ ...row, session: null }).session as BaileysSession
    const err = await session.send(JID, { kind: 'template', name: 'hello', language: 'en', components: [] }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(EvoError)
    expect((err as EvoError).status).toBe(400)
    expect(String((err as EvoError).message)).toMatch(/WHATSAPP-BUSINESS/)
  })

  it('a number onWhatsApp omits is a 400 exists:false, without a send', async () => {
    const before = sock().sent.length
    const res = await up.req('POST', '/message/sendText/b1', { body: { number: '595981120000', text: 'x' } })
    expect(res.status).toBe(400)
    expect(res.body.response.message).toEqual([{ jid: '595981120000@s.whatsapp.net', exists: false, number: '595981120000' }])
    expect(sock().sent.length).toBe(before)
  })

  it('whatsappNumbers fills onWhatsApp gaps with exists:false; groups and LIDs exist', async () => {
    const res = await up.req('POST', '/chat/whatsappNumbers/b1', { body: { numbers: ['+595 981 123456', '595981120000', '120363025246125486@g.us', '123456789@lid'] } })
    expect(res.status).toBe(200)
    expect(res.body.map((r: { jid: string; exists: boolean }) => [r.jid, r.exists])).toEqual([
      [JID, true],
      ['595981120000@s.whatsapp.net', false],
      ['120363025246125486@g.us', true],
      ['123456789@lid', true],
    ])
  })
})

describe('socket events', () => {
  const sock = () => sockets.at(-1)!

  it('messages.update status numbers -> acks in the DB and messages.update webhooks', async () => {
    const sent = await up.req('POST', '/message/sendText/b1', { body: { number: N, text: 'ack me' } })
    const key = { remoteJid: JID, fromMe: true, id: sent.body.key.id }
    sock().ev.emit('messages.update', [{ key, update: { status: 3 } }])
    sock().ev.emit('messages.update', [{ key, update: { status: 4 } }, { key: { ...key, fromMe: false, id: 'other' }, update: { status: 4 } }])
    await waitFor(async () => (await up.deps.sql`select status from upstream.messages where key_id = ${key.id}`)[0]?.status === 'READ')
    await waitFor(() => hooks('messages.update').filter((d) => d.keyId === key.id).length === 2)
    expect(hooks('messages.update').filter((d) => d.keyId === key.id).map((d) => d.status)).toEqual(['DELIVERY_ACK', 'READ'])
    sock().ev.emit('messages.update', [{ key, update: { status: 2 } }]) // never backwards
    sock().ev.emit('messages.update', [{ key, update: { status: 5 } }])
    await waitFor(async () => (await up.deps.sql`select status from upstream.messages where key_id = ${key.id}`)[0]?.status === 'PLAYED')
  })

  it('messages.upsert notify and append -> stored and messages.upsert webhook (phone-sent ones too), LID chats reported by phone JID', async () => {
    sock().ev.emit('messages.upsert', {
      type: 'notify',
      messages: [
        { key: { remoteJid: '88887777@lid', remoteJidAlt: '595981555444@s.whatsapp.net', fromMe: false, id: 'IN-LID' }, pushName: 'Lid Contact', messageTimestamp: 1_700_000_100, message: { conversation: 'via lid' } },
        { key: { remoteJid: JID, fromMe: false, id: 'IN-EPH' }, pushName: 'Eph', messageTimestamp: 1_700_000_101, message: { ephemeralMessage: { message: { extendedTextMessage: { text: 'eph' } } } } },
        { key: { remoteJid: JID, fromMe: true, id: 'OUT-ECHO' }, message: { conversation: 'mine' } },
        { key: { remoteJid: 'status@broadcast', fromMe: false, id: 'STATUS' }, message: { conversation: 'story' } },
        { key: { remoteJid: JID, fromMe: false, id: 'PROTO' }, message: { protocolMessage: { type: 0 } } },
      ],
    })
    // `append`: received while the socket was offline; relayed like a live one (Evolution does too).
    sock().ev.emit('messages.upsert', { type: 'append', messages: [{ key: { remoteJid: JID, fromMe: false, id: 'OFFLINE' }, message: { conversation: 'old' } }] })
    await waitFor(() => hooks('messages.upsert').length === 4)
    const [lid, eph, echo, offline] = hooks('messages.upsert')
    expect(lid).toMatchObject({ key: { remoteJid: '595981555444@s.whatsapp.net', fromMe: false, id: 'IN-LID' }, pushName: 'Lid Contact', messageType: 'conversation', message: { conversation: 'via lid' }, messageTimestamp: 1_700_000_100 })
    expect(eph).toMatchObject({ key: { id: 'IN-EPH' }, messageType: 'extendedTextMessage', message: { extendedTextMessage: { text: 'eph' } } })
    // Sent from the phone: stored and relayed with fromMe true (the gateway's inbound log skips those).
    expect(echo).toMatchObject({ key: { id: 'OUT-ECHO', fromMe: true }, pushName: 'Você', message: { conversation: 'mine' } })
    expect(offline).toMatchObject({ key: { id: 'OFFLINE', fromMe: false } })
    const rows = await up.deps.sql`select key_id, number, remote_jid, from_me, origin from upstream.messages where key_id in ('IN-LID', 'IN-EPH', 'OUT-ECHO', 'OFFLINE', 'STATUS', 'PROTO') order by seq`
    expect(rows.map((r) => [r.keyId, r.number, r.remoteJid, r.fromMe, r.origin])).toEqual([
      ['IN-LID', '595981555444', '595981555444@s.whatsapp.net', false, 'live'],
      ['IN-EPH', N, JID, false, 'live'],
      ['OUT-ECHO', N, JID, true, 'live'],
      ['OFFLINE', N, JID, false, 'live'],
    ])
  })

  it('a close with backoff reason is the real state: close, reason stored, sends fail as Connection Closed', async () => {
    sock().close(428)
    await waitFor(async () => (await up.req('GET', '/instance/connectionState/b1')).body.instance.state === 'close')
    await flushed()
    const row = (await up.req('GET', '/instance/fetchInstances?instanceName=b1')).body[0]
    expect(row.disconnectionReasonCode).toBe(428)
    const res = await up.req('POST', '/message/sendText/b1', { body: { number: N, text: 'x' } })
    expect(res.status).toBe(400)
    expect(res.body.response.message).toEqual(['Error: Connection Closed'])
  })
})
