/**
 * @module tests/integration/scheduled-unconfirmed
 * A scheduled/bulk recipient whose outcome is unknown is never reported as sent (issue 31), on real
 * PostgreSQL and Redis with a recording upstream. A 'sending' row left by a dead worker is settled by
 * asking the upstream (POST /chat/findMessages): it has the message = sent (not resent, its WhatsApp id
 * kept); it has none and the send had time to finish = sent now, once (a claim too young for "none" to
 * prove anything is asked about once the others are done); it cannot tell (the route fails) =
 * unconfirmed, in the results, the progress counts and the history. POST /api/scheduled/:id/resend-unconfirmed resends only those, once.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Deps } from '../../gateway/src/deps.js'
import { runScheduledMessages } from '../../gateway/src/workers/scheduled-messages.js'
import { startTestGateway, type TestGateway } from '../support/gateway.js'

type Sent = { number: string; text: string; id: string }
let upstream: http.Server
let gw: TestGateway
let deps: Deps
/** What the upstream sent (and stores), in order. */
const sent: Sent[] = []
let findMessagesWorks = true
/** Numbers whose next send is answered 504, with the message sent anyway ('stored') or not ('lost'). */
const gatewayTimeout = new Map<string, 'stored' | 'lost'>()
let seq = 0

const INSTANCE = 'unconf-inst'

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, any>
      const json = (status: number, v: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' })
        res.end(JSON.stringify(v))
      }
      if (req.url?.startsWith('/message/sendText/')) {
        const id = `3EB0UNCONF${String(++seq).padStart(4, '0')}`
        const lost = gatewayTimeout.get(String(body.number))
        gatewayTimeout.delete(String(body.number))
        // A replica that died holding the send: 504, after sending ('stored') or before ('lost').
        if (lost !== 'lost') sent.push({ number: String(body.number), text: String(body.text), id })
        if (lost) return json(504, { status: 504, error: 'Gateway Timeout', response: { message: ['The replica running it did not answer'] } })
        return json(201, { key: { id, remoteJid: `${body.number}@s.whatsapp.net`, fromMe: true }, status: 'PENDING' })
      }
      if (req.url?.startsWith('/chat/findMessages/')) {
        if (!findMessagesWorks) return json(404, { status: 404, error: 'Not Found', response: { message: ['Cannot POST'] } })
        const number = String(body.where?.key?.remoteJid ?? '')
        const records = sent
          .filter((s) => s.number === number)
          .map((s) => ({ id: s.id, key: { id: s.id, remoteJid: `${s.number}@s.whatsapp.net`, fromMe: true }, messageType: 'conversation', message: { conversation: s.text } }))
        return json(200, { messages: { total: records.length, pages: 1, currentPage: 1, records } })
      }
      json(404, { error: 'unexpected' })
    })
  })
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r))
  gw = await startTestGateway({
    upstreamUrl: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
    apiKey: 'unconfirmed-test-key-0123456789',
    instance: INSTANCE,
    username: 'unconf',
    lockKey: 727_031,
    env: { SCHEDULED_PACING_MS: '0', SCHEDULED_LEASE_SECONDS: '2' },
  })
  deps = gw.deps
})

afterAll(async () => {
  await gw?.close()
  upstream?.close()
})

const api = async (method: string, path: string, token = gw.token) => {
  const res = await fetch(`${gw.base}${path}`, { method, headers: { apikey: token } })
  return { status: res.status, body: (await res.json()) as Record<string, any> }
}

/** A bulk message whose worker died: processing with a lease that ran out, 'sending' rows as given. */
async function orphaned(recipients: string[], sending: { number: string; ageSeconds: number }[]): Promise<number> {
  const [m] = await deps.sql<{ id: number }[]>`
    insert into taguato.scheduled_messages (user_id, instance_name, message_type, message_content, recipients, scheduled_at, status, lease_owner, lease_until)
    values (${gw.userId}, ${INSTANCE}, 'text', 'hola', ${JSON.stringify(recipients)}, now() - interval '5 minutes', 'processing', 'dead-worker', now() - interval '1 minute')
    returning id`
  for (const s of sending) {
    await deps.sql`
      insert into taguato.message_logs (user_id, instance_name, phone_number, message_type, status, scheduled_message_id, created_at)
      values (${gw.userId}, ${INSTANCE}, ${s.number}, 'text', 'sending', ${m!.id}, now() - make_interval(secs => ${s.ageSeconds}))`
  }
  return m!.id
}

const logOf = (id: number) =>
  deps.sql<{ phone_number: string; status: string; wa_message_id: string | null }[]>`
    select phone_number, status, wa_message_id from taguato.message_logs where scheduled_message_id = ${id} order by id`

