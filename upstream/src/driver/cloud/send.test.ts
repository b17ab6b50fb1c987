// The Cloud API driver against the loopback fake Graph API: connect (token check), the exact Graph
// body and Bearer token of every send kind, the answer mapping (key.id = wamid), Meta errors as 400s
// with metaError, checkNumbers, sendTemplate and the WHATSAPP-BUSINESS create rules.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startFakeGraph, type FakeGraph } from '../../../../tests/support/fake-graph.js'
import { CLOUD_PHONE_ID as PHONE_ID, CLOUD_TOKEN as TOKEN, startCloudRig, type CloudRig } from '../../testing/cloud-rig.js'
import { startUpstream, withDb, type Upstream } from '../../testing/upstream-harness.js'
import { META_EXPLANATIONS } from './errors.js'

const N = '595981123456'
const PNG_B64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='

let rig: CloudRig
let up: Upstream
let graph: FakeGraph

beforeAll(async () => {
  rig = await startCloudRig({ graph: { phones: { [PHONE_ID]: '+1 555-010-0999' } }, create: { businessId: '2222' } })
  ;({ up, graph } = rig)
})
afterAll(async () => {
  await rig?.close()
})
beforeEach(() => {
  graph.requests.length = 0
})

/** The one Graph send recorded since the last reset. */
function lastSend() {
  const sends = graph.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/messages'))
  expect(sends).toHaveLength(1)
  expect(sends[0]!.path).toBe(`/v21.0/${PHONE_ID}/messages`)
  expect(sends[0]!.authorization).toBe(`Bearer ${TOKEN}`)
  return sends[0]!.body as Record<string, unknown>
}

const base = { messaging_product: 'whatsapp', recipient_type: 'individual', to: N }

