/**
 * @module routes/proxy tests: the whole gateway (createApp + createHttpServer, real PostgreSQL and
 * Redis on a throwaway database) in front of a fake upstream, for two things the chats panel relies on:
 *  - sendSticker, sendPtv and sendStatus are sends like the others: per-IP and per-user limited, logged
 *    once with their type and WhatsApp id (JSON, multipart with a file, urlencoded bodies; D13), and
 *    moved to delivered/read by the upstream's status webhooks;
 *  - a large POST /chat/getBase64FromMediaMessage answer (tens of MB of base64) is streamed to the
 *    client, with backpressure: while the client reads nothing the upstream can write only what the
 *    sockets and stream buffers hold, not the whole answer.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestGateway, type TestGateway } from '../../../../tests/support/gateway.js'
import { receiverToken } from '../../services/webhooks/tokens.js'

const KEY = 'extra-sends-test-key-0123456789'
const INSTANCE = 'extra-inst'
/** The media answer's size: far more than any socket or stream buffer on the way. */
const BIG = 64 * 1024 * 1024
const CHUNK = Buffer.alloc(64 * 1024, 'A')

let gw: TestGateway
let upstream: http.Server
let base = ''
let token = ''
let seq = 0
/** What the fake upstream saw of each send: content type and body size. */
const seen: { path: string; contentType: string; bytes: number }[] = []
/** Progress of the streamed media answer: bytes written so far, and whether it ended. */
const media = { written: 0, done: false }

function fakeUpstream(req: http.IncomingMessage, res: http.ServerResponse): void {
  const chunks: Buffer[] = []
  req.on('data', (c: Buffer) => chunks.push(c))
  req.on('end', () => {
    const path = req.url ?? ''
    if (path.startsWith('/chat/getBase64FromMediaMessage/')) return void streamMedia(res)
    seen.push({ path, contentType: req.headers['content-type'] ?? '', bytes: Buffer.concat(chunks).length })
    const action = path.split('/')[2] ?? ''
    const remoteJid = action === 'sendStatus' ? 'status@broadcast' : '595981000001@s.whatsapp.net'
    const messageType = { sendSticker: 'stickerMessage', sendPtv: 'ptvMessage', sendStatus: 'conversation' }[action] ?? 'conversation'
    res.writeHead(201, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ key: { remoteJid, fromMe: true, id: `3EB0EXTRA${++seq}` }, pushName: 'Você', status: 'PENDING', message: {}, messageType, messageTimestamp: 1, instanceId: 'i', source: 'web' }))
  })
}

/** `{"mediaType":...,"base64":"AAAA…"}` of BIG bytes of base64, chunked, written as fast as the socket takes it. */
function streamMedia(res: http.ServerResponse): void {
  media.written = 0
  media.done = false
  res.writeHead(201, { 'content-type': 'application/json; charset=utf-8' })
  res.write('{"mediaType":"imageMessage","fileName":"big.jpeg","mimetype":"image/jpeg","base64":"')
  const pump = () => {
    while (media.written < BIG) {
      media.written += CHUNK.length
      if (!res.write(CHUNK)) return void res.once('drain', pump)
    }
    res.end('","buffer":null}', () => (media.done = true))
  }
  pump()
}

beforeAll(async () => {
  upstream = http.createServer(fakeUpstream)
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r))
  gw = await startTestGateway({
    upstreamUrl: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
    apiKey: KEY,
    instance: INSTANCE,
    username: 'extra',
    lockKey: 727_002,
    dbPrefix: 'taguato_extra_sends',
    env: {
      // Each test sends from its own X-Forwarded-For address, so the small per-IP burst is per test.
      TRUSTED_PROXIES: '127.0.0.1',
      MESSAGE_IP_RATE: '1',
      MESSAGE_IP_BURST: '3',
      RATE_LIMIT_DEFAULT: '1000',
    },
  })
  ;({ base, token } = gw)
})

afterAll(async () => {
  await gw?.close()
  upstream?.closeAllConnections()
  upstream?.close()
})

const send = (action: string, ip: string, body: string | Buffer, contentType = 'application/json') =>
  fetch(`${base}/message/${action}/${INSTANCE}`, {
    method: 'POST',
    headers: { apikey: token, 'content-type': contentType, 'x-forwarded-for': ip },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  })

type LogRow = { phone_number: string; message_type: string; status: string; wa_message_id: string | null }
/**
 * The row, once the durable log buffer has reached PostgreSQL. `flush()` waits at most 2 s and the buffer
 * is shared with the other test files on this database (one flusher at a time), so it may take a few tries.
 */
async function logRow(waId: string): Promise<LogRow | undefined> {
  for (let attempt = 0; ; attempt += 1) {
    await gw.deps.messageLog.flush()
    const [row] = await gw.deps.sql<LogRow[]>`
      select phone_number, message_type, status, wa_message_id from taguato.message_logs where user_id = ${gw.userId} and wa_message_id = ${waId}`
    if (row || attempt >= 40) return row
    await new Promise((r) => setTimeout(r, 250))
  }
}