describe('takeover of a dead worker\'s recipients', () => {
  it('asks the upstream: sent if it has the message, sent now if not; a young orphan is asked about once the others are done', async () => {
    // 595981000001 really left before the worker died (the upstream has it).
    sent.push({ number: '595981000001', text: 'hola', id: '3EB0ALREADY1' })
    const before = sent.length
    const id = await orphaned(
      ['595981000001', '595981000002', '595981000003', '595981000004'],
      [
        { number: '595981000001', ageSeconds: 120 },
        { number: '595981000002', ageSeconds: 120 },
        // Claimed 1 s ago: "not there" proves nothing yet (the send may still be running upstream).
        { number: '595981000003', ageSeconds: 1 },
      ],
    )
    await runScheduledMessages(deps, undefined, { settledAfterMs: 3000 })
    // 003 last: it waited until its send could no longer be running, then was found absent and sent once.
    expect(sent.slice(before).map((s) => s.number)).toEqual(['595981000002', '595981000004', '595981000003'])
    const rows = await logOf(id)
    expect(rows.map((r) => [r.phone_number, r.status])).toEqual([
      ['595981000001', 'sent'],
      ['595981000002', 'sent'],
      ['595981000003', 'sent'],
      ['595981000004', 'sent'],
    ])
    expect(rows[0]!.wa_message_id).toBe('3EB0ALREADY1')
    const got = await api('GET', `/api/scheduled/${id}`)
    expect(got.body.message.status).toBe('completed')
    expect(got.body.message.results).toMatchObject({ total: 4, sent: 4, failed: 0, unconfirmed: 0 })
    expect(got.body.message.progress).toEqual({ total: 4, sent: 4, failed: 0, unconfirmed: 0, pending: 0 })
  })

  it('an upstream that cannot tell leaves the recipient unconfirmed (never sent, never resent)', async () => {
    findMessagesWorks = false
    try {
      const before = sent.length
      const id = await orphaned(['595981000011', '595981000012'], [{ number: '595981000011', ageSeconds: 300 }])
      await runScheduledMessages(deps)
      expect(sent.slice(before).map((s) => s.number)).toEqual(['595981000012'])
      expect((await logOf(id)).map((r) => [r.phone_number, r.status])).toEqual([
        ['595981000011', 'unconfirmed'],
        ['595981000012', 'sent'],
      ])
      expect((await api('GET', `/api/scheduled/${id}`)).body.message.results).toMatchObject({ sent: 1, unconfirmed: 1 })
      const history = await api('GET', `/api/messages/log?status=unconfirmed&instance_name=${INSTANCE}`)
      expect(history.status).toBe(200)
      expect(JSON.stringify(history.body)).toContain('595981000011')
    } finally {
      findMessagesWorks = true
    }
  })

  it('resend-unconfirmed sends only the unconfirmed recipients, once', async () => {
    findMessagesWorks = false
    let id: number
    try {
      const [m] = await deps.sql<{ id: number }[]>`
        insert into taguato.scheduled_messages (user_id, instance_name, message_type, message_content, recipients, scheduled_at)
        values (${gw.userId}, ${INSTANCE}, 'text', 'hola resend', '["595981000061","595981000062"]', now() - interval '1 second') returning id`
      id = m!.id
      gatewayTimeout.set('595981000061', 'lost')
      await runScheduledMessages(deps, undefined, { settledAfterMs: 300 })
      expect((await logOf(id)).map((r) => [r.phone_number, r.status])).toEqual([
        ['595981000061', 'unconfirmed'],
        ['595981000062', 'sent'],
      ])
    } finally {
      findMessagesWorks = true
    }
    const resend = await api('POST', `/api/scheduled/${id}/resend-unconfirmed`)
    expect(resend.status).toBe(200)
    expect(resend.body.resending).toBe(1)
    expect(resend.body.message.status).toBe('pending')
    const mark = sent.length
    await runScheduledMessages(deps, undefined, { settledAfterMs: 300 })
    expect(sent.slice(mark).map((s) => s.number)).toEqual(['595981000061'])
    const after = await api('GET', `/api/scheduled/${id}`)
    expect(after.body.message.status).toBe('completed')
    expect(after.body.message.progress).toEqual({ total: 2, sent: 2, failed: 0, unconfirmed: 0, pending: 0 })
    // The unconfirmed attempt stays in the history, beside its resend.
    expect((await logOf(id)).filter((r) => r.phone_number === '595981000061').map((r) => r.status)).toEqual(['unconfirmed', 'sent'])
    const again = await api('POST', `/api/scheduled/${id}/resend-unconfirmed`)
    expect(again).toEqual({ status: 400, body: { error: 'No unconfirmed recipients to resend' } })
    await runScheduledMessages(deps, undefined, { settledAfterMs: 300 })
    expect(sent.length).toBe(mark + 1)
  })

  it('a 504 is never retried: once the others are done the upstream is asked; stored = sent, absent = sent once now, silent = unconfirmed', async () => {
    const before = sent.length
    gatewayTimeout.set('595981000031', 'stored')
    gatewayTimeout.set('595981000032', 'lost')
    const [m] = await deps.sql<{ id: number }[]>`
      insert into taguato.scheduled_messages (user_id, instance_name, message_type, message_content, recipients, scheduled_at)
      values (${gw.userId}, ${INSTANCE}, 'text', 'hola 504', '["595981000031","595981000032","595981000033"]', now() - interval '1 second') returning id`
    await runScheduledMessages(deps, undefined, { settledAfterMs: 300 })
    // Each number exactly once: 031's first send stood (not resent), 032's never left so it went again.
    expect(sent.slice(before).map((s) => s.number).sort()).toEqual(['595981000031', '595981000032', '595981000033'])
    expect((await logOf(m!.id)).map((r) => [r.phone_number, r.status])).toEqual([
      ['595981000031', 'sent'],
      ['595981000032', 'sent'],
      ['595981000033', 'sent'],
    ])
    const got = await api('GET', `/api/scheduled/${m!.id}`)
    expect(got.body.message.results).toMatchObject({ total: 3, sent: 3, failed: 0, unconfirmed: 0 })

    findMessagesWorks = false
    try {
      gatewayTimeout.set('595981000041', 'stored')
      const [m2] = await deps.sql<{ id: number }[]>`
        insert into taguato.scheduled_messages (user_id, instance_name, message_type, message_content, recipients, scheduled_at)
        values (${gw.userId}, ${INSTANCE}, 'text', 'hola 504b', '["595981000041"]', now() - interval '1 second') returning id`
      const mark = sent.length
      await runScheduledMessages(deps, undefined, { settledAfterMs: 300 })
      expect(sent.length).toBe(mark + 1)
      const rows = await deps.sql<{ status: string; error_message: string }[]>`
        select status, error_message from taguato.message_logs where scheduled_message_id = ${m2!.id}`
      expect(rows.map((r) => r.status)).toEqual(['unconfirmed'])
      expect(rows[0]!.error_message).toContain('504')
    } finally {
      findMessagesWorks = true
    }
  })

  it('resend-unconfirmed asks the upstream first: a message it has by now is settled sent, not sent again', async () => {
    findMessagesWorks = false
    let id: number
    try {
      gatewayTimeout.set('595981000051', 'stored')
      const [m] = await deps.sql<{ id: number }[]>`
        insert into taguato.scheduled_messages (user_id, instance_name, message_type, message_content, recipients, scheduled_at)
        values (${gw.userId}, ${INSTANCE}, 'text', 'hola late', '["595981000051"]', now() - interval '1 second') returning id`
      id = m!.id
      await runScheduledMessages(deps, undefined, { settledAfterMs: 300 })
      expect((await logOf(id)).map((r) => r.status)).toEqual(['unconfirmed'])
    } finally {
      findMessagesWorks = true
    }
    const mark = sent.length
    expect((await api('POST', `/api/scheduled/${id}/resend-unconfirmed`)).status).toBe(200)
    await runScheduledMessages(deps, undefined, { settledAfterMs: 300 })
    expect(sent.length).toBe(mark)
    expect((await logOf(id)).map((r) => r.status)).toEqual(['sent'])
    expect((await api('GET', `/api/scheduled/${id}`)).body.message.progress).toMatchObject({ sent: 1, unconfirmed: 0 })
  })

  it('resend-unconfirmed: 404 for an unknown message, 400 while it is not finished', async () => {
    expect((await api('POST', '/api/scheduled/999999/resend-unconfirmed')).status).toBe(404)
    const [m] = await deps.sql<{ id: number }[]>`
      insert into taguato.scheduled_messages (user_id, instance_name, message_content, recipients, scheduled_at)
      values (${gw.userId}, ${INSTANCE}, 'x', '["595981000021"]', now() + interval '1 day') returning id`
    expect(await api('POST', `/api/scheduled/${m!.id}/resend-unconfirmed`)).toEqual({ status: 400, body: { error: 'Only completed or failed messages can be resent' } })
  })
})