describe('connect', () => {
  it('create opens the instance once GET /{phone_number_id} answers: identity from display number and verified name', async () => {
    const state = await up.req('GET', '/instance/connectionState/biz')
    expect(state.body).toEqual({ instance: { instanceName: 'biz', state: 'open' } })
    const rows = await up.req('GET', '/instance/fetchInstances?instanceName=biz')
    expect(rows.body[0]).toMatchObject({ connectionStatus: 'open', ownerJid: '15550100999@s.whatsapp.net', profileName: 'Fake Business 2922', integration: 'WHATSAPP-BUSINESS', number: PHONE_ID, businessId: '2222' })
  })

  it('a refused token: create still answers 201 with status close, connect answers Meta 190 as a 400', async () => {
    const res = await up.req('POST', '/instance/create', { body: { instanceName: 'badtoken', integration: 'WHATSAPP-BUSINESS', token: 'wrong', number: PHONE_ID } })
    expect(res.status).toBe(201)
    expect(res.body.instance.status).toBe('close')
    const conn = await up.req('GET', '/instance/connect/badtoken')
    expect(conn.status).toBe(400)
    expect(conn.body.response.metaError.code).toBe(190)
    expect(conn.body.response.message[0]).toMatch(/^Meta error 190: the access token .* \(Invalid OAuth access token/)
    const rows = await up.req('GET', '/instance/fetchInstances?instanceName=badtoken')
    expect(rows.body[0]).toMatchObject({ connectionStatus: 'close', disconnectionReasonCode: 401 })
    const send = await up.req('POST', '/message/sendText/badtoken', { body: { number: N, text: 'x' } })
    expect(send.status).toBe(500)
  })

  it('create needs number and token for WHATSAPP-BUSINESS (Evolution wording)', async () => {
    const noNumber = await up.req('POST', '/instance/create', { body: { instanceName: 'nonum', integration: 'WHATSAPP-BUSINESS', token: TOKEN } })
    expect(noNumber.status).toBe(400)
    expect(noNumber.body.response.message).toEqual(['number is required'])
    const noToken = await up.req('POST', '/instance/create', { body: { instanceName: 'notok', integration: 'WHATSAPP-BUSINESS', number: PHONE_ID } })
    expect(noToken.status).toBe(400)
    expect(noToken.body.response.message).toEqual(['token is required'])
  })

  it('logout closes without any Graph call; connect opens again', async () => {
    await up.req('POST', '/instance/create', { body: { instanceName: 'bye', integration: 'WHATSAPP-BUSINESS', token: TOKEN, number: PHONE_ID } })
    graph.requests.length = 0
    const out = await up.req('DELETE', '/instance/logout/bye')
    expect(out.status).toBe(200)
    expect(graph.requests).toHaveLength(0)
    expect((await up.req('GET', '/instance/connectionState/bye')).body.instance.state).toBe('close')
    const conn = await up.req('GET', '/instance/connect/bye')
    expect(conn.body).toEqual({ instance: { instanceName: 'bye', state: 'open' } })
  })
})

describe('sends: exact Graph bodies', () => {
  it('sendText: text {body, preview_url}; answer key.id is the wamid, status PENDING', async () => {
    const res = await up.req('POST', '/message/sendText/biz', { body: { number: `+${N}`, text: 'hola https://x.example' } })
    expect(res.status).toBe(201)
    expect(lastSend()).toEqual({ ...base, type: 'text', text: { body: 'hola https://x.example', preview_url: true } })
    expect(res.body.key).toEqual({ remoteJid: `${N}@s.whatsapp.net`, fromMe: true, id: expect.stringMatching(/^wamid\./) })
    expect(res.body).toMatchObject({ status: 'PENDING', messageType: 'conversation', message: { conversation: 'hola https://x.example' } })
    const stored = await up.deps.sql`select key_id, status, kind from upstream.messages where key_id = ${res.body.key.id}`
    expect(stored).toEqual([{ keyId: res.body.key.id, status: 'PENDING', kind: 'text' }])
  })

  it('sendMedia by URL: image {link, caption}, document {link, caption, filename}, video, audio (no caption)', async () => {
    const img = await up.req('POST', '/message/sendMedia/biz', { body: { number: N, mediatype: 'image', media: 'https://cdn.example/a.png', caption: 'pic' } })
    expect(img.status).toBe(201)
    expect(lastSend()).toEqual({ ...base, type: 'image', image: { link: 'https://cdn.example/a.png', caption: 'pic' } })
    expect(img.body.message.imageMessage).toEqual({ url: 'https://cdn.example/a.png', mimetype: 'image/png', caption: 'pic' })
    graph.requests.length = 0
    await up.req('POST', '/message/sendMedia/biz', { body: { number: N, mediatype: 'document', media: 'https://cdn.example/r.pdf', caption: 'doc', fileName: 'report.pdf' } })
    expect(lastSend()).toEqual({ ...base, type: 'document', document: { link: 'https://cdn.example/r.pdf', caption: 'doc', filename: 'report.pdf' } })
    graph.requests.length = 0
    await up.req('POST', '/message/sendMedia/biz', { body: { number: N, mediatype: 'video', media: 'https://cdn.example/v.mp4' } })
    expect(lastSend()).toEqual({ ...base, type: 'video', video: { link: 'https://cdn.example/v.mp4' } })
    graph.requests.length = 0
    await up.req('POST', '/message/sendMedia/biz', { body: { number: N, mediatype: 'audio', media: 'https://cdn.example/a.mp3', caption: 'dropped' } })
    expect(lastSend()).toEqual({ ...base, type: 'audio', audio: { link: 'https://cdn.example/a.mp3' } })
  })

  it('sendMedia base64: uploaded to /{id}/media (multipart, Bearer), then sent by id', async () => {
    const res = await up.req('POST', '/message/sendMedia/biz', { body: { number: N, mediatype: 'document', media: PNG_B64, fileName: 'x.png', caption: 'c' } })
    expect(res.status).toBe(201)
    const upload = graph.requests.find((r) => r.path.endsWith('/media'))!
    expect(upload).toMatchObject({ method: 'POST', path: `/v21.0/${PHONE_ID}/media`, authorization: `Bearer ${TOKEN}` })
    expect(upload.contentType).toMatch(/^multipart\/form-data; boundary=/)
    const body = lastSend()
    expect(body).toEqual({ ...base, type: 'document', document: { id: expect.stringMatching(/^\d+$/), caption: 'c', filename: 'x.png' } })
    expect(res.body.message.documentMessage).toMatchObject({ id: (body.document as { id: string }).id, fileName: 'x.png' })
  })

  it('sendWhatsAppAudio (voice note): audio {link}', async () => {
    const res = await up.req('POST', '/message/sendWhatsAppAudio/biz', { body: { number: N, audio: 'https://cdn.example/v.ogg' } })
    expect(res.status).toBe(201)
    expect(lastSend()).toEqual({ ...base, type: 'audio', audio: { link: 'https://cdn.example/v.ogg' } })
    expect(res.body.message.audioMessage).toMatchObject({ url: 'https://cdn.example/v.ogg', ptt: true })
  })

  it('sendLocation: location {latitude, longitude, name, address}', async () => {
    const res = await up.req('POST', '/message/sendLocation/biz', { body: { number: N, latitude: -25.3, longitude: -57.6, name: 'Asu', address: 'Centro' } })
    expect(res.status).toBe(201)
    expect(lastSend()).toEqual({ ...base, type: 'location', location: { latitude: -25.3, longitude: -57.6, name: 'Asu', address: 'Centro' } })
  })

  it('sendContact: contacts [{name:{formatted_name, first_name}, phones:[{phone, wa_id, type}]}]', async () => {
    const res = await up.req('POST', '/message/sendContact/biz', { body: { number: N, contact: [{ fullName: 'Ana Paz', phoneNumber: '+595 981 000111', organization: 'ACME' }] } })
    expect(res.status).toBe(201)
    expect(lastSend()).toEqual({
      ...base,
      type: 'contacts',
      contacts: [{ name: { formatted_name: 'Ana Paz', first_name: 'Ana' }, phones: [{ phone: '+595 981 000111', wa_id: '595981000111', type: 'CELL' }], org: { company: 'ACME' } }],
    })
  })

  it('sendReaction: reaction {message_id, emoji} to the reacted message chat', async () => {
    const res = await up.req('POST', '/message/sendReaction/biz', { body: { key: { id: 'wamid.ABC', remoteJid: `${N}@s.whatsapp.net`, fromMe: true }, reaction: '👍' } })
    expect(res.status).toBe(201)
    expect(lastSend()).toEqual({ ...base, type: 'reaction', reaction: { message_id: 'wamid.ABC', emoji: '👍' } })
  })

  it('sendList: interactive list with header, body, footer, button and sections', async () => {
    const res = await up.req('POST', '/message/sendList/biz', {
      body: { number: N, title: 'Menu', description: 'Pick one', buttonText: 'Open', footerText: 'ft', sections: [{ title: 'S1', rows: [{ title: 'A', description: 'a', rowId: 'ra' }, { title: 'B' }] }] },
    })
    expect(res.status).toBe(201)
    expect(lastSend()).toEqual({
      ...base,
      type: 'interactive',
      interactive: {
        type: 'list',
        header: { type: 'text', text: 'Menu' },
        body: { text: 'Pick one' },
        footer: { text: 'ft' },
        action: { button: 'Open', sections: [{ title: 'S1', rows: [{ id: 'ra', title: 'A', description: 'a' }, { id: 'row-1-2', title: 'B' }] }] },
      },
    })
  })

  it('sendButtons: interactive button with reply buttons; other button types are a clear 400', async () => {
    const res = await up.req('POST', '/message/sendButtons/biz', {
      body: { number: N, title: 'Hi', description: 'Choose', buttons: [{ type: 'reply', displayText: 'Yes', id: 'y' }, { type: 'reply', displayText: 'No' }] },
    })
    expect(res.status).toBe(201)
    expect(lastSend()).toEqual({
      ...base,
      type: 'interactive',
      interactive: { type: 'button', header: { type: 'text', text: 'Hi' }, body: { text: 'Choose' }, action: { buttons: [{ type: 'reply', reply: { id: 'y', title: 'Yes' } }, { type: 'reply', reply: { id: 'btn-2', title: 'No' } }] } },
    })
    graph.requests.length = 0
    const url = await up.req('POST', '/message/sendButtons/biz', { body: { number: N, title: 'Hi', buttons: [{ type: 'url', displayText: 'Go', url: 'https://x.example' }] } })
    expect(url.status).toBe(400)
    expect(url.body.response.message[0]).toMatch(/only "reply" buttons/)
    expect(graph.requests).toHaveLength(0)
  })

  it('groups are not reachable through the Cloud API: a clear 400, no Graph call', async () => {
    const res = await up.req('POST', '/message/sendText/biz', { body: { number: '120363025246125486@g.us', text: 'x' } })
    expect(res.status).toBe(400)
    expect(res.body.response.message).toEqual(['The WhatsApp Cloud API sends only to phone numbers, not to "120363025246125486@g.us"'])
    expect(graph.requests).toHaveLength(0)
  })

  it('sendPoll: not in the Cloud API, a clear 400 and no Graph call', async () => {
    const res = await up.req('POST', '/message/sendPoll/biz', { body: { number: N, name: 'Q?', selectableCount: 1, values: ['a', 'b'] } })
    expect(res.status).toBe(400)
    expect(res.body.response.message).toEqual(['Polls are not supported by the WhatsApp Cloud API (WHATSAPP-BUSINESS instances); send a list or buttons instead'])
    expect(graph.requests).toHaveLength(0)
  })

  it('sendTemplate: template {name, language:{code}, components}', async () => {
    const components = [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }] }]
    const res = await up.req('POST', '/message/sendTemplate/biz', { body: { number: N, name: 'order_update', language: 'es', components } })
    expect(res.status).toBe(201)
    expect(lastSend()).toEqual({ ...base, type: 'template', template: { name: 'order_update', language: { code: 'es' }, components } })
    expect(res.body).toMatchObject({ messageType: 'templateMessage', key: { id: expect.stringMatching(/^wamid\./) } })
    graph.requests.length = 0
    await up.req('POST', '/message/sendTemplate/biz', { body: { number: N, name: 'hello_world', language: 'en_US' } })
    expect(lastSend()).toEqual({ ...base, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } })
  })

  it('sendTemplate: validation and non-business instances are 400s', async () => {
    const bad = await up.req('POST', '/message/sendTemplate/biz', { body: { number: N, language: 'es' } })
    expect(bad.status).toBe(400)
    expect(bad.body.response.message).toEqual([['instance requires property "name"']])
    await up.req('POST', '/instance/create', { body: { instanceName: 'web1', integration: 'WHATSAPP-BAILEYS' } })
    const web = await up.req('POST', '/message/sendTemplate/web1', { body: { number: N, name: 'x', language: 'es' } })
    expect(web.status).toBe(400)
    expect(web.body.response.message).toEqual(['Templates are only sent by WHATSAPP-BUSINESS (WhatsApp Cloud API) instances; "web1" is WHATSAPP-BAILEYS'])
  })

  it('whatsappNumbers: every well-formed number exists (the Cloud API has no such lookup); no Graph call', async () => {
    const res = await up.req('POST', '/chat/whatsappNumbers/biz', { body: { numbers: [N, '5959810000', '123'] } })
    expect(res.status).toBe(200)
    expect(res.body).toEqual([
      { jid: `${N}@s.whatsapp.net`, exists: true, number: N },
      { jid: '5959810000@s.whatsapp.net', exists: true, number: '5959810000' },
      { jid: '123@s.whatsapp.net', exists: false, number: '123' },
    ])
    expect(graph.requests).toHaveLength(0)
  })
})

