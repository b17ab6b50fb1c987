// The profile and privacy routes and /instance/setPresence on the Baileys driver with the scripted socket: each
// route makes the socket call Evolution makes, with the exact arguments (a picture URL is downloaded by us and
// Baileys gets only bytes), answers Evolution's shape, and socket errors get the route's wrapper.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startBaileysRig, type BaileysRig } from '../../testing/baileys-rig.js'
import { PNG_1X1, startImageServer } from '../../testing/image-server.js'
import type { Upstream } from '../../testing/upstream-harness.js'

const PNG = Buffer.from(PNG_1X1, 'base64')
const SELF = '595981000999@s.whatsapp.net'
const OTHER = '595981111111@s.whatsapp.net'

let rig: BaileysRig
let up: Upstream
let images: Awaited<ReturnType<typeof startImageServer>>
const sock = () => rig.sock()

beforeAll(async () => {
  rig = await startBaileysRig({ instance: 'b1' })
  up = rig.up
  images = await startImageServer()
})
afterAll(async () => {
  await rig?.close()
  await images?.close()
})
beforeEach(() => {
  sock().profileCalls.length = 0
  sock().chatCalls.length = 0
  sock().profileImpl = {}
})

const chat = (method: string, route: string, body?: unknown) => up.req(method, `/chat/${route}/b1`, body === undefined ? {} : { body })
const BIZ = {
  wid: OTHER, description: 'We sell', website: ['https://shop.example'], email: 'a@shop.example', category: 'Shopping & retail', address: 'Asunción',
  business_hours: { timezone: 'America/Asuncion', business_config: [{ day_of_week: 'mon', mode: 'open_24h' }] },
}