describe('sendSticker, sendPtv, sendStatus through the gateway', () => {
  it('JSON bodies: limited like every send, logged once with their type and WhatsApp id, then tracked to read', async () => {
    const cases = [
      { action: 'sendSticker', body: { number: '595981000001', sticker: 'https://example.com/s.webp' }, type: 'sticker', to: '595981000001' },
      { action: 'sendPtv', body: { number: '595981000001', video: 'https://example.com/v.mp4' }, type: 'ptv', to: '595981000001' },
      { action: 'sendStatus', body: { type: 'text', content: 'Open today', backgroundColor: '#008000', font: 1, allContacts: true }, type: 'status', to: 'status@broadcast' },
    ]
    for (const c of cases) {
      const res = await send(c.action, '203.0.113.10', JSON.stringify(c.body))
      expect(res.status, c.action).toBe(201)
      // The per-user limit answered for it (its headers are on every admitted request).
      expect(res.headers.get('x-ratelimit-limit'), c.action).toBe('1000')
      const id = ((await res.json()) as { key: { id: string } }).key.id
      expect(await logRow(id), c.action).toEqual({ phone_number: c.to, message_type: c.type, status: 'sent', wa_message_id: id })
      // The upstream's status webhook moves the row, as for any send (services/webhooks/delivery-status).
      const hook = await fetch(`${base}/internal/upstream-events/${receiverToken(KEY, 'global')}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ event: 'messages.update', instance: INSTANCE, data: { keyId: id, remoteJid: c.to, fromMe: true, status: 'READ' } }),
      })
      expect(hook.status).toBe(200)
      await expect.poll(async () => (await logRow(id))?.status, { timeout: 5000 }).toBe('read')
    }
  })

  it('the per-IP /message/* limit applies to them: the burst is 3, the 4th is 429', async () => {
    const statuses: number[] = []
    for (const action of ['sendSticker', 'sendPtv', 'sendStatus', 'sendSticker']) {
      statuses.push((await send(action, '203.0.113.20', JSON.stringify({ number: '595981000002', sticker: 'x', video: 'x', type: 'text', content: 'x' }))).status)
    }
    expect(statuses).toEqual([201, 201, 201, 429])
  })

  it('multipart (a file part) and urlencoded bodies are forwarded as sent and logged from their text fields', async () => {
    const boundary = '----taguato7'
    const file = Buffer.alloc(300_000, 0x89)
    const form = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="number"\r\n\r\n595981000003\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="s.webp"\r\nContent-Type: image/webp\r\n\r\n`),
      file,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ])
    const before = seen.length
    const res = await send('sendSticker', '203.0.113.30', form, `multipart/form-data; boundary=${boundary}`)
    expect(res.status).toBe(201)
    const id = ((await res.json()) as { key: { id: string } }).key.id
    expect(seen[before]).toEqual({ path: `/message/sendSticker/${INSTANCE}`, contentType: `multipart/form-data; boundary=${boundary}`, bytes: form.length })
    expect(await logRow(id)).toMatchObject({ phone_number: '595981000003', message_type: 'sticker', status: 'sent' })

    const res2 = await send('sendPtv', '203.0.113.30', 'number=595981000004&video=https%3A%2F%2Fexample.com%2Fv.mp4', 'application/x-www-form-urlencoded')
    expect(res2.status).toBe(201)
    const id2 = ((await res2.json()) as { key: { id: string } }).key.id
    expect(await logRow(id2)).toMatchObject({ phone_number: '595981000004', message_type: 'ptv' })
  })
})

describe('POST /chat/getBase64FromMediaMessage with a large answer', () => {
  it('is streamed: the client gets it before the upstream has finished, and a client that does not read holds the upstream back', async () => {
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.request(`${base}/chat/getBase64FromMediaMessage/${INSTANCE}`, {
        method: 'POST',
        headers: { apikey: token, 'content-type': 'application/json' },
      })
      req.on('response', resolve)
      req.on('error', reject)
      req.end(JSON.stringify({ message: { key: { id: '3EB0MEDIA' } } }))
    })
    expect(res.statusCode).toBe(201)
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    // The gateway's global headers are on a streamed answer too.
    expect(res.headers['x-request-id']).toBeTruthy()
    expect(res.headers['x-ratelimit-limit']).toBe('1000')
    // Nothing is read for a while: a buffering gateway would take the whole answer meanwhile.
    await new Promise((r) => setTimeout(r, 1000))
    const heldAt = media.written
    expect(media.done).toBe(false)
    expect(heldAt).toBeLessThan(BIG / 2)

    let size = 0
    let head = ''
    let tail = Buffer.alloc(0)
    for await (const c of res as AsyncIterable<Buffer>) {
      if (head.length < 100) head += c.toString('utf8', 0, Math.min(c.length, 100))
      size += c.length
      tail = Buffer.concat([tail, c]).subarray(-40)
    }
    expect(media.done).toBe(true)
    expect(head).toMatch(/^\{"mediaType":"imageMessage","fileName":"big\.jpeg","mimetype":"image\/jpeg","base64":"AAAA/)
    expect(tail.toString()).toMatch(/AAAA","buffer":null\}$/)
    expect(size).toBe(Buffer.byteLength('{"mediaType":"imageMessage","fileName":"big.jpeg","mimetype":"image/jpeg","base64":"') + BIG + Buffer.byteLength('","buffer":null}'))
    console.log(`media answer: ${BIG / 1024 / 1024} MiB; upstream had written ${(heldAt / 1024 / 1024).toFixed(1)} MiB while the client read nothing`)
  }, 60_000)
})
