// /webhook/meta: GET verification, POST signature checks, and the routing of Meta's statuses and
// inbound messages to the WHATSAPP-BUSINESS instance (upstream.messages + messages.update /
// messages.upsert webhooks with the Baileys path's status words and `error {code, message}`).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { TestDatabase } from '../../../../tests/support/db.js'
import { signMeta, startFakeGraph, type FakeGraph } from '../../../../tests/support/fake-graph.js'
import { startReceiver, startUpstream, waitFor, withDb, type Upstream } from '../../testing/upstream-harness.js'

const TOKEN = 'EAAG-webhook-token'
const PHONE_ID = '109876543210987'
const SECRET = 'meta-app-secret'
const VERIFY = 'my-verify-token'
const N = '595981777888'

let db: TestDatabase
let up: Upstream
let graph: FakeGraph
let receiver: Awaited<ReturnType<typeof startReceiver>>
let server: import('node:http').Server

beforeAll(async () => {
  receiver = await startReceiver()
  graph = await startFakeGraph({ tokens: [TOKEN], appSecret: SECRET })
  db = await withDb()
  up = await startUpstream(db, {
    UPSTREAM_DRIVER: 'real', GRAPH_API_URL: graph.url, WA_BUSINESS_VERIFY_TOKEN: VERIFY, WA_BUSINESS_APP_SECRET: SECRET, WEBHOOK_GLOBAL_URL: receiver.url,
  })
  // The fake posts its webhooks over HTTP: serve the in-process app on a loopback port for it.
  const { serve } = await import('@hono/node-server')
  await new Promise<void>((resolve) => {
    server = serve({ fetch: up.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve()) as import('node:http').Server
  })
  const port = (server.address() as import('node:net').AddressInfo).port
  graph.config.webhookUrl = `http://127.0.0.1:${port}/webhook/meta`
  const res = await up.req('POST', '/instance/create', { body: { instanceName: 'hook', integration: 'WHATSAPP-BUSINESS', token: TOKEN, number: PHONE_ID } })
  expect(res.body.instance.status).toBe('open')
})
afterAll(async () => {
  server?.closeAllConnections()
  await new Promise((r) => server?.close(r))
  await up?.close()
  await db?.drop()
  await graph?.close()
  await receiver?.close()
})
beforeEach(() => {
  receiver.received.length = 0
})

async function sendText(text: string): Promise<string> {
  const res = await up.req('POST', '/message/sendText/hook', { body: { number: N, text } })
  expect(res.status).toBe(201)
  return res.body.key.id as string
}

const statusOf = async (keyId: string) => (await up.deps.sql`select status from upstream.messages where key_id = ${keyId}`)[0]?.status
const updates = (keyId: string) => receiver.received.filter((r) => r.body?.event === 'messages.update' && r.body.data.keyId === keyId).map((r) => r.body.data)

describe('GET /webhook/meta (verification)', () => {
  it('echoes hub.challenge as text/plain when mode and token match; no apikey needed', async () => {
    const res = await up.app.request(`/webhook/meta?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=1158201444`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(await res.text()).toBe('1158201444')
  })

  it('403 on a wrong token or mode', async () => {
    const wrong = await up.app.request('/webhook/meta?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1')
    expect(wrong.status).toBe(403)
    expect((await wrong.json()).response.message[0]).toMatch(/^Webhook verification failed/)
    const mode = await up.app.request(`/webhook/meta?hub.mode=unsubscribe&hub.verify_token=${VERIFY}&hub.challenge=1`)
    expect(mode.status).toBe(403)
  })

  it('403 for everything while WA_BUSINESS_VERIFY_TOKEN is empty (sandbox upstream, route mounted there too)', async () => {
    const db2 = await withDb()
    const sandbox = await startUpstream(db2)
    try {
      const res = await sandbox.app.request('/webhook/meta?hub.mode=subscribe&hub.verify_token=&hub.challenge=1')
      expect(res.status).toBe(403)
      // A POST is refused as well (no app secret), even correctly signed with an empty key.
      const body = '{"entry":[]}'
      const post = await sandbox.app.request('/webhook/meta', { method: 'POST', body, headers: { 'x-hub-signature-256': signMeta('', body) } })
      expect(post.status).toBe(403)
      // The sandbox simulates Cloud API instances too, sendTemplate included.
      await sandbox.req('POST', '/instance/create', { body: { instanceName: 'sbx', integration: 'WHATSAPP-BUSINESS', token: 't', number: PHONE_ID } })
      const tpl = await sandbox.req('POST', '/message/sendTemplate/sbx', { body: { number: N, name: 'hello_world', language: 'en_US' } })
      expect(tpl.status).toBe(201)
      expect(tpl.body).toMatchObject({ messageType: 'templateMessage', message: { templateMessage: { name: 'hello_world', language: 'en_US', components: [] } } })
    } finally {
      await sandbox.close()
      await db2.drop()
    }
  })
})

describe('POST /webhook/meta (signature)', () => {
  const payload = (keyId: string) =>
    JSON.stringify({ entry: [{ changes: [{ value: { metadata: { phone_number_id: PHONE_ID }, statuses: [{ id: keyId, status: 'read', recipient_id: N, timestamp: '1' }] } }] }] })

  it('missing signature -> 401, wrong -> 403, and the message status does not change', async () => {
    const keyId = await sendText('sig')
    const missing = await up.app.request('/webhook/meta', { method: 'POST', body: payload(keyId), headers: { 'content-type': 'application/json' } })
    expect(missing.status).toBe(401)
    expect((await missing.json()).response.message).toEqual(['Missing X-Hub-Signature-256'])
    const wrong = await up.app.request('/webhook/meta', { method: 'POST', body: payload(keyId), headers: { 'x-hub-signature-256': signMeta('other-secret', payload(keyId)) } })
    expect(wrong.status).toBe(403)
    const viaFake = await graph.postStatus({ wamid: keyId, status: 'read', phone_number_id: PHONE_ID, recipient: N, bad_signature: true })
    expect(viaFake.webhook_status).toBe(403)
    expect(await statusOf(keyId)).toBe('PENDING')
    expect(updates(keyId)).toEqual([])
  })

  it('the signature covers the raw bytes: the same JSON re-serialised is refused', async () => {
    const keyId = await sendText('bytes')
    const body = payload(keyId)
    const spaced = body.replace('{"entry"', '{ "entry"')
    const res = await up.app.request('/webhook/meta', { method: 'POST', body: spaced, headers: { 'x-hub-signature-256': signMeta(SECRET, body) } })
    expect(res.status).toBe(403)
    expect(await statusOf(keyId)).toBe('PENDING')
  })

  it('a good signature on a non-JSON body -> 400', async () => {
    const res = await up.app.request('/webhook/meta', { method: 'POST', body: 'nope', headers: { 'x-hub-signature-256': signMeta(SECRET, 'nope') } })
    expect(res.status).toBe(400)
  })
})

describe('statuses and inbound', () => {
  it('sent -> delivered -> read: upstream.messages status and messages.update with the Baileys words', async () => {
    const keyId = await sendText('track me')
    for (const status of ['sent', 'delivered', 'read'] as const) {
      const r = await graph.postStatus({ wamid: keyId, status, phone_number_id: PHONE_ID, recipient: N })
      expect(r.webhook_status).toBe(200)
      expect(JSON.parse(r.webhook_body)).toEqual({ received: true, routed: 1 })
    }
    expect(await statusOf(keyId)).toBe('READ')
    const got = await waitFor(() => (updates(keyId).length === 3 ? updates(keyId) : null))
    expect(got.map((d) => d.status)).toEqual(['SERVER_ACK', 'DELIVERY_ACK', 'READ'])
    expect(got[0]).toMatchObject({ keyId, remoteJid: `${N}@s.whatsapp.net`, fromMe: true, key: { id: keyId, fromMe: true } })
    expect(got[0].error).toBeUndefined()
  })

  it('failed -> ERROR with error {code, message} in messages.update; a later read does not undo it', async () => {
    const keyId = await sendText('will fail')
    await graph.postStatus({ wamid: keyId, status: 'failed', phone_number_id: PHONE_ID, recipient: N, error: { code: 131047, title: 'Re-engagement message', message: 'Re-engagement message' } })
    expect(await statusOf(keyId)).toBe('ERROR')
    const [data] = await waitFor(() => (updates(keyId).length ? updates(keyId) : null))
    expect(data).toMatchObject({ status: 'ERROR', error: { code: 131047, message: 'Re-engagement message' } })
    await graph.postStatus({ wamid: keyId, status: 'read', phone_number_id: PHONE_ID, recipient: N })
    expect(await statusOf(keyId)).toBe('ERROR')
  })

  it('inbound text -> messages.upsert (conversation, pushName from contacts) and a stored row', async () => {
    const r = await graph.postInbound({ phone_number_id: PHONE_ID, from: N, text: 'hola desde Meta', name: 'Ana' })
    expect(r.webhook_status).toBe(200)
    const upsert = await waitFor(() => receiver.received.find((x) => x.body?.event === 'messages.upsert')?.body)
    expect(upsert.instance).toBe('hook')
    expect(upsert.data).toMatchObject({ key: { remoteJid: `${N}@s.whatsapp.net`, fromMe: false, id: expect.stringMatching(/^wamid\./) }, pushName: 'Ana', message: { conversation: 'hola desde Meta' }, messageType: 'conversation' })
    const rows = await up.deps.sql`select from_me, message_type from upstream.messages where key_id = ${upsert.data.key.id}`
    expect(rows).toEqual([{ fromMe: false, messageType: 'conversation' }])
  })

  it('inbound image, location, interactive reply and reaction are proto-shaped', async () => {
    const messages = [
      { from: N, id: 'wamid.IMG', timestamp: '1700000000', type: 'image', image: { id: '777', mime_type: 'image/jpeg', caption: 'look' } },
      { from: N, id: 'wamid.LOC', timestamp: '1700000001', type: 'location', location: { latitude: 1.5, longitude: 2.5, name: 'P', address: 'A' } },
      { from: N, id: 'wamid.BTN', timestamp: '1700000002', type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'y', title: 'Yes' } } },
      { from: N, id: 'wamid.REA', timestamp: '1700000003', type: 'reaction', reaction: { message_id: 'wamid.OURS', emoji: '❤️' } },
    ]
    const body = JSON.stringify({ entry: [{ changes: [{ field: 'messages', value: { metadata: { phone_number_id: PHONE_ID }, contacts: [{ wa_id: N, profile: { name: 'Bo' } }], messages } }] }] })
    const res = await up.app.request('/webhook/meta', { method: 'POST', body, headers: { 'x-hub-signature-256': signMeta(SECRET, body) } })
    expect(res.status).toBe(200)
    const byId = async (id: string) => waitFor(() => receiver.received.find((x) => x.body?.event === 'messages.upsert' && x.body.data.key.id === id)?.body.data)
    expect((await byId('wamid.IMG')).message).toEqual({ imageMessage: { id: '777', mimetype: 'image/jpeg', caption: 'look' } })
    expect((await byId('wamid.LOC')).message).toEqual({ locationMessage: { degreesLatitude: 1.5, degreesLongitude: 2.5, name: 'P', address: 'A' } })
    expect((await byId('wamid.BTN')).message).toEqual({ buttonsResponseMessage: { selectedButtonId: 'y', selectedDisplayText: 'Yes' } })
    const rea = await byId('wamid.REA')
    expect(rea.message.reactionMessage).toEqual({ key: { remoteJid: `${N}@s.whatsapp.net`, fromMe: true, id: 'wamid.OURS' }, text: '❤️' })
    expect(rea.messageTimestamp).toBe(1700000003)
  })

  it('the find routes answer a Cloud API instance from the same store: its sends, their statuses, inbound messages and their senders', async () => {
    const keyId = await sendText('find me')
    await graph.postStatus({ wamid: keyId, status: 'delivered', phone_number_id: PHONE_ID, recipient: N })
    await graph.postInbound({ phone_number_id: PHONE_ID, from: N, text: 'found you', name: 'Cata' })
    const find = async (route: string, body: unknown) => (await up.req('POST', `/chat/${route}/hook`, { body })).body
    const mine = (await find('findMessages', { where: { key: { id: keyId } } })).messages.records[0]
    expect(mine).toMatchObject({ key: { fromMe: true }, pushName: 'Você', message: { conversation: 'find me' }, status: 'DELIVERY_ACK', MessageUpdate: [{ status: 'DELIVERY_ACK' }] })
    const theirs = (await find('findMessages', { where: { key: { remoteJid: N, fromMe: false } } })).messages.records
    expect(theirs.map((r: any) => r.message.conversation)).toContain('found you')
    expect(await find('findContacts', { where: { remoteJid: N } })).toEqual([expect.objectContaining({ pushName: 'Cata' })])
    const [chat] = await find('findChats', { where: { remoteJid: N } })
    expect(chat).toMatchObject({ pushName: 'Cata', lastMessage: { message: { conversation: 'found you' } }, windowActive: true })
    expect((await find('findStatusMessage', { where: { id: keyId } })).map((u: any) => u.status)).toEqual(['DELIVERY_ACK'])
  })

  it('an unknown phone number id is answered 200 and routed nowhere', async () => {
    const r = await graph.postInbound({ phone_number_id: '999000999000', from: N, text: 'lost' })
    expect(r.webhook_status).toBe(200)
    expect(JSON.parse(r.webhook_body)).toEqual({ received: true, routed: 0 })
  })
})
