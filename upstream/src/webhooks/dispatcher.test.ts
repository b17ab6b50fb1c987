// Webhook delivery: v2 envelope, per-instance and global targets, by-events paths, retries with backoff.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestDatabase } from '../../../tests/support/db.js'
import { createInstance, startReceiver, startUpstream, waitFor, withDb, type Upstream } from '../testing/upstream-harness.js'

let db: TestDatabase
let up: Upstream
let sink: Awaited<ReturnType<typeof startReceiver>>
let global: Awaited<ReturnType<typeof startReceiver>>
const N = '595981123456'

beforeAll(async () => {
  db = await withDb()
  // The first delivery of every event fails with 500 (retried); /fail-404 always answers 404 (not retried).
  const seen = new Set<string>()
  sink = await startReceiver((r) => {
    if (r.path.startsWith('/fail-404')) return 404
    const id = `${r.path}|${r.body.event}|${JSON.stringify(r.body.data).slice(0, 200)}`
    if (seen.has(id)) return 200
    seen.add(id)
    return 500
  })
  global = await startReceiver()
  up = await startUpstream(db, { WEBHOOK_GLOBAL_URL: global.url, SANDBOX_ACK_DELAY_MS: '5', WEBHOOK_RETRY_MAX_ATTEMPTS: '3' })
})
afterAll(async () => {
  await up?.close()
  await sink?.close()
  await global?.close()
  await db?.drop()
})

describe('webhook deliveries', () => {
  it('retries a failed delivery and sends the v2 envelope', async () => {
    const token = await createInstance(up, 'd1', { webhook: { enabled: true, url: `${sink.url}/hook`, events: ['CONNECTION_UPDATE', 'QRCODE_UPDATED', 'SEND_MESSAGE', 'MESSAGES_UPDATE', 'MESSAGES_UPSERT'] } })
    await up.req('GET', '/instance/connect/d1')
    await up.req('POST', '/sandbox/instances/d1/scan')
    const sent = await up.req('POST', '/message/sendText/d1', { body: { number: N, text: 'hook me' } })
    await up.req('POST', '/sandbox/instances/d1/inbound', { body: { number: N, text: 'reply' } })
    const keyId = sent.body.key.id

    const ok = (event: string, pred: (b: any) => boolean = () => true) =>
      waitFor(() => sink.received.find((r) => r.body.event === event && pred(r.body.data) && r.path === '/hook'))
    const qr = await ok('qrcode.updated')
    expect(qr.body.data.qrcode).toMatchObject({ instance: 'd1', pairingCode: null })
    expect(qr.body.data.qrcode.base64).toMatch(/^data:image\/png;base64,/)
    const open = await ok('connection.update', (d) => d.state === 'open')
    expect(open.body).toMatchObject({
      event: 'connection.update', instance: 'd1', destination: `${sink.url}/hook`,
      data: { instance: 'd1', state: 'open', statusReason: 200 },
    })
    // An admin-set URL is not the gateway: the internal server_url and the instance token stay home.
    expect(open.body).not.toHaveProperty('server_url')
    expect(open.body).not.toHaveProperty('apikey')
    expect(JSON.stringify(sink.received)).not.toContain(token)
    expect(open.body.data.wuid).toMatch(/@s\.whatsapp\.net$/)
    expect(open.body.sender).toBe(open.body.data.wuid)
    expect(open.body.date_time).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/)
    expect(open.headers['content-type']).toBe('application/json')
    const send = await ok('send.message')
    expect(send.body.data).toEqual(sent.body)
    const upsert = await ok('messages.upsert')
    expect(upsert.body.data.message).toEqual({ conversation: 'reply' })
    for (const status of ['SERVER_ACK', 'DELIVERY_ACK', 'READ']) {
      const ack = await ok('messages.update', (d) => d.status === status)
      expect(ack.body.data).toMatchObject({ keyId, remoteJid: `${N}@s.whatsapp.net`, fromMe: true, status, key: { id: keyId } })
    }

    await up.deps.webhooks.idle()
    const log = (await up.req('GET', '/sandbox/webhooks/deliveries?instance=d1&event=SEND_MESSAGE')).body.deliveries
    const toSink = log.filter((d: any) => d.url === `${sink.url}/hook`)
    expect(toSink.map((d: any) => [d.attempt, d.status])).toEqual([[1, 500], [2, 200]])
    expect(toSink[0]).toMatchObject({ event: 'send.message', instance: 'd1', error: 'HTTP 500' })
    expect(toSink[1].error).toBeNull()
    expect(toSink[0].at).toMatch(/Z$/)
  })

  it('every event also reaches WEBHOOK_GLOBAL_URL', async () => {
    await up.deps.webhooks.idle()
    const events = new Set(global.received.filter((r) => r.body.instance === 'd1').map((r) => r.body.event))
    for (const e of ['instance.create', 'qrcode.updated', 'connection.update', 'send.message', 'messages.upsert', 'messages.update']) expect(events.has(e)).toBe(true)
    expect(global.received[0]!.body.destination).toBe(global.url)
  })

  it('by-events suffixes the path; disabled or unsubscribed webhooks get nothing; 404 is not retried', async () => {
    await createInstance(up, 'd2')
    await up.req('POST', '/webhook/set/d2', { body: { webhook: { enabled: true, url: `${sink.url}/by`, byEvents: true, events: ['CONNECTION_UPDATE'] } } })
    await up.req('POST', '/sandbox/instances/d2/scan')
    await waitFor(() => sink.received.find((r) => r.path === '/by/connection-update' && r.body.data.state === 'open'))
    await up.req('POST', '/webhook/set/d2', { body: { url: `${sink.url}/fail-404`, events: ['CONNECTION_UPDATE'] } })
    await up.req('POST', '/sandbox/instances/d2/drop')
    await up.deps.webhooks.idle()
    const fails = (await up.req('GET', '/sandbox/webhooks/deliveries?instance=d2')).body.deliveries.filter((d: any) => d.url.endsWith('/fail-404'))
    expect(fails).toHaveLength(1)
    expect(fails[0]).toMatchObject({ status: 404, attempt: 1 })
    await up.req('POST', '/webhook/set/d2', { body: { webhook: { enabled: false, url: `${sink.url}/off` } } })
    await up.req('GET', '/instance/connect/d2')
    await up.deps.webhooks.idle()
    expect(sink.received.some((r) => r.path.startsWith('/off'))).toBe(false)
    expect(sink.received.some((r) => r.path.startsWith('/by/send-message'))).toBe(false)
  })

  it('gives up after WEBHOOK_RETRY_MAX_ATTEMPTS when the target is down', async () => {
    await createInstance(up, 'd3', { webhook: { enabled: true, url: 'http://127.0.0.1:1/down', events: ['CONNECTION_UPDATE'] } })
    await up.req('POST', '/sandbox/instances/d3/scan')
    await up.deps.webhooks.idle()
    const down = (await up.req('GET', '/sandbox/webhooks/deliveries?instance=d3')).body.deliveries.filter((d: any) => d.url.includes(':1/down'))
    // connecting + open events, three attempts each, no HTTP status.
    expect(down).toHaveLength(6)
    expect(down.every((d: any) => d.status === null && typeof d.error === 'string')).toBe(true)
    expect(Math.max(...down.map((d: any) => d.attempt))).toBe(3)
  })
})
