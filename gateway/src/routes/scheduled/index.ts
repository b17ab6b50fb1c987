/**
 * @module routes/scheduled
 * /api/scheduled (R5, docs/decisions.md#r5), strictly the caller's rows. Decisions: `recipients` is an array
 * (D11, docs/decisions.md#d11); update runs the same validation and may-use check as create (D2, docs/decisions.md#d2, R5); every message carries
 * live `progress` {total, sent, failed, unconfirmed, pending} from message_logs; `POST /:id/cancel` also stops a
 * processing one (before its next recipient). A message due now wakes the worker at once (bulk send).
 * `POST /:id/resend-unconfirmed` (issue 31): the owner's one action to send again the recipients whose
 * outcome is unknown (`unconfirmed`: the worker stopped mid-send and the upstream could not tell).
 * Bodies: ./schemas.ts, validated in two steps around the instance check (the reference's order).
 * Templated sends (docs/templates.md): `template_id`, `contact_list_id`, `variables` and `{number, variables}`
 * recipients are read first (services/templates/send-variables.ts); a placeholder without a value for some
 * recipient is refused here, the worker fills each recipient's text.
 */
import type { Context } from 'hono'
import type { Deps } from '../../deps.js'
import type { AppEnv } from '../../env.js'
import { cancelScheduled, findScheduled, insertScheduled, listScheduled, progressFor, requestResend, storedVariables, updatePending, type ScheduledRow } from '../../db/queries/scheduled.js'
import { ApiError } from '../../errors/api-error.js'
import { parseId, readJsonObject, validate } from '../../lib/body.js'
import { pageEnvelope, parsePage } from '../../lib/pagination.js'
import { register, type Router } from '../../lib/route.js'
import { checkContentForType, MessageTypeRule } from '../../services/scheduled/validate.js'
import { expandTemplating, recipientVariables } from '../../services/templates/send-variables.js'
import { nudgeScheduled } from '../../workers/scheduled-messages.js'
import { readRawBody } from '../../lib/raw-body.js'
import { requestFingerprint } from '../../services/idempotency/idempotency-store.js'
import { IDEMPOTENCY_HEADER, idempotencyStore, inflightMs, parseIdempotencyKey, replayableHeaders, runIdempotent } from '../../services/idempotency/idempotent.js'
import { CreateScheduledBody, CreateScheduledTarget, UpdateScheduledBody, UpdateScheduledTarget } from './schemas.js'

const NOT_FOUND = 'Scheduled message not found'

function headerRecord(h: Headers): Record<string, string> {
  const out: Record<string, string> = {}
  h.forEach((v, k) => (out[k] = v))
  return out
}
const tags = ['scheduled']

function recipientsOf(row: ScheduledRow): string[] {
  try {
    const v = JSON.parse(row.recipients) as unknown
    return Array.isArray(v) ? v.map(String) : []
  } catch {
    return []
  }
}

/** The API shape: recipients as an array, results with errors as an array, live progress. */
async function present(deps: Deps, rows: ScheduledRow[]) {
  const counts = await progressFor(deps.sql, rows.map((r) => r.id))
  return rows.map(({ user_id: _u, ...r }) => {
    const recipients = recipientsOf(r as ScheduledRow)
    const c = counts.get(r.id) ?? { sent: 0, failed: 0, unconfirmed: 0 }
    const total = new Set(recipients).size
    const active = r.status === 'pending' || r.status === 'processing'
    const results = r.results ? { ...r.results, errors: Array.isArray(r.results.errors) ? r.results.errors : [] } : null
    const pending = active ? Math.max(0, total - c.sent - c.failed - c.unconfirmed) : 0
    return { ...r, recipients, results, progress: { total, sent: c.sent, failed: c.failed, unconfirmed: c.unconfirmed, pending } }
  })
}