describe('Meta errors', () => {
  for (const code of [190, 131047, 131026, 130429, 131056, 131048, 100]) {
    it(`${code} -> 400 with the explanation and response.metaError`, async () => {
      graph.nextError({ code, message: `(#${code}) meta says no`, type: 'OAuthException', error_subcode: 2494010, http_status: code === 190 ? 401 : 400 })
      const res = await up.req('POST', '/message/sendText/biz', { body: { number: N, text: 'x' } })
      expect(res.status).toBe(400)
      expect(res.body).toEqual({
        status: 400,
        error: 'Bad Request',
        response: {
          message: [`Meta error ${code}: ${META_EXPLANATIONS[code]} ((#${code}) meta says no)`],
          metaError: { code, error_subcode: 2494010, type: 'OAuthException', message: `(#${code}) meta says no`, fbtrace_id: expect.any(String) },
        },
      })
      // Nothing stored for a refused send, and the instance stays open.
      expect((await up.req('GET', '/instance/connectionState/biz')).body.instance.state).toBe('open')
    })
  }

  it('the Graph API unreachable -> 500 saying so (no retry)', async () => {
    const dead = await startFakeGraph({ tokens: [TOKEN] })
    const deadUrl = dead.url
    await dead.close()
    const db2 = await withDb()
    const up2 = await startUpstream(db2, { UPSTREAM_DRIVER: 'real', GRAPH_API_URL: deadUrl })
    try {
      const res = await up2.req('POST', '/instance/create', { body: { instanceName: 'd', integration: 'WHATSAPP-BUSINESS', token: TOKEN, number: PHONE_ID } })
      expect(res.body.instance.status).toBe('close')
      const conn = await up2.req('GET', '/instance/connect/d')
      expect(conn.status).toBe(500)
      expect(conn.body.response.message).toMatch(/^WhatsApp Cloud API unavailable: /)
    } finally {
      await up2.close()
      await db2.drop()
    }
  })
})