describe('socket calls', () => {
  it('fetchBusinessProfile: getBusinessProfile(jid) -> {isBusiness:true, ...profile}; own JID by default', async () => {
    sock().profileImpl.getBusinessProfile = () => BIZ
    const res = await chat('POST', 'fetchBusinessProfile', { number: '595981111111' })
    expect([res.status, res.body]).toEqual([200, { isBusiness: true, ...BIZ }])
    sock().profileImpl.getBusinessProfile = () => undefined
    const own = await chat('POST', 'fetchBusinessProfile', {})
    expect(own.body).toEqual({ isBusiness: false, message: 'Not is business profile', jid: SELF, exists: true, number: '595981000999', name: null })
    expect(sock().profileCalls).toEqual([['getBusinessProfile', OTHER], ['getBusinessProfile', SELF]])
  })

  it('fetchProfile: profilePictureUrl, fetchStatus, getBusinessProfile -> Evolution shape', async () => {
    sock().profileImpl.getBusinessProfile = () => BIZ
    const res = await chat('POST', 'fetchProfile', { number: '595981111111' })
    expect(res.body).toEqual({
      wuid: OTHER, name: null, numberExists: true, picture: 'https://pps.whatsapp.net/v/595981111111.jpg', status: 'Hey there!',
      isBusiness: true, email: 'a@shop.example', description: 'We sell', website: ['https://shop.example'],
    })
    expect(sock().profileCalls).toEqual([['fetchStatus', OTHER], ['getBusinessProfile', OTHER]])
    expect(sock().chatCalls).toEqual([['profilePictureUrl', OTHER, 'image']])
  })

  it('fetchProfile: a failing step after the existence check -> 200 fallback', async () => {
    sock().profileImpl.fetchStatus = () => {
      throw new Error('rate-overlimit')
    }
    const res = await chat('POST', 'fetchProfile', { number: '595981111111' })
    expect([res.status, res.body]).toEqual([200, { wuid: OTHER, name: null, picture: null, status: null, os: null, isBusiness: false }])
  })

  it('updateProfileName / updateProfileStatus: the socket call, 200 {update:success}; the name reaches fetchInstances', async () => {
    expect((await chat('POST', 'updateProfileName', { name: 'Shop' })).body).toEqual({ update: 'success' })
    expect((await chat('POST', 'updateProfileStatus', { status: 'Open' })).body).toEqual({ update: 'success' })
    expect(sock().profileCalls).toEqual([['updateProfileName', 'Shop'], ['updateProfileStatus', 'Open']])
    expect((await up.req('GET', '/instance/fetchInstances?instanceName=b1')).body[0].profileName).toBe('Shop')
  })

  it('updateProfilePicture: a URL is downloaded by us and Baileys gets the bytes for the own JID; base64 too', async () => {
    const res = await chat('POST', 'updateProfilePicture', { picture: `${images.url}/me.png` })
    expect([res.status, res.body]).toEqual([200, { update: 'success' }])
    await chat('POST', 'updateProfilePicture', { picture: PNG.toString('base64') })
    const calls = sock().profileCalls.filter((c) => c[0] === 'updateProfilePicture')
    expect(calls.map((c) => c[1])).toEqual([SELF, SELF])
    for (const c of calls) expect(Buffer.isBuffer(c[2]) && (c[2] as Buffer).equals(PNG)).toBe(true)
    // The new picture's URL is read back for the instance row.
    expect((await up.req('GET', '/instance/fetchInstances?instanceName=b1')).body[0].profilePicUrl).toBe('https://pps.whatsapp.net/v/595981000999.jpg')
  })

  it('updateProfilePicture to a refused address: 400 and no socket call', async () => {
    const res = await chat('POST', 'updateProfilePicture', { picture: 'http://10.1.2.3/me.png' })
    expect(res.status).toBe(400)
    expect(sock().profileCalls).toEqual([])
  })

  it('removeProfilePicture: removeProfilePicture(own JID)', async () => {
    const res = await chat('DELETE', 'removeProfilePicture', {})
    expect([res.status, res.body]).toEqual([200, { update: 'success' }])
    expect(sock().profileCalls).toEqual([['removeProfilePicture', SELF]])
  })

  it('fetchPrivacySettings: Evolution\'s six keys of fetchPrivacySettings()', async () => {
    const res = await chat('GET', 'fetchPrivacySettings')
    expect([res.status, res.body]).toEqual([200, { readreceipts: 'all', profile: 'contacts', status: 'contacts', online: 'all', last: 'contacts', groupadd: 'contacts' }])
    expect(sock().profileCalls).toEqual([['fetchPrivacySettings']])
  })

  it('updatePrivacySettings: the six update*Privacy calls in order, 201 with the data', async () => {
    const data = { readreceipts: 'none', profile: 'contacts', status: 'all', online: 'match_last_seen', last: 'none', groupadd: 'contact_blacklist' }
    const res = await chat('POST', 'updatePrivacySettings', data)
    expect([res.status, res.body]).toEqual([201, { update: 'success', data }])
    expect(sock().profileCalls).toEqual([
      ['updateReadReceiptsPrivacy', 'none'],
      ['updateProfilePicturePrivacy', 'contacts'],
      ['updateStatusPrivacy', 'all'],
      ['updateOnlinePrivacy', 'match_last_seen'],
      ['updateLastSeenPrivacy', 'none'],
      ['updateGroupsAddPrivacy', 'contact_blacklist'],
    ])
  })

  it('setPresence: sendPresenceUpdate(presence) without a chat, 201', async () => {
    const res = await up.req('POST', '/instance/setPresence/b1', { body: { presence: 'unavailable' } })
    expect([res.status, res.body]).toEqual([201, { presence: 'unavailable' }])
    expect(sock().chatCalls).toEqual([['sendPresenceUpdate', 'unavailable', undefined]])
  })
})

describe('errors', () => {
  const boom = (text: string) => () => {
    throw Object.assign(new Error(text), { isBoom: true, output: { statusCode: 500 } })
  }

  it('socket errors: the route wrapper with the error text', async () => {
    sock().profileImpl.updateProfileName = boom('not-authorized')
    sock().profileImpl.updateStatusPrivacy = boom('bad-request')
    const name = await chat('POST', 'updateProfileName', { name: 'X' })
    expect([name.status, name.body.response.message]).toEqual([500, ['Error updating profile name', 'Error: not-authorized']])
    const privacy = await chat('POST', 'updatePrivacySettings', { readreceipts: 'all', profile: 'all', status: 'all', online: 'all', last: 'all', groupadd: 'all' })
    expect([privacy.status, privacy.body.response.message]).toEqual([500, ['Error updating privacy settings', 'Error: bad-request']])
    // The updates before the failing one stay applied, as on WhatsApp.
    expect(sock().profileCalls.map((c) => c[0])).toEqual(['updateProfileName', 'updateReadReceiptsPrivacy', 'updateProfilePicturePrivacy', 'updateStatusPrivacy'])
  })

  it('fetchPrivacySettings failing: 500 with the plain message (Evolution catches nothing there)', async () => {
    sock().profileImpl.fetchPrivacySettings = boom('rate-overlimit')
    const res = await chat('GET', 'fetchPrivacySettings')
    expect([res.status, res.body.response.message]).toEqual([500, 'rate-overlimit'])
  })
})
