/**
 * @module routes/messages
 * Message history (R5, docs/decisions.md#r5): GET /api/messages/log (filters + pagination; issue 28 added
 * search by number and text, the job filter, message_text and the timeline times), GET /api/messages/log/{id}
 * (one message with its status timeline, ./timeline.ts), POST /api/messages/log
 * (kept for old clients; validated; D13 (docs/decisions.md#d13) means the panel no longer needs it, and a report of a send the
 * gateway logged merges into that row, so the reference's panel no longer logs its sends twice), GET /api/messages/export
 * (CSV streamed through a cursor, every matching row, newest first; a Text column last). Strictly the
 * caller's rows, but the detail route lets admins read any.
 * GET /api/messages/inbound (./inbound.ts) lists what contacts wrote to the instances the caller may use.
 */
import type { Deps } from '../../deps.js'
import { exportCursor, getLog, insertLog, listHistory, mergeClientReport, type ClientReport } from '../../db/queries/message-history.js'
import { ApiError } from '../../errors/api-error.js'
import { parseBody, parseId } from '../../lib/body.js'
import { csvLine } from '../../lib/csv.js'
import { pageEnvelope, parsePage } from '../../lib/pagination.js'
import { register, type Router } from '../../lib/route.js'
import { HistorySearch, parseHistoryFilters } from './filters.js'
import { inboundRoutes } from './inbound.js'
import { LogBody } from './schemas.js'
import { timelineOf } from './timeline.js'

const tags = ['messages']

export function messageRoutes(r: Router, deps: Deps): void {
  inboundRoutes(r, deps)
  register(r, { method: 'GET', path: '/api/messages/log', access: 'session', tags, query: HistorySearch,
    summary: 'Own send history (instance_name, status, message_type, phone_number or number (partial), q (text, case-insensitive), scheduled_message_id, date_from, date_to; paginated)',
    response: { status: 200, description: '{logs:[{..., message_text, sent_at, delivered_at, read_at, failed_at}], total, page, limit, pages}' } }, async (c) => {
    const q = c.req.query()
    const f = parseHistoryFilters(q)
    const p = parsePage(q)
    const { rows, total } = await listHistory(deps.sql, c.get('user').id, f, p.limit, p.offset)
    return c.json(pageEnvelope('logs', rows, total, p))
  })

  register(r, { method: 'GET', path: '/api/messages/log/:id', access: 'session', tags,
    summary: 'One sent message with its status timeline (own messages; admins: any)',
    response: { status: 200, description: '{log:{..., message_text, timeline:[{status, at, reason}]}}' } }, async (c) => {
    const user = c.get('user')
    const id = parseId(c.req.param('id'), 'Message not found')
    const row = await getLog(deps.sql, id, user.id, user.role === 'admin')
    if (!row) throw new ApiError(404, 'Message not found')
    return c.json({ log: { ...row, timeline: timelineOf(row) } })
  })

  register(r, { method: 'POST', path: '/api/messages/log', access: 'session', tags,
    summary: 'Record a send attempt (compatibility)', body: LogBody,
    response: { status: 201, description: '{log:{...}, merged} (merged: true = the send was already logged; that row is returned)' } }, async (c) => {
    const b = await parseBody(c, LogBody)
    const user = c.get('user')
    if (!(await deps.instances.mayUse(user, b.instance_name))) throw new ApiError(403, 'You do not own this instance')
    const report: ClientReport = {
      userId: user.id, instance: b.instance_name, phone: b.phone_number, type: b.message_type, status: b.status,
      error: b.error_message?.slice(0, 5000) ?? null, messageId: b.message_id ?? b.wa_message_id ?? null,
    }
    // The send's own row may still sit in this process's write buffer (it is flushed every 200 ms).
    await deps.messageLog.flush()
    // A cancelled send never reached the gateway: nothing of ours to merge with.
    const merged = report.status === 'cancelled' && report.messageId === null ? null : await mergeClientReport(deps.sql, report)
    // 201 either way: the reference answered 201 and old clients may compare it.
    if (merged) return c.json({ log: merged, merged: true }, 201)
    return c.json({ log: await insertLog(deps.sql, report), merged: false }, 201)
  })

  register(r, { method: 'GET', path: '/api/messages/export', access: 'session', tags, produces: 'text/csv',
    summary: 'Own send history as CSV (same filters; all rows, streamed)', response: { status: 200, description: 'text/csv' } }, async (c) => {
    const f = parseHistoryFilters(c.req.query())
    const iter = exportCursor(deps.sql, c.get('user').id, f)[Symbol.asyncIterator]()
    const enc = new TextEncoder()
    const log = c.get('log')
    const stream = new ReadableStream<Uint8Array>({
      start(ctrl) {
        // The reference's columns in its order; Text (issue 28) is appended so positional readers keep working.
        ctrl.enqueue(enc.encode(csvLine(['ID', 'Instance', 'Phone', 'Type', 'Status', 'Error', 'Date', 'Text'])))
      },
      async pull(ctrl) {
        try {
          const next = await iter.next()
          if (next.done) return ctrl.close()
          ctrl.enqueue(enc.encode(next.value.map((r) => csvLine([r.id, r.instance_name, r.phone_number, r.message_type, r.status, r.error_message, r.created_at, r.message_text])).join('')))
        } catch (err) {
          log.error({ err: (err as Error).message }, 'export failed mid-stream')
          ctrl.error(err)
        }
      },
      async cancel() {
        await iter.return?.()
      },
    })
    return c.body(stream, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename=message_history.csv',
    })
  })
}
