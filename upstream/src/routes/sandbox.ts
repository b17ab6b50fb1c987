/**
 * @module upstream/routes/sandbox
 * Test-only control routes (mounted only with UPSTREAM_DRIVER=sandbox, global key only). The contract
 * is documented in upstream/AGENTS.md; the gateway's bats suite depends on it exactly.
 */
import { Hono } from 'hono'
import * as v from 'valibot'
import type { UpstreamDeps } from '../deps.js'
import { findInstanceByName } from '../db/instances.js'
import { deleteSentMessages, listSentMessages } from '../db/messages.js'
import { ConnectionClosedError } from '../driver/errors.js'
import { SandboxSession } from '../driver/sandbox.js'
import type { UpstreamEnv } from '../env.js'
import { FaultsBody } from '../faults/store.js'
import { badRequest, instanceNotFound, notConnected } from '../lib/errors.js'
import { createJid, jidUser } from '../lib/jid.js'
import { parseBody } from '../lib/validation.js'
import { requireGlobalKey } from '../middleware/auth.js'
import { toMessageRaw } from '../services/message-raw.js'

const AckBody = v.object({ status: v.picklist(['SERVER_ACK', 'DELIVERY_ACK', 'READ', 'PLAYED', 'ERROR']) })
const InboundBody = v.object({ number: v.string(), text: v.string() })
/**
 * A scripted nack (WhatsApp's error ack, as Baileys reports it): `keyId` nacks that sent message now;
 * without it the instance's next send is nacked instead of acked. `code` 463 is the reach-out timelock.
 */
const NackBody = v.object({
  keyId: v.optional(v.pipe(v.string(), v.minLength(1))),
  code: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(9_999_999)),
  message: v.optional(v.pipe(v.string(), v.maxLength(300))),
})
/** At most 50 000 messages per call: enough for paging tests and the panel, small enough for one request. */
const HistoryBody = v.pipe(
  v.object({
    chats: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(500)),
    messagesPerChat: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000)),
    withMedia: v.optional(v.boolean(), false),
  }),
  v.check((b) => b.chats * b.messagesPerChat <= 50_000, 'chats * messagesPerChat must be at most 50000'),
)
/** `?reason=401`: the disconnect code the drop reports (default 428, connection lost), as Baileys would. */
const DropQuery = v.object({
  reason: v.optional(v.pipe(v.string(), v.regex(/^[1-9][0-9]{2}$/, 'reason must be a three-digit disconnect code'), v.transform(Number))),
})

export function sandboxRoutes(deps: UpstreamDeps) {
  const { sql, instances, faults, webhooks } = deps
  const r = new Hono<UpstreamEnv>({ strict: false })
  r.use('*', requireGlobalKey(deps.config.AUTHENTICATION_API_KEY))

  /** The named instance and its sandbox session (404 envelope when unknown). */
  async function sandboxOf(name: string) {
    const row = await findInstanceByName(sql, name)
    if (!row) throw instanceNotFound(name)
    const { session } = instances.entry(row)
    if (!(session instanceof SandboxSession)) throw badRequest('Not a sandbox session')
    return { row, session }
  }

  r.post('/instances/:name/scan', async (c) => {
    const { row, session } = await sandboxOf(c.req.param('name'))
    session.scan()
    await instances.flush(row)
    return c.json({ instance: row.name, state: session.state })
  })

  r.post('/instances/:name/drop', async (c) => {
    const query = v.safeParse(DropQuery, { reason: c.req.query('reason') })
    if (!query.success) throw badRequest(query.issues[0].message)
    const { row, session } = await sandboxOf(c.req.param('name'))
    session.drop(query.output.reason)
    await instances.flush(row)
    return c.json({ instance: row.name, state: session.state })
  })

  r.post('/instances/:name/inbound', async (c) => {
    const { row, session } = await sandboxOf(c.req.param('name'))
    const body = await parseBody(c, InboundBody)
    try {
      const msg = session.inbound(body.number, body.text)
      await instances.flush(row)
      return c.json({ instance: row.name, message: toMessageRaw(msg, row.id) })
    } catch (err) {
      if (err instanceof ConnectionClosedError) throw notConnected(row.name)
      throw err
    }
  })

  r.post('/instances/:name/nack', async (c) => {
    const { row, session } = await sandboxOf(c.req.param('name'))
    const body = await parseBody(c, NackBody)
    const error = { code: body.code, message: body.message ?? (body.code === 463 ? 'Your account has been restricted' : 'message refused by WhatsApp') }
    if (!body.keyId) {
      session.armNack(error.code, error.message)
      return c.json({ instance: row.name, armed: error })
    }
    return c.json({ ...(await instances.forceAck(body.keyId, 'ERROR', error)), error })
  })

  r.post('/instances/:name/history', async (c) => {
    const { row, session } = await sandboxOf(c.req.param('name'))
    const body = await parseBody(c, HistoryBody)
    try {
      const generated = session.history(body)
      await instances.flush(row)
      return c.json({ instance: row.name, ...generated })
    } catch (err) {
      if (err instanceof ConnectionClosedError) throw notConnected(row.name)
      throw err
    }
  })

  r.get('/faults', (c) => c.json(faults.get()))
  r.put('/faults', async (c) => c.json(faults.set(await parseBody(c, FaultsBody))))
  r.delete('/faults', (c) => c.json(faults.clear()))

  r.get('/messages', async (c) => {
    const number = c.req.query('number')
    const rows = await listSentMessages(sql, { instance: c.req.query('instance') || undefined, number: number ? jidUser(createJid(number)) : undefined })
    return c.json({
      messages: rows.map((m) => ({
        id: m.keyId,
        instance: m.instanceName,
        number: m.number,
        type: m.kind,
        payload: m.payload,
        status: m.status,
        created_at: m.createdAt,
        remote_jid: m.remoteJid,
        message_type: m.messageType,
        updated_at: m.updatedAt,
      })),
    })
  })

  r.delete('/messages', async (c) => c.json({ deleted: await deleteSentMessages(sql, c.req.query('instance') || undefined) }))

  r.post('/messages/:id/ack', async (c) => {
    const body = await parseBody(c, AckBody)
    return c.json(await instances.forceAck(c.req.param('id'), body.status))
  })

  r.get('/webhooks/deliveries', (c) =>
    c.json({ deliveries: webhooks.deliveries.list({ event: c.req.query('event'), instance: c.req.query('instance') }) }),
  )
  r.delete('/webhooks/deliveries', (c) => {
    webhooks.deliveries.clear()
    return c.json({ deliveries: [] })
  })

  return r
}
