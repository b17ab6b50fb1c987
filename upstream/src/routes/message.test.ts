// Contract tests for /message/*: every send route's messageRaw, failures, validation, and acks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestDatabase } from '../../../tests/support/db.js'
import { createInstance, openInstance, startMediaServer, startUpstream, waitFor, withDb, type Upstream } from '../testing/upstream-harness.js'

let db: TestDatabase
let up: Upstream
let media: Awaited<ReturnType<typeof startMediaServer>>
const N = '595981123456'
const PNG_B64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='

beforeAll(async () => {
  db = await withDb()
  up = await startUpstream(db)
  media = await startMediaServer()
  await openInstance(up, 'm1')
})
afterAll(async () => {
  await up?.close()
  await media?.close()
  await db?.drop()
})

function expectRaw(body: any, messageType: string) {
  expect(body.key).toMatchObject({ remoteJid: `${N}@s.whatsapp.net`, fromMe: true })
  expect(body.key.id).toMatch(/^3EB0[0-9A-F]{18}$/)
  expect(body).toMatchObject({ pushName: 'Você', status: 'PENDING', contextInfo: null, messageType, source: 'web' })
  expect(typeof body.messageTimestamp).toBe('number')
  expect(body.instanceId).toMatch(/^[0-9a-f-]{36}$/)
}

