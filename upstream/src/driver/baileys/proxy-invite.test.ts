// Per-instance proxies, updateGroupPicture and sendInvite through the whole upstream on the Baileys driver
// with the scripted socket: a proxy set on the instance reaches the next socket as Baileys' agent; a media
// send of that instance is downloaded through a local CONNECT proxy (which sees the pinned, checked address),
// and a name resolving to an internal address is refused before the proxy is asked anything. Group picture:
// updateProfilePicture(groupJid, bytes) from base64 and from a link; sendInvite: groupInviteCode, then one
// text per number, Evolution's 200 answer, and nothing sent when a number is not on WhatsApp.
import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import { connect, type AddressInfo } from 'node:net'
import { HttpsProxyAgent } from 'https-proxy-agent'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { guardRules } from '../../../../common/src/outbound-guard/index.js'
import { startBaileysRig, type BaileysRig } from '../../testing/baileys-rig.js'
import { FAKE_GROUP } from '../../testing/fake-baileys.js'
import { mediaBytes, startMediaServer, waitFor, type Upstream } from '../../testing/upstream-harness.js'

const N = '595981123456'
const JID = `${N}@s.whatsapp.net`
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3])

/** A tiny HTTP CONNECT proxy: records each CONNECT target and tunnels it. */
async function startConnectProxy() {
  const connects: string[] = []
  const server: Server = createServer((_req, res) => res.writeHead(405).end())
  server.on('connect', (req, client, head) => {
    connects.push(req.url ?? '')
    const [host, port] = (req.url ?? '').split(/:(?=\d+$)/)
    const upstream = connect(Number(port), host!, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    port: (server.address() as AddressInfo).port,
    connects,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}

let rig: BaileysRig
let up: Upstream
let media: Awaited<ReturnType<typeof startMediaServer>>
let proxy: Awaited<ReturnType<typeof startConnectProxy>>
const sock = () => rig.sock()

beforeAll(async () => {
  media = await startMediaServer()
  proxy = await startConnectProxy()
  rig = await startBaileysRig({
    instance: 'bp',
    creds: true,
    // As BaileysDriver.fromConfig passes them from OUTBOUND_ALLOWED_HOSTS: the test proxy is exempt.
    driver: { proxyRules: guardRules({ allowIPv6: true, allowedHosts: [`127.0.0.1:${proxy.port}`] }) },
    // The test proxy and media server are exempt (loopback); `internal.example` resolves to a private address.
    env: { OUTBOUND_ALLOWED_HOSTS: `127.0.0.1:${proxy.port},127.0.0.1:${new URL(media.url).port}`, OUTBOUND_TEST_RESOLVE: 'internal.example=10.1.2.3' },
  })
  up = rig.up
})
afterAll(async () => {
  await rig?.close()
  await proxy?.close()
  await media?.close()
})

describe('proxy', () => {
  it('no proxy: the socket gets no agent', () => {
    expect(sock().params.agent).toBeUndefined()
  })

  it('set, then restart: the new socket gets the proxy agent', async () => {
    const set = await up.req('POST', '/proxy/set/bp', { body: { enabled: true, host: '127.0.0.1', port: String(proxy.port), protocol: 'http', username: 'u', password: 'secret' } })
    expect(set.status).toBe(201)
    expect(JSON.stringify(set.body)).not.toContain('secret')
    const before = rig.sockets.length
    expect((await up.req('POST', '/instance/restart/bp')).status).toBe(200)
    await waitFor(() => rig.sockets.length > before || null)
    expect(sock().params.agent).toBeInstanceOf(HttpsProxyAgent)
    expect((sock().params.agent as HttpsProxyAgent<string>).proxy.href).toBe(`http://u:secret@127.0.0.1:${proxy.port}/`)
    sock().open()
    await waitFor(async () => (await up.req('GET', '/instance/connectionState/bp')).body.instance.state === 'open' || null)
  })

  it('a media send of the instance is downloaded through the proxy', async () => {
    const seen = proxy.connects.length
    const res = await up.req('POST', '/message/sendMedia/bp', { body: { number: N, mediatype: 'image', media: `${media.url}/via-proxy.jpg` } })
    expect(res.status).toBe(201)
    expect(proxy.connects.slice(seen)).toEqual([`127.0.0.1:${new URL(media.url).port}`])
    expect(media.requests).toContain('/via-proxy.jpg')
    expect(sock().sent.at(-1)).toEqual([JID, expect.objectContaining({ image: mediaBytes('/via-proxy.jpg') })])
  })

  it('through the proxy the guard still judges the destination: an internal one is refused before any CONNECT', async () => {
    const seen = proxy.connects.length
    const res = await up.req('POST', '/message/sendMedia/bp', { body: { number: N, mediatype: 'image', media: 'http://internal.example/x.jpg' } })
    expect(res.status).toBe(400)
    expect(JSON.stringify(res.body)).toContain('internal.example resolves to')
    expect(proxy.connects.length).toBe(seen)
  })

  it('disabled: the next socket connects directly again', async () => {
    expect((await up.req('POST', '/proxy/set/bp', { body: { enabled: false } })).status).toBe(201)
    const before = rig.sockets.length
    await up.req('POST', '/instance/restart/bp')
    await waitFor(() => rig.sockets.length > before || null)
    expect(sock().params.agent).toBeUndefined()
    sock().open()
    await waitFor(async () => (await up.req('GET', '/instance/connectionState/bp')).body.instance.state === 'open' || null)
  })
})

describe('updateGroupPicture', () => {
  it('base64: updateProfilePicture(groupJid, bytes), 201 {update:"success"}', async () => {
    sock().profileCalls.length = 0
    const res = await up.req('POST', `/group/updateGroupPicture/bp?groupJid=${FAKE_GROUP}`, { body: { image: PNG.toString('base64') } })
    expect([res.status, res.body]).toEqual([201, { update: 'success' }])
    expect(sock().profileCalls).toEqual([['updateProfilePicture', FAKE_GROUP, PNG]])
  })

  it('a link: downloaded through the guard, then the same call', async () => {
    sock().profileCalls.length = 0
    const res = await up.req('POST', `/group/updateGroupPicture/bp?groupJid=${FAKE_GROUP}`, { body: { image: `${media.url}/group.png` } })
    expect(res.status).toBe(201)
    expect(sock().profileCalls).toEqual([['updateProfilePicture', FAKE_GROUP, mediaBytes('/group.png')]])
  })

  it('bad input is a 400 naming it; a socket error gets the route wrapper', async () => {
    const bad = await up.req('POST', `/group/updateGroupPicture/bp?groupJid=${FAKE_GROUP}`, { body: { image: 'not an image!' } })
    expect([bad.status, bad.body.response.message]).toEqual([400, ['Error update group picture', 'Owned media must be a url or base64']])
    const internal = await up.req('POST', `/group/updateGroupPicture/bp?groupJid=${FAKE_GROUP}`, { body: { image: 'http://10.0.0.1/x.png' } })
    expect(internal.status).toBe(400)
    const missing = await up.req('POST', `/group/updateGroupPicture/bp?groupJid=${FAKE_GROUP}`, { body: {} })
    expect([missing.status, missing.body.response.message]).toEqual([400, [{ property: 'instance', message: 'instance requires property "image"' }]])
    sock().profileImpl.updateProfilePicture = () => { throw new Error('not-authorized') }
    const res = await up.req('POST', `/group/updateGroupPicture/bp?groupJid=${FAKE_GROUP}`, { body: { image: PNG.toString('base64') } })
    delete sock().profileImpl.updateProfilePicture
    expect([res.status, res.body.response.message]).toEqual([500, ['Error update group picture', 'Error: not-authorized']])
  })
})

describe('sendInvite', () => {
  it('groupInviteCode, then one text per number; 200 {send, inviteUrl}', async () => {
    sock().groupCalls.length = 0
    sock().sent.length = 0
    const res = await up.req('POST', '/group/sendInvite/bp', { body: { groupJid: FAKE_GROUP, description: 'Join us', numbers: [N, '595981654321'] } })
    expect([res.status, res.body]).toEqual([200, { send: true, inviteUrl: 'https://chat.whatsapp.com/AbCdEfGhIjKlMnOpQrStUv' }])
    expect(sock().groupCalls).toEqual([['groupInviteCode', FAKE_GROUP]])
    const text = 'Join us\n\nhttps://chat.whatsapp.com/AbCdEfGhIjKlMnOpQrStUv'
    expect(sock().sent).toEqual([[JID, expect.objectContaining({ text })], ['595981654321@s.whatsapp.net', expect.objectContaining({ text })]])
  })

  it('a number not on WhatsApp: 404 "No send invite", nothing sent', async () => {
    sock().sent.length = 0
    const res = await up.req('POST', '/group/sendInvite/bp', { body: { groupJid: FAKE_GROUP, description: 'x', numbers: [N, '595981110000'] } })
    expect(res.status).toBe(404)
    expect(res.body.response.message[0]).toBe('No send invite')
    expect(sock().sent).toEqual([])
    const bad = await up.req('POST', '/group/sendInvite/bp', { body: { groupJid: FAKE_GROUP, numbers: [] } })
    expect(bad.status).toBe(400)
  })
})
