// POST /proxy/set and GET /proxy/find on the sandbox: Evolution's 201 / 200 answers without the password,
// `null` before any set, enabled:false stored empty (no host needed), the body rules as 400s naming the
// field, an internal proxy host refused by the outbound guard (loopback not exempt here), and the usual
// guards (404 unknown instance, 401 wrong key).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestDatabase } from '../../../tests/support/db.js'
import { proxyOf } from '../db/proxies.js'
import { openInstance, startUpstream, withDb, type Upstream } from '../testing/upstream-harness.js'

let db: TestDatabase
let up: Upstream

beforeAll(async () => {
  db = await withDb()
  up = await startUpstream(db, { OUTBOUND_ALLOWED_HOSTS: '' })
  await openInstance(up, 'p1')
})
afterAll(async () => {
  await up?.close()
  await db?.drop()
})

const set = (body: unknown, name = 'p1') => up.req('POST', `/proxy/set/${name}`, { body })
const find = (name = 'p1') => up.req('GET', `/proxy/find/${name}`)
const good = { enabled: true, host: '93.184.216.34', port: '3128', protocol: 'http', username: 'bob', password: 's3cret' }

describe('/proxy', () => {
  it('find before any set: 200 null', async () => {
    const res = await find()
    expect([res.status, res.body]).toEqual([200, null])
  })

  it('set: 201 {proxy:{instanceName, proxy}} without the password; find: the row without it', async () => {
    const res = await set(good)
    expect(res.status).toBe(201)
    expect(res.body).toEqual({ proxy: { instanceName: 'p1', proxy: { enabled: true, host: '93.184.216.34', port: '3128', protocol: 'http', username: 'bob' } } })
    const row = await find()
    expect(row.status).toBe(200)
    expect(row.body).toMatchObject({ enabled: true, host: '93.184.216.34', port: '3128', protocol: 'http', username: 'bob', id: expect.any(String), instanceId: expect.any(String) })
    expect(row.body.createdAt).toMatch(/Z$/)
    expect(row.body).not.toHaveProperty('password')
    expect(JSON.stringify(row.body)).not.toContain('s3cret')
    // A name (this host may have no DNS) and the other protocols; a numeric port is accepted too.
    for (const protocol of ['https', 'socks4', 'socks5']) expect((await set({ ...good, host: 'proxy.example.com', port: 1080, protocol })).status).toBe(201)
    expect((await find()).body).toMatchObject({ host: 'proxy.example.com', port: '1080', protocol: 'socks5' })
  })

  it('a body without password keeps the stored one for the same proxy only; "" clears it', async () => {
    const id = (await find()).body.instanceId as string
    const password = async () => (await proxyOf(up.deps.sql, id))?.password
    expect((await set(good)).status).toBe(201)
    expect(await password()).toBe('s3cret')
    const { password: _p, ...noPassword } = good
    await set({ ...noPassword, protocol: 'socks5' })
    expect(await password()).toBe('s3cret')
    await set({ ...noPassword, host: 'other.example.com' })
    expect(await password()).toBe('')
    await set(good)
    await set({ ...good, password: '' })
    expect(await password()).toBe('')
  })

  it('enabled:false stores every field empty, with or without the others', async () => {
    expect((await set({ enabled: false })).status).toBe(201)
    expect((await find()).body).toMatchObject({ enabled: false, host: '', port: '', protocol: '', username: '' })
    const res = await set({ ...good, enabled: false })
    expect(res.body.proxy.proxy).toEqual({ enabled: false, host: '', port: '', protocol: '', username: '' })
  })

  it('body rules: 400 naming each bad field', async () => {
    const msg = async (body: unknown) => {
      const res = await set(body)
      expect(res.status).toBe(400)
      return res.body.response.message
    }
    expect(await msg({ host: 'x' })).toEqual([['instance requires property "enabled"']])
    expect(await msg({ enabled: true })).toEqual([['The "host" cannot be empty', 'The "port" cannot be empty', 'The "protocol" cannot be empty']])
    expect(await msg({ ...good, protocol: 'ftp' })).toEqual([['protocol is not one of enum values: http,https,socks4,socks5']])
    expect(await msg({ ...good, port: '70000' })).toEqual([['port must be a number from 1 to 65535']])
    expect(await msg({ ...good, port: 'abc' })).toEqual([['port must be a number from 1 to 65535']])
    expect(await msg({ ...good, host: 'http://proxy.example.com:3128/' })).toEqual([['host must be a host name or an IP address, without scheme, port or path']])
    expect(await msg({ ...good, enabled: 'yes' })).toEqual([['enabled is not of a type(s) boolean']])
    expect((await up.req('POST', '/proxy/set/p1', { body: '{bad json' })).status).toBe(400)
  })

  it('an internal proxy host is refused by the outbound guard', async () => {
    for (const host of ['127.0.0.1', 'localhost', '10.0.0.8', '169.254.169.254', '::1', '[::ffff:127.0.0.1]', 'metadata.google.internal']) {
      const res = await set({ ...good, host })
      expect(res.status, host).toBe(400)
      expect(res.body.response.message[0]).toBe('Invalid proxy')
      expect(res.body.response.message[1]).toMatch(/^host refused: /)
    }
    // The stored proxy did not change.
    expect((await find()).body.enabled).toBe(false)
  })

  it('guards: unknown instance 404, wrong key 401', async () => {
    expect((await set(good, 'nope')).status).toBe(404)
    expect((await find('nope')).status).toBe(404)
    expect((await up.req('GET', '/proxy/find/p1', { key: 'wrong' })).status).toBe(401)
  })
})