describe('send routes', () => {
  it('sendText: 201 messageRaw, number normalised', async () => {
    const res = await up.req('POST', '/message/sendText/m1', { body: { number: '+595 (981) 123456', text: 'hola' } })
    expect(res.status).toBe(201)
    expectRaw(res.body, 'conversation')
    expect(res.body.message).toEqual({ conversation: 'hola' })
  })

  it('sendMedia: URL, raw base64 and data: URL', async () => {
    const url = await up.req('POST', '/message/sendMedia/m1', { body: { number: N, mediatype: 'image', media: `${media.url}/a.png`, caption: 'hi' } })
    expect(url.status).toBe(201)
    expectRaw(url.body, 'imageMessage')
    expect(url.body.message.imageMessage).toMatchObject({ mimetype: 'image/png', caption: 'hi' })
    expect(url.body.message.imageMessage.url).toMatch(/^https:\/\/mmg\.whatsapp\.net\//)
    // The upstream downloaded the URL itself (through the guard) and sent its bytes.
    expect(url.body.message.imageMessage.fileLength).toBe(String('media:/a.png'.length))
    expect(media.requests).toContain('/a.png')
    const b64 = await up.req('POST', '/message/sendMedia/m1', { body: { number: N, mediatype: 'document', media: PNG_B64, fileName: 'x.pdf' } })
    expect(b64.status).toBe(201)
    expect(b64.body.message.documentMessage).toMatchObject({ fileName: 'x.pdf', mimetype: 'application/pdf', fileLength: '68' })
    // The sandbox runs offline: a host it cannot reach leaves the link in place (no length), as before the guard.
    const offline = await up.req('POST', '/message/sendMedia/m1', { body: { number: N, mediatype: 'image', media: 'https://no-such-host.invalid/a.png' } })
    expect(offline.status).toBe(201)
    expect(offline.body.message.imageMessage.fileLength).toBe('0')
    const data = await up.req('POST', '/message/sendMedia/m1', { body: { number: N, mediatype: 'image', media: `data:image/webp;base64,${PNG_B64}` } })
    expect(data.status).toBe(201)
    expect(data.body.message.imageMessage.mimetype).toBe('image/webp')
  })

  it('sendMedia: v2 400s', async () => {
    const bad = await up.req('POST', '/message/sendMedia/m1', { body: { number: N, mediatype: 'image', media: 'not media!' } })
    expect(bad.status).toBe(400)
    expect(bad.body.response.message).toEqual(['Owned media must be a url or base64'])
    const noName = await up.req('POST', '/message/sendMedia/m1', { body: { number: N, mediatype: 'document', media: PNG_B64 } })
    expect(noName.body.response.message).toEqual(['For base64 the file name must be informed.'])
    const enumErr = await up.req('POST', '/message/sendMedia/m1', { body: { number: N, mediatype: 'gif', media: PNG_B64 } })
    expect(enumErr.body.response.message).toEqual([['mediatype is not one of enum values: image,document,video,audio']])
  })

  it('sendWhatsAppAudio, sendLocation, sendContact', async () => {
    const audio = await up.req('POST', '/message/sendWhatsAppAudio/m1', { body: { number: N, audio: `${media.url}/a.mp3` } })
    expect(audio.status).toBe(201)
    expectRaw(audio.body, 'audioMessage')
    expect(audio.body.message.audioMessage).toMatchObject({ ptt: true, mimetype: 'audio/ogg; codecs=opus' })
    const loc = await up.req('POST', '/message/sendLocation/m1', { body: { number: N, latitude: -25.3, longitude: -57.6, name: 'Asu', address: 'Centro' } })
    expect(loc.status).toBe(201)
    expect(loc.body.message).toEqual({ locationMessage: { degreesLatitude: -25.3, degreesLongitude: -57.6, name: 'Asu', address: 'Centro' } })
    const locBad = await up.req('POST', '/message/sendLocation/m1', { body: { number: N, latitude: 'x' } })
    expect(locBad.body.response.message).toEqual([['latitude is not of a type(s) number', 'instance requires property "longitude"', 'instance requires property "name"', 'instance requires property "address"']])
    const contact = await up.req('POST', '/message/sendContact/m1', { body: { number: N, contact: [{ fullName: 'Ana', phoneNumber: '+595 981 000111' }] } })
    expect(contact.status).toBe(201)
    expectRaw(contact.body, 'contactMessage')
    expect(contact.body.message.contactMessage.vcard).toContain('waid=595981000111')
  })

  it('sendReaction, sendPoll, sendList, sendButtons', async () => {
    const text = await up.req('POST', '/message/sendText/m1', { body: { number: N, text: 'react to me' } })
    const reaction = await up.req('POST', '/message/sendReaction/m1', { body: { key: text.body.key, reaction: '👍' } })
    expect(reaction.status).toBe(201)
    expect(reaction.body.message.reactionMessage).toMatchObject({ key: text.body.key, text: '👍' })
    const notEmoji = await up.req('POST', '/message/sendReaction/m1', { body: { key: text.body.key, reaction: 'abc' } })
    expect(notEmoji.body.response.message).toEqual(['"reaction" must be an emoji'])
    const poll = await up.req('POST', '/message/sendPoll/m1', { body: { number: N, name: 'Q?', selectableCount: 1, values: ['a', 'b'] } })
    expect(poll.status).toBe(201)
    expectRaw(poll.body, 'pollCreationMessage')
    const list = await up.req('POST', '/message/sendList/m1', {
      body: { number: N, title: 'T', description: 'D', buttonText: 'Open', footerText: 'F', sections: [{ title: 'S', rows: [{ title: 'r1', rowId: '1' }] }] },
    })
    expect(list.status).toBe(201)
    expectRaw(list.body, 'listMessage')
    const buttons = await up.req('POST', '/message/sendButtons/m1', { body: { number: N, title: 'T', description: 'D', footer: 'F', buttons: [{ type: 'reply', displayText: 'Yes', id: 'y' }] } })
    expect(buttons.status).toBe(201)
    expectRaw(buttons.body, 'interactiveMessage')
  })
})

describe('send failures', () => {
  it('400 with v2 schema messages', async () => {
    const missing = await up.req('POST', '/message/sendText/m1', { body: {} })
    expect(missing.status).toBe(400)
    expect(missing.body).toEqual({ status: 400, error: 'Bad Request', response: { message: [['instance requires property "number"', 'instance requires property "text"']] } })
    const badNumber = await up.req('POST', '/message/sendText/m1', { body: { number: 5, text: 'x' } })
    expect(badNumber.body.response.message).toEqual([['Invalid format']])
    const empty = await up.req('POST', '/message/sendText/m1', { body: { number: N, text: '  ' } })
    expect(empty.body.response.message).toEqual(['Text is required'])
  })

  it('400 [{jid, exists:false, number}] for a number not on WhatsApp (ends in 0000)', async () => {
    const res = await up.req('POST', '/message/sendText/m1', { body: { number: '595981120000', text: 'x' } })
    expect(res.status).toBe(400)
    expect(res.body.response.message).toEqual([{ jid: '595981120000@s.whatsapp.net', exists: false, number: '595981120000' }])
  })

  it('not connected: 500 "Connection Closed", or 400 once the number is known', async () => {
    await createInstance(up, 'm-closed')
    const res = await up.req('POST', '/message/sendText/m-closed', { body: { number: N, text: 'x' } })
    expect(res.status).toBe(500)
    expect(res.body).toEqual({ status: 500, error: 'Internal Server Error', response: { message: 'Connection Closed' } })
    await up.req('POST', '/sandbox/instances/m1/drop')
    const known = await up.req('POST', '/message/sendText/m1', { body: { number: N, text: 'x' } })
    expect(known.status).toBe(400)
    expect(known.body.response.message).toEqual(['Error: Connection Closed'])
    await up.req('GET', '/instance/connect/m1') // stored creds: straight back to open
  })

  it('instance token works for its own instance only', async () => {
    const tokA = await openInstance(up, 'tok-a')
    await createInstance(up, 'tok-b')
    expect((await up.req('POST', '/message/sendText/tok-a', { key: tokA, body: { number: N, text: 'x' } })).status).toBe(201)
    expect((await up.req('POST', '/message/sendText/tok-b', { key: tokA, body: { number: N, text: 'x' } })).status).toBe(401)
  })
})

describe('acks', () => {
  it('SERVER_ACK -> DELIVERY_ACK -> READ follow automatically', async () => {
    // Its own database: a second upstream on this one would be a second replica of the same node id,
    // and its drain on close would take m1 away from `up` for the next test.
    const ackDb = await withDb()
    const acking = await startUpstream(ackDb, { SANDBOX_ACK_DELAY_MS: '5' })
    try {
      await openInstance(acking, 'a1')
      const sent = await acking.req('POST', '/message/sendText/a1', { body: { number: N, text: 'ack me' } })
      expect(sent.status).toBe(201)
      const id = sent.body.key.id
      const msg = await waitFor(async () => {
        const list = await acking.req('GET', `/sandbox/messages?instance=a1`)
        return list.body.messages.find((m: any) => m.id === id && m.status === 'READ')
      })
      expect(msg).toMatchObject({ instance: 'a1', number: N, type: 'text', payload: { number: N, text: 'ack me' } })
    } finally {
      await acking.close()
      await ackDb.drop()
    }
  })

  it('forced ack applies now; unknown id is 404', async () => {
    const sent = await up.req('POST', '/message/sendText/m1', { body: { number: N, text: 'force' } })
    const ack = await up.req('POST', `/sandbox/messages/${sent.body.key.id}/ack`, { body: { status: 'ERROR' } })
    expect(ack.status).toBe(200)
    expect(ack.body).toEqual({ id: sent.body.key.id, instance: 'm1', status: 'ERROR' })
    const list = await up.req('GET', `/sandbox/messages?number=${N}`)
    expect(list.body.messages.find((m: any) => m.id === sent.body.key.id).status).toBe('ERROR')
    expect((await up.req('POST', '/sandbox/messages/3EB0FFFFFFFFFFFFFFFFFF/ack', { body: { status: 'READ' } })).status).toBe(404)
    expect((await up.req('POST', `/sandbox/messages/${sent.body.key.id}/ack`, { body: { status: 'NOPE' } })).status).toBe(400)
  })
})
