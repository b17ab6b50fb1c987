// The profile routes on a Cloud API instance: fetchBusinessProfile reads Meta's whatsapp_business_profile and
// answers Baileys' shape, updateProfileStatus writes its `about` (visible to the next read), and everything Meta
// does not offer (profile name, picture, privacy, presence, fetchProfile) is Evolution's NA-400 without a Graph call.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FakeGraph } from '../../../../tests/support/fake-graph.js'
import { CLOUD_PHONE_ID, CLOUD_TOKEN, startCloudRig, type CloudRig } from '../../testing/cloud-rig.js'
import type { Upstream } from '../../testing/upstream-harness.js'

let rig: CloudRig
let up: Upstream
let graph: FakeGraph
let wid = ''

beforeAll(async () => {
  rig = await startCloudRig()
  ;({ up, graph } = rig)
  const conn = await up.req('GET', '/instance/connect/biz')
  expect(conn.status).toBe(200)
  wid = (await up.req('GET', '/instance/fetchInstances?instanceName=biz')).body[0].ownerJid
})
afterAll(async () => {
  await rig?.close()
})

const NA = { status: 400, error: 'Bad Request', response: { message: ['Method not available on WhatsApp Business API'] } }
const PROFILE_PATH = `/v21.0/${CLOUD_PHONE_ID}/whatsapp_business_profile`

describe('Cloud API business profile', () => {
  it('fetchBusinessProfile: GET whatsapp_business_profile with the fields, answered in Baileys\' shape', async () => {
    graph.requests.length = 0
    const res = await up.req('POST', '/chat/fetchBusinessProfile/biz', { body: {} })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      isBusiness: true, wid, description: 'A fake business', email: 'biz@example.com', website: ['https://example.com'], category: 'RETAIL',
      address: 'Asunción', about: 'Fake business about', profilePictureUrl: `https://pps.whatsapp.net/fake/${CLOUD_PHONE_ID}.jpg`,
    })
    expect(graph.requests.map((r) => [r.method, r.path, r.authorization])).toEqual([['GET', PROFILE_PATH, `Bearer ${CLOUD_TOKEN}`]])
  })

  it('updateProfileStatus: POST whatsapp_business_profile {messaging_product, about}; the next read shows it', async () => {
    graph.requests.length = 0
    const res = await up.req('POST', '/chat/updateProfileStatus/biz', { body: { status: 'Open 9-18' } })
    expect([res.status, res.body]).toEqual([200, { update: 'success' }])
    expect(graph.requests.map((r) => [r.method, r.path, r.body])).toEqual([['POST', PROFILE_PATH, { messaging_product: 'whatsapp', about: 'Open 9-18' }]])
    expect((await up.req('POST', '/chat/fetchBusinessProfile/biz', { body: { number: wid.split('@')[0] } })).body.about).toBe('Open 9-18')
  })

  it('Meta refuses the about text: 400 carrying Meta\'s error', async () => {
    const res = await up.req('POST', '/chat/updateProfileStatus/biz', { body: { status: 'x'.repeat(140) } })
    expect(res.status).toBe(400)
    expect(res.body.response.metaError.code).toBe(100)
  })

  it('another number\'s business profile cannot be read on the Cloud API: 400', async () => {
    const res = await up.req('POST', '/chat/fetchBusinessProfile/biz', { body: { number: '595981000101' } })
    expect([res.status, res.body.response.message]).toEqual([400, ['The WhatsApp Cloud API reads only this number\'s own business profile']])
  })

  it.each([
    ['POST', '/chat/fetchProfile/biz', { number: '595981000101' }],
    ['POST', '/chat/fetchProfile/biz', {}],
    ['POST', '/chat/updateProfileName/biz', { name: 'X' }],
    ['POST', '/chat/updateProfilePicture/biz', { picture: 'http://127.0.0.1:1/me.png' }],
    ['DELETE', '/chat/removeProfilePicture/biz', {}],
    ['GET', '/chat/fetchPrivacySettings/biz', undefined],
    ['POST', '/chat/updatePrivacySettings/biz', { readreceipts: 'all', profile: 'all', status: 'all', online: 'all', last: 'all', groupadd: 'all' }],
    ['POST', '/instance/setPresence/biz', { presence: 'available' }],
  ])('%s %s -> NA-400, no Graph call', async (method, path, body) => {
    graph.requests.length = 0
    const res = await up.req(method, path, body === undefined ? {} : { body })
    expect([res.status, res.body]).toEqual([400, NA])
    expect(graph.requests).toEqual([])
  })
})
