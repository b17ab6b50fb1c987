// sendSticker, sendPtv and sendStatus on the sandbox: Evolution's messageRaw (201), the WebP rule for
// stickers (as given, converted with sharp, or a 400 when conversion is impossible), media by URL
// downloaded through the guard, multipart `file` uploads, sendStatus' checks and recipients, and the
// record in GET /sandbox/messages.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { TestDatabase } from '../../../tests/support/db.js'
import { overrideSharpForTests } from '../services/sticker.js'
import { KEY, openInstance, startMediaServer, startUpstream, withDb, type Upstream } from '../testing/upstream-harness.js'

let db: TestDatabase
let up: Upstream
let media: Awaited<ReturnType<typeof startMediaServer>>
const N = '595981123456'
const JID = `${N}@s.whatsapp.net`
const PNG_B64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='
const WEBP_B64 = 'UklGRjwAAABXRUJQVlA4IDAAAADQAQCdASoBAAEAAUAmJaACdLoB+AADsAD+8ut//NgVzXPv9//S4P0uD9Lg/9KQAAA='

beforeAll(async () => {
  db = await withDb()
  up = await startUpstream(db)
  media = await startMediaServer()
  await openInstance(up, 'x1')
})
afterAll(async () => {
  await up?.close()
  await media?.close()
  await db?.drop()
})
afterEach(() => overrideSharpForTests(undefined))

const recorded = async () => (await up.req('GET', '/sandbox/messages?instance=x1')).body.messages as any[]

describe('sendSticker', () => {
  it('WebP base64 goes out as given: 201 messageRaw stickerMessage, recorded', async () => {
    const res = await up.req('POST', '/message/sendSticker/x1', { body: { number: N, sticker: WEBP_B64 } })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ key: { remoteJid: JID, fromMe: true }, status: 'PENDING', messageType: 'stickerMessage', pushName: 'Você', source: 'web' })
    expect(res.body.message.stickerMessage).toMatchObject({ mimetype: 'image/webp', isAnimated: false, fileLength: String(Buffer.from(WEBP_B64, 'base64').length) })
    const row = (await recorded()).find((m) => m.id === res.body.key.id)
    expect(row).toMatchObject({ type: 'sticker', message_type: 'stickerMessage', remote_jid: JID })
  })

  it('a PNG is converted to WebP (sharp); without sharp it is a 400 unless notConvertSticker', async () => {
    const converted = await up.req('POST', '/message/sendSticker/x1', { body: { number: N, sticker: PNG_B64 } })
    expect(converted.status).toBe(201)
    expect(converted.body.message.stickerMessage.mimetype).toBe('image/webp')
    expect(converted.body.message.stickerMessage.fileLength).not.toBe(String(Buffer.from(PNG_B64, 'base64').length))
    overrideSharpForTests(null)
    const refused = await up.req('POST', '/message/sendSticker/x1', { body: { number: N, sticker: PNG_B64 } })
    expect(refused.status).toBe(400)
    expect(refused.body.response.message[0]).toMatch(/not WebP and this server cannot convert images/)
    const asGiven = await up.req('POST', '/message/sendSticker/x1', { body: { number: N, sticker: PNG_B64, notConvertSticker: true } })
    expect(asGiven.status).toBe(201)
    expect(asGiven.body.message.stickerMessage.fileLength).toBe(String(Buffer.from(PNG_B64, 'base64').length))
  })

  it('a URL is downloaded through the guard; bytes that are no image cannot be converted (400)', async () => {
    const bad = await up.req('POST', '/message/sendSticker/x1', { body: { number: N, sticker: `${media.url}/s.png` } })
    expect(bad.status).toBe(400)
    expect(bad.body.response.message[0]).toMatch(/^The sticker could not be converted to WebP/)
    const raw = await up.req('POST', '/message/sendSticker/x1', { body: { number: N, sticker: `${media.url}/s.webp`, notConvertSticker: true } })
    expect(raw.status).toBe(201)
    expect(raw.body.message.stickerMessage.fileLength).toBe(String('media:/s.webp'.length))
    expect(media.requests).toContain('/s.webp')
    const internal = await up.req('POST', '/message/sendSticker/x1', { body: { number: N, sticker: 'http://10.0.0.1/s.webp' } })
    expect(internal.status).toBe(400)
    expect(internal.body.response.message[0]).toMatch(/^media URL refused/)
  })

  it("Evolution's 400s: no sticker, a bad number type, an unknown number", async () => {
    const none = await up.req('POST', '/message/sendSticker/x1', { body: { number: N } })
    expect(none.body).toEqual({ status: 400, error: 'Bad Request', response: { message: ['Owned media must be a url or base64'] } })
    const badNumber = await up.req('POST', '/message/sendSticker/x1', { body: { number: 5, sticker: WEBP_B64 } })
    expect(badNumber.body.response.message).toEqual([['Invalid format']])
    const missing = await up.req('POST', '/message/sendSticker/x1', { body: { number: '595981120000', sticker: WEBP_B64 } })
    expect(missing.body.response.message).toEqual([{ jid: '595981120000@s.whatsapp.net', exists: false, number: '595981120000' }])
  })

  it('multipart: the `file` part is the sticker, the other fields the body', async () => {
    const form = new FormData()
    form.set('number', N)
    form.set('notConvertSticker', 'true')
    form.set('file', new Blob([Buffer.from(WEBP_B64, 'base64')], { type: 'image/webp' }), 's.webp')
    const res = await up.app.request('/message/sendSticker/x1', { method: 'POST', headers: { apikey: KEY }, body: form })
    expect(res.status).toBe(201)
    const body = (await res.json()) as any
    expect(body.message.stickerMessage.fileLength).toBe(String(Buffer.from(WEBP_B64, 'base64').length))
  })

  it('multipart: a malformed form (no boundary, cut short) is a 400, never a 500', async () => {
    const cases: [string, string][] = [['multipart/form-data', 'number=1'], ['multipart/form-data; boundary=xyz', '--xyz\r\nContent-Disposition: form-data; name="number"\r\n\r\n59']]
    for (const [type, text] of cases) {
      const res = await up.app.request('/message/sendSticker/x1', { method: 'POST', headers: { apikey: KEY, 'content-type': type }, body: text })
      expect(res.status).toBe(400)
      const body = (await res.json()) as any
      expect(body.response.message[0]).toMatch(/^multipart\/form-data body could not be read/)
    }
  })
})

