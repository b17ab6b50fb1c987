// Contract tests for GET / and /instance/*: shapes, guard order, lifecycle transitions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestDatabase } from '../../../tests/support/db.js'
import { createInstance, KEY, startUpstream, withDb, type Upstream } from '../testing/upstream-harness.js'

let db: TestDatabase
let up: Upstream

beforeAll(async () => {
  db = await withDb()
  up = await startUpstream(db)
})
afterAll(async () => {
  await up?.close()
  await db?.drop()
})

describe('GET /', () => {
  it('answers the welcome JSON without auth', async () => {
    const res = await up.req('GET', '/', { key: null })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ status: 200, message: 'Welcome to the Evolution API, it is working!', version: '2.3.7', clientName: 'evolution_exchange' })
    expect(res.headers.get('x-request-id')).toBeTruthy()
  })
})

describe('unknown routes', () => {
  it('404 with the Express message envelope', async () => {
    const res = await up.req('GET', '/docs')
    expect(res.status).toBe(404)
    expect(res.body).toEqual({ status: 404, error: 'Not Found', response: { message: ['Cannot GET /docs'] } })
    const put = await up.req('PATCH', '/instance/fetchInstances')
    expect(put.body.response.message).toEqual(['Cannot PATCH /instance/fetchInstances'])
  })
})

describe('POST /instance/create', () => {
  it('201 with the v2 shape and a plain-string hash', async () => {
    const res = await up.req('POST', '/instance/create', { body: { instanceName: 'c1', integration: 'WHATSAPP-BAILEYS', rejectCall: true } })
    expect(res.status).toBe(201)
    expect(res.body.instance).toMatchObject({ instanceName: 'c1', integration: 'WHATSAPP-BAILEYS', webhookWaBusiness: null, accessTokenWaBusiness: '', status: 'close' })
    expect(res.body.instance.instanceId).toMatch(/^[0-9a-f-]{36}$/)
    expect(res.body.hash).toMatch(/^[0-9A-F-]{36}$/)
    expect(res.body).toMatchObject({ webhook: {}, websocket: {}, rabbitmq: {}, nats: {}, sqs: {} })
    expect(res.body.settings).toEqual({ rejectCall: true, msgCall: '', groupsIgnore: false, alwaysOnline: false, readMessages: false, readStatus: false, syncFullHistory: false, wavoipToken: '' })
    expect(res.body.qrcode).toBeUndefined()
  })

  it('uses a given token and returns a QR with a pairing code when asked', async () => {
    const res = await up.req('POST', '/instance/create', { body: { instanceName: 'c2', integration: 'WHATSAPP-BAILEYS', token: 'tok-c2', qrcode: true, number: '595981123456' } })
    expect(res.status).toBe(201)
    expect(res.body.hash).toBe('tok-c2')
    expect(res.body.instance.status).toBe('connecting')
    expect(res.body.qrcode.base64).toMatch(/^data:image\/png;base64,/)
    expect(res.body.qrcode.code).toMatch(/^2@/)
    expect(res.body.qrcode.pairingCode).toMatch(/^[1-9A-HJ-NP-TV-Z]{8}$/)
    expect(res.body.qrcode.count).toBe(1)
  })

  it('403 for a taken name, before auth', async () => {
    const res = await up.req('POST', '/instance/create', { key: null, body: { instanceName: 'c1', integration: 'WHATSAPP-BAILEYS' } })
    expect(res.status).toBe(403)
    expect(res.body).toEqual({ status: 403, error: 'Forbidden', response: { message: ['This name "c1" is already in use.'] } })
  })

  it('401 without or with a wrong key; instance tokens cannot create', async () => {
    for (const key of [null, 'wrong', 'tok-c2']) {
      const res = await up.req('POST', '/instance/create', { key, body: { instanceName: 'x-new', integration: 'WHATSAPP-BAILEYS' } })
      expect(res.status).toBe(401)
      expect(res.body).toEqual({ status: 401, error: 'Unauthorized', response: { message: 'Unauthorized' } })
    }
  })

  it('400 for a bad integration and bad bodies', async () => {
    const bad = await up.req('POST', '/instance/create', { body: { instanceName: 'c3' } })
    expect(bad.status).toBe(400)
    expect(bad.body.response.message).toEqual(['Invalid integration'])
    const noName = await up.req('POST', '/instance/create', { body: { integration: 'WHATSAPP-BAILEYS' } })
    expect(noName.body.response.message).toEqual([['instance requires property "instanceName"']])
    const empty = await up.req('POST', '/instance/create', { body: { instanceName: '', integration: 'WHATSAPP-BAILEYS' } })
    expect(empty.body.response.message).toEqual([['The "instanceName" cannot be empty']])
    const malformed = await up.req('POST', '/instance/create', { body: '{"instanceName":' })
    expect(malformed.status).toBe(400)
    expect(malformed.body.error).toBe('Internal Server Error')
    expect(typeof malformed.body.response.message).toBe('string')
  })
})

