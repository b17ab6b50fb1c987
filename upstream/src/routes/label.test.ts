// /label/findLabels and /label/handleLabel on the sandbox: the fixed label set stored at open (labels.edit
// once), handleLabel's answer (200), the chat's labels in findChats, labels.association and chats.update,
// Evolution's errors, and the guards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestDatabase } from '../../../tests/support/db.js'
import { createInstance, openInstance, startReceiver, startUpstream, waitFor, withDb, type Upstream } from '../testing/upstream-harness.js'

let db: TestDatabase
let up: Upstream
let sink: Awaited<ReturnType<typeof startReceiver>>
let token: string
const N = '595981123456'
const JID = `${N}@s.whatsapp.net`

beforeAll(async () => {
  db = await withDb()
  up = await startUpstream(db)
  sink = await startReceiver()
  token = await createInstance(up, 'l1')
  await up.req('POST', '/webhook/set/l1', { body: { webhook: { enabled: true, url: sink.url, events: ['LABELS_EDIT', 'LABELS_ASSOCIATION', 'CHATS_UPDATE', 'CHATS_UPSERT'] } } })
  await up.req('GET', '/instance/connect/l1')
  await up.req('POST', '/sandbox/instances/l1/scan')
})
afterAll(async () => {
  await up?.close()
  await sink?.close()
  await db?.drop()
})

const hooks = (event: string) => sink.received.filter((r) => r.body?.event === event).map((r) => r.body.data)

describe('findLabels', () => {
  it("answers the sandbox's five predefined labels, announced once as labels.edit", async () => {
    const res = await up.req('GET', '/label/findLabels/l1', { key: token })
    expect(res.status).toBe(200)
    expect(res.body).toHaveLength(5)
    expect(res.body[0]).toEqual({ color: '1', name: 'New customer', id: '1', predefinedId: '1' })
    await waitFor(() => hooks('labels.edit').length === 5)
    // Deliveries run in parallel, so they may arrive in any order: find the label by id.
    expect(hooks('labels.edit').find((d: { id: string }) => d.id === '4')).toEqual({ id: '4', name: 'Paid', color: 4, deleted: false, predefinedId: '4', instance: 'l1' })
    // A restart reports the same labels again: nothing new to announce.
    await up.req('POST', '/sandbox/instances/l1/drop')
    await up.req('POST', '/sandbox/instances/l1/scan')
    await up.req('GET', '/label/findLabels/l1')
    expect(hooks('labels.edit')).toHaveLength(5)
  })

  it('guards: unknown instance 404, wrong key 401', async () => {
    expect((await up.req('GET', '/label/findLabels/nope')).status).toBe(404)
    expect((await up.req('GET', '/label/findLabels/l1', { key: 'wrong' })).status).toBe(401)
  })
})

describe('handleLabel', () => {
  it('add: 200 {numberJid, labelId, add}, the chat carries it, labels.association + chats.upsert', async () => {
    const res = await up.req('POST', '/label/handleLabel/l1', { body: { number: N, labelId: '4', action: 'add' } })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ numberJid: JID, labelId: '4', add: true })
    const chats = await up.req('POST', '/chat/findChats/l1', { body: { where: { remoteJid: N } } })
    expect(chats.body[0].labels).toEqual(['4'])
    await waitFor(() => hooks('labels.association').length === 1)
    expect(hooks('labels.association')[0]).toEqual({ instance: 'l1', type: 'add', chatId: JID, labelId: '4' })
    // Adding it again changes nothing and announces nothing.
    await up.req('POST', '/label/handleLabel/l1', { body: { number: N, labelId: '4', action: 'add' } })
    await up.req('POST', '/label/handleLabel/l1', { body: { number: N, labelId: '2', action: 'add' } })
    expect((await up.req('POST', '/chat/findChats/l1', { body: { where: { remoteJid: N } } })).body[0].labels).toEqual(['4', '2'])
    await waitFor(() => hooks('chats.update').some((c) => c[0].labels.length === 2))
  })

  it('remove: 200 {..., remove:true}, the label leaves the chat', async () => {
    const res = await up.req('POST', '/label/handleLabel/l1', { body: { number: N, labelId: '4', action: 'remove' } })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ numberJid: JID, labelId: '4', remove: true })
    expect((await up.req('POST', '/chat/findChats/l1', { body: { where: { remoteJid: N } } })).body[0].labels).toEqual(['2'])
    await waitFor(() => hooks('labels.association').some((a) => a.type === 'remove'))
  })

  it("Evolution's errors: bad body (nested 400 naming the field), number not on WhatsApp 404, unknown label 400, closed 400", async () => {
    const bad = await up.req('POST', '/label/handleLabel/l1', { body: { number: N, labelId: '4', action: 'toggle' } })
    expect(bad.status).toBe(400)
    expect(bad.body.response.message).toEqual([['action is not one of enum values: add,remove']])
    const noLabel = await up.req('POST', '/label/handleLabel/l1', { body: { number: N, action: 'add' } })
    expect(noLabel.body.response.message).toEqual([['instance requires property "labelId"']])
    const missing = await up.req('POST', '/label/handleLabel/l1', { body: { number: '595981120000', labelId: '4', action: 'add' } })
    expect(missing.status).toBe(404)
    expect(missing.body.response.message).toEqual(['Number is not on WhatsApp'])
    const unknown = await up.req('POST', '/label/handleLabel/l1', { body: { number: N, labelId: '99', action: 'add' } })
    expect(unknown.status).toBe(400)
    expect(unknown.body.response.message).toEqual(['Unable to add label to chat', 'Error: label "99" does not exist'])
    await up.req('POST', '/sandbox/instances/l1/drop')
    const closed = await up.req('POST', '/label/handleLabel/l1', { body: { number: N, labelId: '4', action: 'remove' } })
    expect(closed.body).toEqual({ status: 400, error: 'Bad Request', response: { message: ['Unable to remove label to chat', 'Error: Connection Closed'] } })
    // findLabels reads the store: it still answers on a closed instance.
    expect((await up.req('GET', '/label/findLabels/l1')).body).toHaveLength(5)
  })
})
