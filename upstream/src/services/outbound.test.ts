// The outbound-request guard in the upstream: media URLs and instance webhooks to internal addresses
// are refused (400 at request time, nothing sent), the gateway's receiver is recognised by its HMAC and
// gets the full envelope, configured headers cannot replace the dispatcher's own.
import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestDatabase } from '../../../tests/support/db.js'
import { createInstance, KEY, openInstance, startMediaServer, startReceiver, startUpstream, waitFor, withDb, type Upstream } from '../testing/upstream-harness.js'

const N = '595981123456'
let db: TestDatabase
let up: Upstream
/** Stands for an internal service: nothing may reach it. */
let internal: Awaited<ReturnType<typeof startReceiver>>
/** An exempt test host that redirects wherever it is told. */
let redirector: Awaited<ReturnType<typeof startMediaServer>>
/** An exempt test host with real media. */
let media: Awaited<ReturnType<typeof startMediaServer>>
let receiver: Awaited<ReturnType<typeof startReceiver>>

const port = (url: string) => new URL(url).port

beforeAll(async () => {
  db = await withDb()
  internal = await startReceiver()
  media = await startMediaServer()
  receiver = await startReceiver()
  const { createServer } = await import('node:http')
  const server = createServer((req, res) => {
    res.writeHead(302, { location: `${internal.url}/stolen` })
    res.end()
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const rport = (server.address() as { port: number }).port
  redirector = {
    url: `http://127.0.0.1:${rport}`,
    requests: [],
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  }
  up = await startUpstream(db, {
    // Only these exact test hosts are exempt; `internal` (another port of 127.0.0.1) is not.
    OUTBOUND_ALLOWED_HOSTS: [`127.0.0.1:${port(media.url)}`, `127.0.0.1:${port(redirector.url)}`, `127.0.0.1:${port(receiver.url)}`].join(','),
    OUTBOUND_TEST_RESOLVE: `evil.test=127.0.0.1,cdn.public.test=127.0.0.1`,
  })
  await openInstance(up, 'g1')
})
afterAll(async () => {
  await up?.close()
  for (const s of [internal, media, redirector, receiver]) await s?.close()
  await db?.drop()
})

const sendMedia = (media: string) => up.req('POST', '/message/sendMedia/g1', { body: { number: N, mediatype: 'image', media, fileName: 'x.png' } })

describe('media URLs', () => {
  it.each([
    [() => `${internal.url}/x`, 'media URL refused: 127.0.0.1 is a loopback address'],
    [() => `http://[::ffff:7f00:1]:${port(internal.url)}/`, 'media URL refused: [::ffff:7f00:1] is a loopback address'],
    [() => 'http://169.254.169.254/latest/meta-data/', 'media URL refused: 169.254.169.254 is a cloud metadata address'],
    [() => `http://evil.test:${port(internal.url)}/x`, 'media URL refused: evil.test resolves to a loopback address'],
    [() => `${redirector.url}/a.png`, 'media URL refused: redirected to a refused address: 127.0.0.1 is a loopback address'],
    [() => `http://localhost:${port(internal.url)}/x`, 'media URL refused: localhost is a loopback host name'],
  ])('%s is a 400 and the internal service sees nothing', async (url, message) => {
    const res = await sendMedia(url())
    expect(res.status).toBe(400)
    expect(res.body.response.message).toEqual([message])
    expect(internal.received).toHaveLength(0)
  })

  it('sendWhatsAppAudio is guarded the same way', async () => {
    const res = await up.req('POST', '/message/sendWhatsAppAudio/g1', { body: { number: N, audio: `${internal.url}/a.ogg` } })
    expect(res.status).toBe(400)
    expect(internal.received).toHaveLength(0)
  })

  it('a media URL on an allowed test host is downloaded and sent', async () => {
    const res = await sendMedia(`${media.url}/ok.png`)
    expect(res.status).toBe(201)
    expect(res.body.message.imageMessage.fileLength).toBe(String('media:/ok.png'.length))
  })

  it('a media file over MEDIA_MAX_BYTES is a 400', async () => {
    const small = await startUpstream(db, { OUTBOUND_ALLOWED_HOSTS: `127.0.0.1:${port(media.url)}`, MEDIA_MAX_BYTES: '1024' })
    try {
      // The media host answers `media:/<name>`: a long name makes a body over the limit.
      const longName = 'x'.repeat(1100)
      const res = await small.req('POST', '/message/sendMedia/g1', { body: { number: N, mediatype: 'image', media: `${media.url}/${longName}` } })
      expect(res.status).toBe(400)
      expect(res.body.response.message).toEqual(['media is larger than 1024 bytes'])
    } finally {
      await small.close()
    }
  })
})

describe('instance webhooks', () => {
  it('a loopback, mapped or metadata webhook URL is a 400 at set and at create', async () => {
    await createInstance(up, 'g2')
    for (const url of [`${internal.url}/in`, `http://[::ffff:127.0.0.1]:${port(internal.url)}/`, 'http://169.254.169.254/']) {
      const set = await up.req('POST', '/webhook/set/g2', { body: { webhook: { enabled: true, url, events: [] } } })
      expect(set.status).toBe(400)
      expect(set.body.response.message[0]).toMatch(/^webhook URL refused: /)
    }
    const create = await up.req('POST', '/instance/create', {
      body: { instanceName: 'g3', integration: 'WHATSAPP-BAILEYS', webhook: { enabled: true, url: `${internal.url}/in`, events: [] } },
    })
    expect(create.status).toBe(400)
  })

  it('a name that resolves to loopback is refused at delivery; nothing reaches the internal service', async () => {
    await createInstance(up, 'g4', { webhook: { enabled: true, url: `http://evil.test:${port(internal.url)}/in`, events: ['CONNECTION_UPDATE'] } })
    await up.req('POST', '/sandbox/instances/g4/scan')
    await up.deps.webhooks.idle()
    const log = (await up.req('GET', '/sandbox/webhooks/deliveries?instance=g4')).body.deliveries
    expect(log.length).toBeGreaterThan(0)
    expect(log[0]).toMatchObject({ status: null, attempt: 1, error: 'evil.test resolves to a loopback address' })
    // Refused means refused: no retries.
    expect(log.every((d: { attempt: number }) => d.attempt === 1)).toBe(true)
    expect(internal.received).toHaveLength(0)
  })

  it("the gateway's receiver URL (HMAC of the instance) is trusted: full envelope, no guard", async () => {
    const token = await createInstance(up, 'g5')
    const hmac = createHmac('sha256', KEY).update('g5').digest('hex')
    // The receiver listens on an exempt port here only so the test can read it; trust comes from the HMAC.
    const url = `${receiver.url}/internal/webhooks/g5/${hmac}`
    expect(up.deps.webhooks.refusal('g5', `http://127.0.0.1:1/internal/webhooks/g5/${hmac}`)).toBeNull()
    expect(up.deps.webhooks.refusal('g5', `http://127.0.0.1:1/internal/webhooks/g5/${'0'.repeat(64)}`)).toMatch(/loopback/)
    expect(up.deps.webhooks.refusal('g6', `http://127.0.0.1:1/internal/webhooks/g5/${hmac}`)).toMatch(/loopback/)
    const set = await up.req('POST', '/webhook/set/g5', { body: { webhook: { enabled: true, url, events: ['CONNECTION_UPDATE'] } } })
    expect(set.status).toBe(201)
    await up.req('POST', '/sandbox/instances/g5/scan')
    const hit = await waitFor(() => receiver.received.find((r) => r.body?.instance === 'g5' && r.body.event === 'connection.update'))
    expect(hit.body).toMatchObject({ server_url: 'http://upstream.test', apikey: token })
  })

  it('configured headers cannot replace the apikey, content-type or host the dispatcher sends', async () => {
    await createInstance(up, 'g7')
    await up.req('POST', '/webhook/set/g7', {
      body: {
        webhook: {
          enabled: true,
          url: `${receiver.url}/plain`,
          events: ['CONNECTION_UPDATE'],
          headers: { apikey: 'stolen', 'Content-Type': 'text/plain', Host: 'evil.example', 'X-Custom': 'kept' },
        },
      },
    })
    await up.req('POST', '/sandbox/instances/g7/scan')
    const hit = await waitFor(() => receiver.received.find((r) => r.body?.instance === 'g7'))
    expect(hit.headers['x-custom']).toBe('kept')
    expect(hit.headers.apikey).toBeUndefined()
    expect(hit.headers['content-type']).toBe('application/json')
    expect(hit.headers.host).toBe(`127.0.0.1:${port(receiver.url)}`)
    expect(hit.body).not.toHaveProperty('server_url')
    expect(hit.body).not.toHaveProperty('apikey')
  })
})

describe('configuration', () => {
  it('OUTBOUND_TEST_RESOLVE is refused in production', async () => {
    const { loadConfig } = await import('../config.js')
    expect(() => loadConfig({ AUTHENTICATION_API_KEY: 'k', NODE_ENV: 'production', OUTBOUND_TEST_RESOLVE: 'a.test=127.0.0.1' })).toThrow(/OUTBOUND_TEST_RESOLVE/)
    expect(() => loadConfig({ AUTHENTICATION_API_KEY: 'k', OUTBOUND_TEST_RESOLVE: 'nonsense' })).toThrow(/name=ip/)
  })
})