describe('GET /instance/fetchInstances', () => {
  it('flat v2 rows plus the compat instance object', async () => {
    const res = await up.req('GET', '/instance/fetchInstances')
    expect(res.status).toBe(200)
    const row = res.body.find((r: any) => r.name === 'c1')
    expect(row).toMatchObject({
      name: 'c1', connectionStatus: 'close', ownerJid: null, integration: 'WHATSAPP-BAILEYS', clientName: 'evolution_exchange',
      Chatwoot: null, Proxy: null, Rabbitmq: null, Nats: null, Sqs: null, Websocket: null,
      _count: { Message: 0, Contact: 0, Chat: 0 },
      instance: { instanceName: 'c1', state: 'close' },
    })
    expect(row.token).toMatch(/^[0-9A-F-]{36}$/)
    expect(row.Setting).toMatchObject({ rejectCall: true, instanceId: row.id })
    expect(row.createdAt).toMatch(/Z$/)
  })

  it('filters by instanceName (404 when unknown) and by token', async () => {
    const one = await up.req('GET', '/instance/fetchInstances?instanceName=c2')
    expect(one.body).toHaveLength(1)
    const none = await up.req('GET', '/instance/fetchInstances?instanceName=ghost')
    expect(none.status).toBe(404)
    expect(none.body.response.message).toEqual(['Instance "ghost" not found'])
    const own = await up.req('GET', '/instance/fetchInstances', { key: 'tok-c2' })
    expect(own.status).toBe(200)
    expect(own.body.map((r: any) => r.name)).toEqual(['c2'])
    expect((await up.req('GET', '/instance/fetchInstances', { key: 'nope' })).status).toBe(401)
    expect((await up.req('GET', '/instance/fetchInstances', { key: null })).status).toBe(401)
  })
})

describe('instance-scoped guards', () => {
  it('404 for an unknown instance even with a wrong key', async () => {
    const res = await up.req('GET', '/instance/connectionState/ghost', { key: 'wrong' })
    expect(res.status).toBe(404)
    expect(res.body).toEqual({ status: 404, error: 'Not Found', response: { message: ['The "ghost" instance does not exist'] } })
  })

  it('accepts an instance token only for its own instance', async () => {
    expect((await up.req('GET', '/instance/connectionState/c2', { key: 'tok-c2' })).status).toBe(200)
    expect((await up.req('GET', '/instance/connectionState/c1', { key: 'tok-c2' })).status).toBe(401)
    expect((await up.req('GET', '/instance/connectionState/c1', { key: null })).status).toBe(401)
    expect((await up.req('GET', '/instance/connectionState/c1', { key: KEY })).status).toBe(200)
  })

  it('tolerates a trailing slash', async () => {
    expect((await up.req('GET', '/instance/connectionState/c1/')).status).toBe(200)
  })
})