describe('sendPtv', () => {
  it('a round video note from base64 or a URL: ptvMessage', async () => {
    const res = await up.req('POST', '/message/sendPtv/x1', { body: { number: N, video: PNG_B64 } })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ messageType: 'ptvMessage', key: { remoteJid: JID } })
    expect(res.body.message.ptvMessage).toMatchObject({ mimetype: 'video/mp4', seconds: 0 })
    const url = await up.req('POST', '/message/sendPtv/x1', { body: { number: N, video: `${media.url}/v.mp4` } })
    expect(url.status).toBe(201)
    expect(url.body.message.ptvMessage.fileLength).toBe(String('media:/v.mp4'.length))
    const none = await up.req('POST', '/message/sendPtv/x1', { body: { number: N, video: 'not base64!' } })
    expect(none.body.response.message).toEqual(['Owned media must be a url or base64'])
    expect((await recorded()).some((m) => m.id === res.body.key.id && m.type === 'ptv')).toBe(true)
  })
})

describe('sendStatus', () => {
  it('text to a statusJidList: status@broadcast, background and font; no chat is opened', async () => {
    const res = await up.req('POST', '/message/sendStatus/x1', {
      body: { type: 'text', content: 'hello', backgroundColor: '#008000', font: 0, statusJidList: [N, '595981654321@s.whatsapp.net'] },
    })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ key: { remoteJid: 'status@broadcast', fromMe: true }, messageType: 'extendedTextMessage' })
    expect(res.body.message.extendedTextMessage).toEqual({ text: 'hello', backgroundArgb: 0xff008000, font: 0 })
    const row = (await recorded()).find((m) => m.id === res.body.key.id)
    expect(row).toMatchObject({ type: 'status', remote_jid: 'status@broadcast', number: 'status' })
    expect(row.payload.statusJidList).toEqual([N, '595981654321@s.whatsapp.net'])
    const chats = await up.req('POST', '/chat/findChats/x1', { body: {} })
    expect(chats.body.some((c: any) => c.remoteJid === 'status@broadcast')).toBe(false)
  })

  it('image by URL with a caption', async () => {
    const res = await up.req('POST', '/message/sendStatus/x1', { body: { type: 'image', content: `${media.url}/st.jpg`, caption: 'c', statusJidList: [JID] } })
    expect(res.status).toBe(201)
    expect(res.body.message.imageMessage).toMatchObject({ caption: 'c', mimetype: 'image/jpeg', fileLength: String('media:/st.jpg'.length) })
  })

  it("Evolution's checks in order, and allContacts from the stored contacts", async () => {
    const say = async (body: unknown) => (await up.req('POST', '/message/sendStatus/x1', { body })).body.response?.message
    expect(await say({ content: 'x' })).toEqual([['instance requires property "type"']])
    expect(await say({ type: 'gif', content: 'x' })).toEqual([['type is not one of enum values: text,image,video,audio']])
    expect(await say({ type: 'text', statusJidList: [N] })).toEqual(['Content is required'])
    expect(await say({ type: 'text', content: 'x' })).toEqual(['StatusJidList is required'])
    expect(await say({ type: 'text', content: 'x', allContacts: true })).toEqual(['Contacts not found'])
    expect(await say({ type: 'text', content: 'x', statusJidList: [N] })).toEqual(['Background color is required'])
    expect(await say({ type: 'text', content: 'x', statusJidList: [N], backgroundColor: '#000000' })).toEqual(['Font is required'])
    const font = await say({ type: 'text', content: 'x', statusJidList: [N], backgroundColor: '#000000', font: 6 })
    expect(font[0][0]).toMatch(/^font /)

    await up.req('POST', '/sandbox/instances/x1/inbound', { body: { number: '595981777777', text: 'hi' } })
    const row = (await up.req('GET', '/instance/fetchInstances?instanceName=x1')).body[0]
    await up.deps.instances.flush(row)
    const all = await up.req('POST', '/message/sendStatus/x1', { body: { type: 'text', content: 'x', allContacts: true, backgroundColor: '#000000', font: 1 } })
    expect(all.status).toBe(201)
    expect(all.body.key.remoteJid).toBe('status@broadcast')
  })

  it('a closed instance: Connection Closed as on every send', async () => {
    await up.req('POST', '/sandbox/instances/x1/drop')
    const res = await up.req('POST', '/message/sendPtv/x1', { body: { number: N, video: PNG_B64 } })
    expect(res.status).toBe(400)
    expect(res.body.response.message).toEqual(['Error: Connection Closed'])
    await up.req('POST', '/sandbox/instances/x1/scan')
  })
})
