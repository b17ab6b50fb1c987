// The /chat action routes on the Cloud API against the fake Graph API: mark as read and media download
// send Meta's exact requests (POST /{phone_number_id}/messages {status:"read"}; GET /{media-id}, then its
// URL with the Bearer token), profile pictures are null, and every other route is Evolution's named 400.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { FakeGraph } from '../../../../tests/support/fake-graph.js'
import { CLOUD_PHONE_ID as PHONE_ID, CLOUD_TOKEN as TOKEN, startCloudRig, type CloudRig } from '../../testing/cloud-rig.js'
import type { Upstream } from '../../testing/upstream-harness.js'

const N = '595981123456'
const JID = `${N}@s.whatsapp.net`
const BYTES = Buffer.from('%PDF-1.4 fake cloud document')

let rig: CloudRig
let up: Upstream
let graph: FakeGraph

beforeAll(async () => {
  rig = await startCloudRig()
  ;({ up, graph } = rig)
  graph.addMedia('1234567890', { bytes: BYTES, mimeType: 'application/pdf' })
})
afterAll(async () => {
  await rig?.close()
})
beforeEach(() => {
  graph.requests.length = 0
})

const post = (route: string, body: unknown, method = 'POST') => up.req(method, `/chat/${route}/biz`, { body })

describe('what Meta offers', () => {
  it('markMessageAsRead: one POST /{phone_number_id}/messages {status:"read"} per received message', async () => {
    const res = await post('markMessageAsRead', { readMessages: [{ id: 'wamid.IN1', fromMe: false, remoteJid: JID }, { id: 'wamid.OUT', fromMe: true, remoteJid: JID }] })
    expect([res.status, res.body]).toEqual([201, { message: 'Read messages', read: 'success' }])
    expect(graph.requests.map((r) => [r.method, r.path, r.authorization, r.body])).toEqual([
      ['POST', `/v21.0/${PHONE_ID}/messages`, `Bearer ${TOKEN}`, { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.IN1' }],
    ])
  })

  it('getBase64FromMediaMessage: GET /{media-id}, then the URL it answered with the token; the exact bytes', async () => {
    const message = { key: { id: 'wamid.DOC', fromMe: false, remoteJid: JID }, message: { documentMessage: { id: '1234567890', mimetype: 'application/pdf', fileName: 'a.pdf' } } }
    const res = await post('getBase64FromMediaMessage', { message })
    expect(res.status).toBe(201)
    expect(Buffer.from(res.body.base64, 'base64').equals(BYTES)).toBe(true)
    expect(res.body).toMatchObject({ mediaType: 'documentMessage', fileName: 'a.pdf', mimetype: 'application/pdf' })
    expect(graph.requests.map((r) => [r.method, r.path, r.authorization])).toEqual([
      ['GET', '/v21.0/1234567890', `Bearer ${TOKEN}`],
      ['GET', '/_media/1234567890', `Bearer ${TOKEN}`],
    ])
  })

  it('fetchProfilePictureUrl: always null', async () => {
    const res = await post('fetchProfilePictureUrl', { number: N })
    expect([res.status, res.body]).toEqual([200, { wuid: JID, profilePictureUrl: null }])
    expect(graph.requests).toEqual([])
  })
})

describe('what it does not', () => {
  const NA = { status: 400, error: 'Bad Request', response: { message: ['Method not available on WhatsApp Business API'] } }
  const key = { id: 'wamid.X', fromMe: true, remoteJid: JID }
  const cases: [string, unknown, string?][] = [
    ['archiveChat', { archive: true, lastMessage: { key } }],
    ['markChatUnread', { lastMessage: { key } }],
    ['deleteMessageForEveryone', key, 'DELETE'],
    ['sendPresence', { number: N, presence: 'composing', delay: 0 }],
    ['updateBlockStatus', { number: N, status: 'block' }],
  ]
  for (const [route, body, method] of cases) {
    it(`${route}: 400 Method not available on WhatsApp Business API, no Graph call`, async () => {
      const res = await post(route, body, method)
      expect([res.status, res.body]).toEqual([400, NA])
      expect(graph.requests).toEqual([])
    })
  }

  it('updateMessage on a stored send: the same 400', async () => {
    const sent = await up.req('POST', '/message/sendText/biz', { body: { number: N, text: 'hi' } })
    expect(sent.status).toBe(201)
    const res = await post('updateMessage', { number: N, key: sent.body.key, text: 'edited' })
    expect([res.status, res.body]).toEqual([400, NA])
  })
})