describe('lifecycle', () => {
  it('close -> connecting (QR) -> open via scan, reflected everywhere', async () => {
    await createInstance(up, 'life')
    expect((await up.req('GET', '/instance/connectionState/life')).body).toEqual({ instance: { instanceName: 'life', state: 'close' } })
    const qr = await up.req('GET', '/instance/connect/life')
    expect(qr.status).toBe(200)
    expect(qr.body).toMatchObject({ pairingCode: null, count: 1 })
    expect(qr.body.base64).toMatch(/^data:image\/png;base64,iVBOR/)
    expect((await up.req('GET', '/instance/connectionState/life')).body.instance.state).toBe('connecting')
    const again = await up.req('GET', '/instance/connect/life?number=595981123456')
    expect(again.body.code).toBe(qr.body.code)
    const scan = await up.req('POST', '/sandbox/instances/life/scan')
    expect(scan.body).toEqual({ instance: 'life', state: 'open' })
    expect((await up.req('GET', '/instance/connect/life')).body).toEqual({ instance: { instanceName: 'life', state: 'open' } })
    const [row] = (await up.req('GET', '/instance/fetchInstances?instanceName=life')).body
    expect(row.connectionStatus).toBe('open')
    expect(row.ownerJid).toMatch(/^\d+@s\.whatsapp\.net$/)
    expect(row.instance).toMatchObject({ instanceName: 'life', state: 'open', owner: row.ownerJid })
  })

  it('restart answers POST and PUT; a closed instance gets {error:true}', async () => {
    for (const method of ['POST', 'PUT']) {
      const res = await up.req(method, '/instance/restart/life')
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ instance: { instanceName: 'life', state: 'open' } })
    }
    const closed = await up.req('POST', '/instance/restart/c1')
    expect(closed.status).toBe(200)
    expect(closed.body).toEqual({ error: true, message: '[object Object]' })
  })

  it('logout closes with reason 401; a second logout is 400', async () => {
    const res = await up.req('DELETE', '/instance/logout/life')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ status: 'SUCCESS', error: false, response: { message: 'Instance logged out' } })
    const [row] = (await up.req('GET', '/instance/fetchInstances?instanceName=life')).body
    expect(row).toMatchObject({ connectionStatus: 'close', disconnectionReasonCode: 401 })
    expect(row.disconnectionAt).toMatch(/Z$/)
    const again = await up.req('DELETE', '/instance/logout/life')
    expect(again.status).toBe(400)
    expect(again.body.response.message).toEqual(['The "life" instance is not connected'])
    // Creds were wiped: a new connect shows a QR again.
    expect((await up.req('GET', '/instance/connect/life')).body.base64).toMatch(/^data:image\/png/)
  })

  it('delete purges the instance; then it is 404', async () => {
    const res = await up.req('DELETE', '/instance/delete/life')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ status: 'SUCCESS', error: false, response: { message: 'Instance deleted' } })
    expect((await up.req('DELETE', '/instance/delete/life')).status).toBe(404)
    expect((await up.req('GET', '/instance/fetchInstances?instanceName=life')).status).toBe(404)
  })

  it('drop closes with reason 428 and keeps creds (connect goes straight to open)', async () => {
    await createInstance(up, 'dropper')
    await up.req('GET', '/instance/connect/dropper')
    await up.req('POST', '/sandbox/instances/dropper/scan')
    const drop = await up.req('POST', '/sandbox/instances/dropper/drop')
    expect(drop.body).toEqual({ instance: 'dropper', state: 'close' })
    const [row] = (await up.req('GET', '/instance/fetchInstances?instanceName=dropper')).body
    expect(row).toMatchObject({ connectionStatus: 'close', disconnectionReasonCode: 428 })
    expect((await up.req('GET', '/instance/connect/dropper')).body).toEqual({ instance: { instanceName: 'dropper', state: 'open' } })
  })
})

describe('autoconnect', () => {
  it('goes open by itself after SANDBOX_AUTOCONNECT_MS', async () => {
    const auto = await startUpstream(db, { SANDBOX_AUTOCONNECT_MS: '30' })
    try {
      await createInstance(auto, 'auto1')
      const qr = await auto.req('GET', '/instance/connect/auto1')
      expect(qr.body.count).toBe(1)
      const start = Date.now()
      let state = ''
      while (state !== 'open' && Date.now() - start < 5000) {
        state = (await auto.req('GET', '/instance/connectionState/auto1')).body.instance.state
        await new Promise((r) => setTimeout(r, 10))
      }
      expect(state).toBe('open')
    } finally {
      await auto.close()
    }
  })
})
