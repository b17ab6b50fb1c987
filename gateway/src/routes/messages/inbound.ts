/**
 * @module routes/messages/inbound
 * GET /api/messages/inbound: what contacts wrote to the instances the caller may use (owned or
 * granted; admins: all), newest first. `instance` names one (403 when the caller may not use it),
 * `number` filters the sender's digits (`+`, spaces, dashes and brackets ignored), date_from/date_to
 * as in GET /api/messages/log, page/limit as everywhere. A malformed value is a 400 naming the field.
 */
import * as v from 'valibot'
import type { Deps } from '../../deps.js'
import { listInbound } from '../../db/queries/inbound-messages.js'
import { ApiError } from '../../errors/api-error.js'
import { validate } from '../../lib/body.js'
import { pageEnvelope, parsePage } from '../../lib/pagination.js'
import { register, type Router } from '../../lib/route.js'
import { parseDateRange } from './filters.js'

const positive = (name: string) => v.optional(v.pipe(v.string(), v.regex(/^\s*\d{1,9}\s*$/, `${name} must be a positive integer`)))

export const InboundQuery = v.object({
  instance: v.optional(v.pipe(v.string(), v.maxLength(255, 'instance must be at most 255 characters'))),
  number: v.optional(v.pipe(
    v.string(),
    v.transform((s) => s.replace(/[\s+\-().]/g, '')),
    v.regex(/^\d{0,20}$/, 'number must be digits (a leading +, spaces and dashes are ignored)'),
  )),
  date_from: v.optional(v.string()),
  date_to: v.optional(v.string()),
  page: positive('page'),
  limit: positive('limit'),
})

export function inboundRoutes(r: Router, deps: Deps): void {
  register(r, { method: 'GET', path: '/api/messages/inbound', access: 'session', tags: ['messages'], query: InboundQuery,
    summary: 'Messages received on the instances you may use (instance, number, date_from, date_to; paginated, newest first)',
    response: { status: 200, description: '{messages:[{id, instance_name, key_id, remote_jid, from_number, push_name, message_type, text, received_at}], total, page, limit, pages}' } }, async (c) => {
    const q = validate(InboundQuery, c.req.query())
    const range = parseDateRange(q)
    const p = parsePage({ page: q.page?.trim(), limit: q.limit?.trim() })
    const user = c.get('user')
    const instance = q.instance || null
    if (instance && !(await deps.instances.mayUse(user, instance))) throw new ApiError(403, 'You do not own this instance')
    const { rows, total } = await listInbound(deps.sql, { userId: user.id, all: user.role === 'admin' }, { instance, number: q.number || null, ...range }, p.limit, p.offset)
    return c.json(pageEnvelope('messages', rows, total, p))
  })
}
