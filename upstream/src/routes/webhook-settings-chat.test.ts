// Contract tests for webhook/set|find (v2 and legacy bodies), settings/set|find, chat/whatsappNumbers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestDatabase } from '../../../tests/support/db.js'
import { createInstance, openInstance, startUpstream, withDb, type Upstream } from '../testing/upstream-harness.js'

let db: TestDatabase
let up: Upstream

beforeAll(async () => {
  db = await withDb()
  up = await startUpstream(db)
  await openInstance(up, 'w1')
  await createInstance(up, 'w-closed')
})
afterAll(async () => {
  await up?.close()
  await db?.drop()
})

describe('webhook/set and webhook/find', () => {
  it('find is null before any set', async () => {
    const res = await up.req('GET', '/webhook/find/w1')
    expect(res.status).toBe(200)
    expect(res.body).toBeNull()
  })

  it('v2 body: 201 with the row; enabled with no events means all events', async () => {
    const res = await up.req('POST', '/webhook/set/w1', { body: { webhook: { enabled: true, url: 'https://hooks.example.com/x', byEvents: true, events: [] } } })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ url: 'https://hooks.example.com/x', headers: null, enabled: true, webhookByEvents: true, webhookBase64: false })
    expect(res.body.id).toMatch(/^c[0-9a-z]{24}$/)
    expect(res.body.events).toContain('MESSAGES_UPDATE')
    expect(res.body.events.length).toBe(31)
    const find = await up.req('GET', '/webhook/find/w1')
    expect(find.body).toEqual(res.body)
  })

  it('legacy flat body is accepted (GROUPS_UPDATE mapped), and the "clear" call disables', async () => {
    const res = await up.req('POST', '/webhook/set/w1', {
      body: { url: 'https://hooks.example.com/y', webhook_by_events: false, webhook_base64: false, events: ['MESSAGES_UPSERT', 'GROUPS_UPDATE'] },
    })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ url: 'https://hooks.example.com/y', enabled: true, events: ['MESSAGES_UPSERT', 'GROUP_UPDATE'], webhookByEvents: false })
    const clear = await up.req('POST', '/webhook/set/w1', { body: { url: '', webhook_by_events: false, events: {} } })
    expect(clear.status).toBe(201)
    expect(clear.body).toMatchObject({ url: '', enabled: false, events: [] })
  })

  it('400s as v2 words them', async () => {
    const none = await up.req('POST', '/webhook/set/w1', { body: {} })
    expect(none.body).toEqual({ status: 400, error: 'Bad Request', response: { message: [['instance requires property "webhook"']] } })
    const noEnabled = await up.req('POST', '/webhook/set/w1', { body: { webhook: { url: 'https://a.b' } } })
    expect(noEnabled.body.response.message).toEqual([['webhook requires property "enabled"']])
    const badEvent = await up.req('POST', '/webhook/set/w1', { body: { webhook: { enabled: true, url: 'https://a.b', events: ['NOPE'] } } })
    expect(badEvent.body.response.message[0][0]).toMatch(/^webhook\.events\[0\] is not one of enum values: APPLICATION_STARTUP,/)
    const badUrl = await up.req('POST', '/webhook/set/w1', { body: { webhook: { enabled: true, url: 'not a url' } } })
    expect(badUrl.body.response.message).toEqual(['Invalid "url" property'])
  })

  it('create with a nested webhook stores it', async () => {
    const res = await up.req('POST', '/instance/create', {
      body: { instanceName: 'w-nested', integration: 'WHATSAPP-BAILEYS', webhook: { enabled: true, url: 'https://h.example.com', events: ['SEND_MESSAGE'] } },
    })
    expect(res.status).toBe(201)
    expect(res.body.webhook).toMatchObject({ webhookUrl: 'https://h.example.com', webhookByEvents: false, webhookBase64: false })
    expect((await up.req('GET', '/webhook/find/w-nested')).body.events).toEqual(['SEND_MESSAGE'])
  })
})

describe('settings', () => {
  const all = { rejectCall: true, groupsIgnore: false, alwaysOnline: true, readMessages: false, readStatus: false, syncFullHistory: false }
  it('set echoes what was sent (201); find returns the eight values', async () => {
    const res = await up.req('POST', '/settings/set/w1', { body: { ...all, msgCall: 'busy' } })
    expect(res.status).toBe(201)
    expect(res.body).toEqual({ settings: { instanceName: 'w1', settings: { ...all, msgCall: 'busy' } } })
    const find = await up.req('GET', '/settings/find/w1')
    expect(find.status).toBe(200)
    expect(find.body).toEqual({ ...all, msgCall: 'busy', wavoipToken: '' })
  })

  it('400 for missing booleans', async () => {
    const res = await up.req('POST', '/settings/set/w1', { body: { rejectCall: 'yes' } })
    expect(res.status).toBe(400)
    expect(res.body.response.message[0]).toContain('rejectCall is not of a type(s) boolean')
    expect(res.body.response.message[0]).toContain('instance requires property "groupsIgnore"')
  })
})

describe('chat/whatsappNumbers', () => {
  it('200 with the deterministic existence rule', async () => {
    const res = await up.req('POST', '/chat/whatsappNumbers/w1', { body: { numbers: ['+595 981 123456', '595981120000', '120363025246125486@g.us'] } })
    expect(res.status).toBe(200)
    expect(res.body).toEqual([
      { jid: '595981123456@s.whatsapp.net', exists: true, number: '595981123456' },
      { jid: '595981120000@s.whatsapp.net', exists: false, number: '595981120000' },
      { jid: '120363025246125486@g.us', exists: true, number: '120363025246125486' },
    ])
  })

  it('400 raw objects (no response wrapper) for bad bodies and closed instances', async () => {
    const empty = await up.req('POST', '/chat/whatsappNumbers/w1', { body: { numbers: [] } })
    expect(empty.status).toBe(400)
    expect(empty.body).toEqual({ status: 400, error: 'Bad Request', message: [['numbers does not meet minimum length of 1']] })
    const closed = await up.req('POST', '/chat/whatsappNumbers/w-closed', { body: { numbers: ['595981123456'] } })
    expect(closed.status).toBe(400)
    expect(closed.body.response).toBeUndefined()
  })
})
