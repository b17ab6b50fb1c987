// The Cloud API driver against the fake Graph API for the extra send routes and labels: a sticker's exact
// Graph body (by link, or uploaded WebP by id), and Evolution's "Method not available" 400 for video
// notes, statuses and both label routes, with no Graph call.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { FakeGraph } from '../../../../tests/support/fake-graph.js'
import { CLOUD_PHONE_ID as PHONE_ID, CLOUD_TOKEN as TOKEN, startCloudRig, type CloudRig } from '../../testing/cloud-rig.js'
import type { Upstream } from '../../testing/upstream-harness.js'

const N = '595981123456'
const WEBP_B64 = 'UklGRjwAAABXRUJQVlA4IDAAAADQAQCdASoBAAEAAUAmJaACdLoB+AADsAD+8ut//NgVzXPv9//S4P0uD9Lg/9KQAAA='
const NA = { status: 400, error: 'Bad Request', response: { message: ['Method not available on WhatsApp Business API'] } }

let rig: CloudRig
let up: Upstream
let graph: FakeGraph

beforeAll(async () => {
  rig = await startCloudRig({ graph: { phones: { [PHONE_ID]: '+1 555-010-0999' } } })
  ;({ up, graph } = rig)
})
afterAll(async () => {
  await rig?.close()
})
beforeEach(() => {
  graph.requests.length = 0
})

const sends = () => graph.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/messages'))

describe('sendSticker', () => {
  it('a link goes to Meta as {type: sticker, sticker: {link}}; messageRaw stickerMessage', async () => {
    const res = await up.req('POST', '/message/sendSticker/biz', { body: { number: N, sticker: 'https://cdn.example.com/s.webp' } })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ messageType: 'stickerMessage', key: { remoteJid: `${N}@s.whatsapp.net`, fromMe: true }, status: 'PENDING' })
    expect(res.body.key.id).toMatch(/^wamid\./)
    expect(res.body.message).toEqual({ stickerMessage: { url: 'https://cdn.example.com/s.webp', mimetype: 'image/webp' } })
    expect(sends()).toHaveLength(1)
    expect(sends()[0]!.authorization).toBe(`Bearer ${TOKEN}`)
    expect(sends()[0]!.body).toEqual({
      messaging_product: 'whatsapp', recipient_type: 'individual', to: N, type: 'sticker', sticker: { link: 'https://cdn.example.com/s.webp' },
    })
  })

  it('base64 WebP is uploaded first, then sent by id', async () => {
    const res = await up.req('POST', '/message/sendSticker/biz', { body: { number: N, sticker: WEBP_B64 } })
    expect(res.status).toBe(201)
    const upload = graph.requests.find((r) => r.path === `/v21.0/${PHONE_ID}/media`)
    expect(upload).toBeDefined()
    const body = sends()[0]!.body as any
    expect(body).toEqual({ messaging_product: 'whatsapp', recipient_type: 'individual', to: N, type: 'sticker', sticker: { id: expect.any(String) } })
    expect(res.body.message.stickerMessage).toEqual({ id: body.sticker.id, mimetype: 'image/webp' })
  })
})

describe('not available on the Cloud API', () => {
  it('sendPtv and sendStatus: the named 400, no Graph send', async () => {
    const ptv = await up.req('POST', '/message/sendPtv/biz', { body: { number: N, video: 'https://cdn.example.com/v.mp4' } })
    expect(ptv.status).toBe(400)
    expect(ptv.body).toEqual(NA)
    const status = await up.req('POST', '/message/sendStatus/biz', { body: { type: 'text', content: 'x', backgroundColor: '#000000', font: 1, statusJidList: [N] } })
    expect(status.body).toEqual(NA)
    expect(sends()).toHaveLength(0)
  })

  it('findLabels and handleLabel: the named 400', async () => {
    expect((await up.req('GET', '/label/findLabels/biz')).body).toEqual(NA)
    const handle = await up.req('POST', '/label/handleLabel/biz', { body: { number: N, labelId: '1', action: 'add' } })
    expect(handle.status).toBe(400)
    expect(handle.body).toEqual(NA)
    expect(graph.requests).toHaveLength(0)
  })
})
