/**
 * @module routes/messages/filters
 * History filters from the query string, shared by the list and the export. A bad date is a 400 with a
 * clear message (the reference silently returned nothing); a bare date_to includes that whole day.
 * History's own searches (number, text, job) are validated by `HistorySearch`.
 */
import * as v from 'valibot'
import { ApiError } from '../../errors/api-error.js'
import { validate } from '../../lib/body.js'
import type { HistoryFilters } from '../../db/queries/message-history.js'
import { boundAfter } from '../../lib/timestamp-range.js'
import { parseIsoDateTime } from '../../services/scheduled/validate.js'

const DAY_MS = 86_400_000

function date(name: string, raw: string | undefined): { at: Date; dateOnly: boolean } | null {
  if (!raw) return null
  const at = parseIsoDateTime(raw)
  if (!at) throw new ApiError(400, `${name} must be an ISO 8601 date (YYYY-MM-DD) or date-time`)
  return { at, dateOnly: /^\d{4}-\d{2}-\d{2}$/.test(raw.trim()) }
}

/** date_from (inclusive) and date_to as an exclusive bound; shared with GET /api/messages/inbound. */
export function parseDateRange(q: { date_from?: string | undefined; date_to?: string | undefined }): { from: Date | null; before: Date | null } {
  const from = date('date_from', q.date_from)
  const to = date('date_to', q.date_to)
  return {
    from: from?.at ?? null,
    // date_to=2025-01-15 means "through the 15th"; a date-time is inclusive to the millisecond.
    before: to ? boundAfter(to.at.getTime() + (to.dateOnly ? DAY_MS : 1)) : null,
  }
}

/**
 * The searches History added (issue 28), validated: `phone_number` (or the older `number`) is a partial
 * number, `q` a case-insensitive substring of the message text, `scheduled_message_id` the bulk or
 * scheduled job the messages were sent for. Other keys are the reference's, read as before.
 */
export const HistorySearch = v.object({
  number: v.optional(v.pipe(v.string(), v.maxLength(128, 'number must be at most 128 characters'))),
  phone_number: v.optional(v.pipe(v.string(), v.maxLength(128, 'phone_number must be at most 128 characters'))),
  q: v.optional(v.pipe(v.string(), v.maxLength(200, 'q must be at most 200 characters'))),
  scheduled_message_id: v.optional(v.pipe(v.string(), v.regex(/^\s*\d{0,9}\s*$/, 'scheduled_message_id must be a positive integer'))),
})

export function parseHistoryFilters(q: Record<string, string | undefined>): HistoryFilters {
  const s = validate(HistorySearch, q)
  const job = s.scheduled_message_id?.trim()
  return {
    instance: q.instance_name || null,
    status: q.status || null,
    type: q.message_type || null,
    number: s.phone_number?.trim() || s.number?.trim() || null,
    text: s.q?.trim() || null,
    scheduledMessageId: job ? Number(job) : null,
    ...parseDateRange(q),
  }
}
