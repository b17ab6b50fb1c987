// The profile and privacy routes and /instance/setPresence on the sandbox: Evolution's answers and status
// codes, each update visible to the next read (and to fetchInstances), a picture given as base64 or as a URL
// downloaded through the outbound guard (a refused address is a 400, a non-image a 400, never a 500),
// Evolution's nested-array 400 for bad bodies, and `Connection Closed` while the session is closed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestDatabase } from '../../../tests/support/db.js'
import { PNG_1X1 as PNG, startImageServer } from '../testing/image-server.js'
import { createInstance, openInstance, startUpstream, withDb, type Upstream } from '../testing/upstream-harness.js'

let db: TestDatabase
let up: Upstream
let images: Awaited<ReturnType<typeof startImageServer>>
let self = ''

beforeAll(async () => {
  db = await withDb()
  up = await startUpstream(db)
  await openInstance(up, 'p1')
  self = (await up.req('GET', '/instance/fetchInstances?instanceName=p1')).body[0].ownerJid
  images = await startImageServer()
})
afterAll(async () => {
  await up?.close()
  await images?.close()
  await db?.drop()
})

const chat = (method: string, route: string, body?: unknown) => up.req(method, `/chat/${route}/p1`, body === undefined ? {} : { body })

describe('sandbox profile', () => {
  it('fetchProfile without number: the account itself (name, about text, no picture yet)', async () => {
    const res = await chat('POST', 'fetchProfile', {})
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      wuid: self, name: 'Sandbox p1', numberExists: true, picture: null, status: 'Hey there! I am using WhatsApp.',
      isBusiness: false, email: null, description: null, website: null,
    })
  })

  it('fetchProfile with a number: picture, about text; a number not on WhatsApp is the existence record 400', async () => {
    const res = await chat('POST', 'fetchProfile', { number: '595981000101' })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      wuid: '595981000101@s.whatsapp.net', numberExists: true, picture: 'https://pps.whatsapp.net/sandbox/595981000101.jpg',
      status: 'Hey there! I am using WhatsApp.', isBusiness: false,
    })
    const none = await chat('POST', 'fetchProfile', { number: '595981110000' })
    expect([none.status, none.body.response.message]).toEqual([400, [{ jid: '595981110000@s.whatsapp.net', exists: false, number: '595981110000' }]])
  })

  it('fetchBusinessProfile: a business (number ending in 9), a personal account, the own account by default', async () => {
    const biz = await chat('POST', 'fetchBusinessProfile', { number: '595981000109' })
    expect(biz.status).toBe(200)
    expect(biz.body).toMatchObject({ isBusiness: true, wid: '595981000109@s.whatsapp.net', category: 'Shopping & retail', website: ['https://example.com/595981000109'] })
    expect(biz.body.business_hours.timezone).toBe('America/Asuncion')
    const personal = await chat('POST', 'fetchBusinessProfile', { number: '595981000101' })
    expect(personal.body).toEqual({ isBusiness: false, message: 'Not is business profile', jid: '595981000101@s.whatsapp.net', exists: true, number: '595981000101', name: null })
    const own = await chat('POST', 'fetchBusinessProfile', {})
    expect(own.body).toMatchObject({ isBusiness: false, jid: self, exists: true })
  })

  it('updateProfileName / updateProfileStatus: 200 {update:success}, visible to fetchProfile and fetchInstances', async () => {
    expect(await chat('POST', 'updateProfileName', { name: 'Shop' })).toMatchObject({ status: 200, body: { update: 'success' } })
    expect(await chat('POST', 'updateProfileStatus', { status: 'Open 9-18' })).toMatchObject({ status: 200, body: { update: 'success' } })
    expect((await chat('POST', 'fetchProfile', {})).body).toMatchObject({ name: 'Shop', status: 'Open 9-18' })
    expect((await up.req('GET', '/instance/fetchInstances?instanceName=p1')).body[0].profileName).toBe('Shop')
  })

  it('updateProfilePicture from base64 and from a URL (downloaded), removeProfilePicture: each visible to the next read', async () => {
    expect(await chat('POST', 'updateProfilePicture', { picture: PNG })).toMatchObject({ status: 200, body: { update: 'success' } })
    const first = (await chat('POST', 'fetchProfile', {})).body.picture
    expect(first).toMatch(/^https:\/\/pps\.whatsapp\.net\/sandbox\/\d+-[0-9a-f]{16}\.jpg$/)
    expect((await up.req('GET', '/instance/fetchInstances?instanceName=p1')).body[0].profilePicUrl).toBe(first)

    const viaUrl = await chat('POST', 'updateProfilePicture', { picture: `${images.url}/me.png` })
    expect(viaUrl.status).toBe(200)
    expect(images.served).toContain('/me.png')
    // Same bytes, same picture.
    expect((await chat('POST', 'fetchProfile', {})).body.picture).toBe(first)

    const removed = await chat('DELETE', 'removeProfilePicture', {})
    expect([removed.status, removed.body]).toEqual([200, { update: 'success' }])
    expect((await chat('POST', 'fetchProfile', {})).body.picture).toBeNull()
    expect((await up.req('GET', '/instance/fetchInstances?instanceName=p1')).body[0].profilePicUrl).toBeNull()
  })

  it('updateProfilePicture: a refused address, a non-image, garbage: 400 naming the problem, nothing changed', async () => {
    const refused = await chat('POST', 'updateProfilePicture', { picture: 'http://169.254.169.254/latest/meta-data' })
    expect(refused.status).toBe(400)
    expect(JSON.stringify(refused.body.response.message)).toMatch(/refused/)
    const notImage = await chat('POST', 'updateProfilePicture', { picture: `${images.url}/x.txt` })
    expect([notImage.status, notImage.body.response.message]).toEqual([400, ['Error updating profile picture', 'The picture is not a JPEG, PNG, WebP or GIF image']])
    const garbage = await chat('POST', 'updateProfilePicture', { picture: 'not base64 at all!' })
    expect([garbage.status, garbage.body.response.message]).toEqual([400, ['Error updating profile picture', 'The picture is neither an http(s) URL nor base64']])
    expect((await chat('POST', 'fetchProfile', {})).body.picture).toBeNull()
  })

  it('privacy: fetch answers the six keys; update answers 201 with the values and the next fetch shows them', async () => {
    const before = await chat('GET', 'fetchPrivacySettings')
    expect([before.status, Object.keys(before.body).sort()]).toEqual([200, ['groupadd', 'last', 'online', 'profile', 'readreceipts', 'status']])
    const data = { readreceipts: 'none', profile: 'contacts', status: 'contact_blacklist', online: 'match_last_seen', last: 'none', groupadd: 'contacts' }
    const upd = await chat('POST', 'updatePrivacySettings', data)
    expect([upd.status, upd.body]).toEqual([201, { update: 'success', data }])
    expect((await chat('GET', 'fetchPrivacySettings')).body).toEqual(data)
  })

  it('setPresence: 201 {presence}', async () => {
    const res = await up.req('POST', '/instance/setPresence/p1', { body: { presence: 'available' } })
    expect([res.status, res.body]).toEqual([201, { presence: 'available' }])
  })

  it('bad bodies: Evolution nested-array 400s', async () => {
    const cases: [string, string, unknown, string[]][] = [
      ['POST', 'updateProfileName', { name: '' }, ['The "name" cannot be empty']],
      ['POST', 'updateProfileName', {}, ['instance requires property "name"']],
      ['POST', 'updateProfileStatus', { status: 5 }, ['status is not of a type(s) string']],
      ['POST', 'updateProfilePicture', {}, ['instance requires property "picture"']],
      ['POST', 'fetchProfile', { number: 5 }, ['Invalid format']],
      ['POST', 'fetchBusinessProfile', { number: '5959\u0000@s.whatsapp.net' }, ['Invalid format']],
      ['POST', 'updateProfileName', { name: 'a\u0000b' }, ['The "name" cannot contain NUL characters']],
      ['POST', 'updateProfileStatus', { status: 'x\uD800y' }, ['The "status" is not valid Unicode text']],
      ['POST', 'updatePrivacySettings', { readreceipts: 'contacts', profile: 'all', status: 'all', online: 'all', last: 'all', groupadd: 'all' }, ['readreceipts is not one of enum values: all,none']],
    ]
    for (const [method, route, body, message] of cases) {
      const res = await chat(method, route, body)
      expect([route, res.status, res.body.response.message]).toEqual([route, 400, [message]])
    }
    const missing = await chat('POST', 'updatePrivacySettings', { readreceipts: 'all' })
    expect(missing.body.response.message[0]).toHaveLength(5)
    const presence = await up.req('POST', '/instance/setPresence/p1', { body: { presence: 'away' } })
    expect([presence.status, presence.body.response.message]).toEqual([400, [['presence is not one of enum values: unavailable,available,composing,recording,paused']]])
  })

  it('nasty strings in every field: never a 5xx, and the profile still saves afterwards', async () => {
    const nasty = ['', ' ', 'a\u0000b', '\uD800', 'x\uDC00y', 'a'.repeat(100_000), '😀'.repeat(1000), '\u202Eevil\u202C', "' OR '1'='1", 'http://127.0.0.1/x', 'http://[::1]/', 'javascript:alert(1)', '1e309']
    for (const x of nasty) {
      for (const [method, route, body] of [
        ['POST', 'updateProfileName', { name: x }], ['POST', 'updateProfileStatus', { status: x }], ['POST', 'updateProfilePicture', { picture: x }],
        ['POST', 'fetchProfile', { number: x }], ['POST', 'fetchBusinessProfile', { number: x }], ['DELETE', 'removeProfilePicture', { x }],
      ] as const) {
        const res = await chat(method, route, body)
        expect([route, x.slice(0, 20), res.status < 500]).toEqual([route, x.slice(0, 20), true])
      }
    }
    expect((await chat('POST', 'updateProfileName', { name: 'After' })).status).toBe(200)
    await up.deps.instances.flush((await up.req('GET', '/instance/fetchInstances?instanceName=p1')).body[0])
    const [row] = await up.deps.sql`select session from upstream.instances where name = 'p1'`
    expect(row?.session.profileName).toBe('After')
  })

  it('unknown instance 404, closed session: Connection Closed in the route wrapper', async () => {
    expect((await up.req('POST', '/chat/fetchProfile/nope', { body: {} })).status).toBe(404)
    await createInstance(up, 'p2')
    const name = await up.req('POST', '/chat/updateProfileName/p2', { body: { name: 'X' } })
    expect([name.status, name.body.response.message]).toEqual([500, ['Error updating profile name', 'Error: Connection Closed']])
    const presence = await up.req('POST', '/instance/setPresence/p2', { body: { presence: 'available' } })
    expect([presence.status, presence.body.response.message]).toEqual([400, ['Error: Connection Closed']])
  })
})