export function scheduledRoutes(r: Router, deps: Deps): void {
  const mayUse = async (c: Context<AppEnv>, instance: string) => {
    if (!(await deps.instances.mayUse(c.get('user'), instance))) throw new ApiError(403, 'You do not own this instance')
  }
  const afterSave = (row: ScheduledRow) => {
    if (row.scheduled_at.getTime() <= Date.now() + 1000) nudgeScheduled(deps)
  }

  register(r, { method: 'GET', path: '/api/scheduled', access: 'session', summary: 'List own scheduled messages (?status=, default limit 20)', tags,
    response: { status: 200, description: '{messages:[...], total, page, limit, pages}' } }, async (c) => {
    const q = c.req.query()
    const p = parsePage(q, 20)
    const { rows, total } = await listScheduled(deps.sql, c.get('user').id, q.status || null, p.limit, p.offset)
    return c.json(pageEnvelope('messages', await present(deps, rows), total, p))
  })

  register(r, { method: 'GET', path: '/api/scheduled/:id', access: 'session', summary: 'One scheduled message with live progress', tags,
    response: { status: 200, description: '{message:{..., recipients:[...], results, progress:{total,sent,failed,unconfirmed,pending}}}' } }, async (c) => {
    const row = await findScheduled(deps.sql, c.get('user').id, parseId(c.req.param('id'), NOT_FOUND))
    if (!row) throw new ApiError(404, NOT_FOUND)
    return c.json({ message: (await present(deps, [row]))[0] })
  })

  register(r, { method: 'POST', path: '/api/scheduled', access: 'session', summary: 'Schedule a message (scheduled_at "now" or a past time = bulk send now)', tags, body: CreateScheduledBody,
    response: { status: 201, description: '{message:{...}}' } }, async (c) => {
    const create = async () => {
      const tpl = await expandTemplating(deps.sql, c.get('user').id, await readJsonObject(c))
      const body = tpl.body
      await mayUse(c, validate(CreateScheduledTarget, body).instance_name)
      const { instance_name, message_type: type, message_content: content, recipients, scheduled_at: at } = validate(CreateScheduledBody, body)
      const variables = recipientVariables(type, content, recipients, tpl)
      const row = await insertScheduled(deps.sql, c.get('user').id, { instance: instance_name, type, content, recipients, at, variables })
      afterSave(row)
      return c.json({ message: (await present(deps, [row]))[0] }, 201)
    }
    // Idempotency-Key (docs/idempotency.md): the same key and body again creates nothing and gets the first answer.
    const key = parseIdempotencyKey(c.req.header(IDEMPOTENCY_HEADER))
    if (key === undefined) return create()
    const raw = await readRawBody(c)
    let text = ''
    return runIdempotent<Response>({
      store: idempotencyStore(deps),
      userId: c.get('user').id,
      key,
      fingerprint: requestFingerprint('POST', '/api/scheduled', raw),
      inflightMs: inflightMs(deps),
      run: async () => {
        const res = await create()
        text = await res.clone().text()
        return res
      },
      toStored: (res) => ({ status: res.status, headers: replayableHeaders(headerRecord(res.headers)), body: Buffer.from(text) }),
      fromStored: (a) => new Response(new Uint8Array(a.body), { status: a.status, headers: a.headers }),
    })
  })

  register(r, { method: 'PUT', path: '/api/scheduled/:id', access: 'session', summary: 'Update a pending message (same rules as create)', tags, body: UpdateScheduledBody,
    response: { status: 200, description: '{message:{...}}' } }, async (c) => {
    const raw = await readJsonObject(c)
    const cur = await findScheduled(deps.sql, c.get('user').id, parseId(c.req.param('id'), NOT_FOUND))
    if (!cur) throw new ApiError(404, NOT_FOUND)
    if (cur.status !== 'pending') throw new ApiError(400, 'Only pending messages can be updated')
    const keys = ['instance_name', 'message_type', 'message_content', 'recipients', 'scheduled_at', 'template_id', 'contact_list_id', 'variables'] as const
    if (!keys.some((k) => raw[k] !== undefined)) throw new ApiError(400, 'No fields to update')
    const tpl = await expandTemplating(deps.sql, c.get('user').id, raw)
    const body = tpl.body
    await mayUse(c, validate(UpdateScheduledTarget, body).instance_name ?? cur.instance_name)
    const f = validate(UpdateScheduledBody, body)
    const instance = f.instance_name ?? cur.instance_name
    const recipients = f.recipients ?? recipientsOf(cur)
    const content = f.message_content ?? cur.message_content
    const at = f.scheduled_at ?? cur.scheduled_at
    // Either may be the stored one, so the pair is checked here rather than by the schema.
    const type = f.message_type ?? validate(MessageTypeRule, cur.message_type)
    checkContentForType(type, content)
    const variables = recipientVariables(type, content, recipients, tpl, await storedVariables(deps.sql, c.get('user').id, cur.id))
    const row = await updatePending(deps.sql, c.get('user').id, cur.id, { instance, type, content, recipients, at, variables })
    if (!row) throw new ApiError(400, 'Only pending messages can be updated')
    afterSave(row)
    return c.json({ message: (await present(deps, [row]))[0] })
  })

  const cancel = (from: string[], msg: string) => async (c: Context<AppEnv>) => {
    const user = c.get('user')
    const id = parseId(c.req.param('id'), NOT_FOUND)
    const row = await cancelScheduled(deps.sql, user.id, id, from)
    if (row) return c.json({ message: row })
    if (!(await findScheduled(deps.sql, user.id, id))) throw new ApiError(404, NOT_FOUND)
    throw new ApiError(400, msg)
  }
  register(r, { method: 'DELETE', path: '/api/scheduled/:id', access: 'session', summary: 'Cancel a pending message (soft)', tags,
    response: { status: 200, description: '{message:{id,status:"cancelled"}}' } }, cancel(['pending'], 'Only pending messages can be cancelled'))
  register(r, { method: 'POST', path: '/api/scheduled/:id/cancel', access: 'session', summary: 'Cancel a pending or processing message (stops before the next recipient)', tags,
    response: { status: 200, description: '{message:{id,status:"cancelled"}}' } }, cancel(['pending', 'processing'], 'Only pending or processing messages can be cancelled'))

  register(r, { method: 'POST', path: '/api/scheduled/:id/resend-unconfirmed', access: 'session',
    summary: 'Send again the recipients whose outcome is unknown (unconfirmed); the message runs again now', tags,
    response: { status: 200, description: '{message:{...status:"pending"}, resending: n}' } }, async (c) => {
    const user = c.get('user')
    const id = parseId(c.req.param('id'), NOT_FOUND)
    const done = await requestResend(deps.sql, user.id, id)
    if (!done) {
      const cur = await findScheduled(deps.sql, user.id, id)
      if (!cur) throw new ApiError(404, NOT_FOUND)
      if (cur.status !== 'completed' && cur.status !== 'failed') throw new ApiError(400, 'Only completed or failed messages can be resent')
      throw new ApiError(400, 'No unconfirmed recipients to resend')
    }
    nudgeScheduled(deps)
    const row = await findScheduled(deps.sql, user.id, id)
    return c.json({ message: row ? (await present(deps, [row]))[0] : { id, status: 'pending' }, resending: done.unconfirmed })
  })
}
