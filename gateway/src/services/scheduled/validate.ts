/**
 * @module services/scheduled/validate
 * The rules of a scheduled message, applied identically on create and update (R5, docs/decisions.md#r5):
 * 1-500 recipients passing the phone rule, content 1-5000 bytes (for media a JSON object Evolution's
 * sendMedia accepts), an ISO 8601 `scheduled_at` (no zone = UTC; `now` = at once). Each field is a valibot
 * rule with the reference's messages: the bodies of routes/scheduled/schemas.ts are built from them.
 */
import * as v from 'valibot'
import { ApiError } from '../../errors/api-error.js'
import { enumRule, MESSAGE_TYPES, PhoneRule, ruleError } from '../../lib/rules.js'
import { storable } from '../../lib/timestamp-range.js'

export type MessageType = (typeof MESSAGE_TYPES)[number]
export const MAX_RECIPIENTS = 500

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i

/** Parses an ISO 8601 date or date-time; a value without zone is UTC. Null when invalid or not storable. */
export function parseIsoDateTime(value: string): Date | null {
  const m = ISO.exec(value.trim())
  if (!m) return null
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m
  const month = Number(mo)
  const day = Number(d)
  const daysInMonth = new Date(Date.UTC(Number(y), month, 0)).getUTCDate()
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null
  const z = zone.toUpperCase() === 'Z' ? 'Z' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`
  const t = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${frac.slice(0, 4)}${z}`)
  return Number.isNaN(t) || !storable(new Date(t)) ? null : new Date(t)
}

const AT_REQUIRED = 'scheduled_at is required'
const AT_FORMAT = 'scheduled_at must be an ISO 8601 date-time (e.g. 2025-01-15T10:30:00Z)'

/** "now" or an ISO 8601 date-time; absent, null and "" are "required", anything else unparseable the format message. */
export const ScheduledAtRule = v.pipe(
  v.unknown(),
  v.check((x) => x !== undefined && x !== null && x !== '', AT_REQUIRED),
  v.metadata({ type: 'string', description: '"now", or an ISO 8601 date-time (no zone = UTC); a past time also means now', examples: ['now', '2025-01-15T10:30:00Z'] }),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const at = dataset.value === 'now' ? new Date() : typeof dataset.value === 'string' ? parseIsoDateTime(dataset.value) : null
    if (at) return at
    addIssue({ message: AT_FORMAT })
    return NEVER
  }),
)

const RECIPIENTS = 'recipients must be a non-empty array'

/**
 * A WhatsApp group: `<digits>@g.us` (current groups) or `<creator digits>-<timestamp>@g.us` (older ones).
 * Bulk and scheduled sends take groups as recipients: the upstream's send routes accept them as `number`.
 */
export const GROUP_JID = /^\d{5,30}(?:-\d{1,20})?@g\.us$/

/** One recipient: a phone number as a string (trimmed) or a number, or a group JID. */
const RecipientRule = v.pipe(
  v.union([v.string(), v.number()], 'Invalid recipient: Phone number is required'),
  v.transform((r) => (typeof r === 'string' ? r.trim() : String(r))),
  v.rawCheck(({ dataset, addIssue }) => {
    const error = dataset.typed && !GROUP_JID.test(dataset.value) ? ruleError(PhoneRule, dataset.value) : null
    if (error) addIssue({ message: `Invalid recipient: ${error}` })
  }),
)

/**
 * The list's size is checked before any number in it (the reference's order), so the items are a second
 * schema of the pipe, which the document cannot show: `metadata` says what they are.
 */
export const RecipientsRule = v.pipe(
  v.array(v.unknown(), RECIPIENTS),
  v.minLength(1, RECIPIENTS),
  v.maxLength(MAX_RECIPIENTS, `Maximum ${MAX_RECIPIENTS} recipients allowed`),
  v.metadata({
    items: {
      description: 'Phone number: 8-20 digits (spaces ignored), or a group JID (120363000000000000@g.us); or {number, variables} (docs/templates.md)',
      anyOf: [
        { type: ['string', 'number'] },
        { type: 'object', properties: { number: { type: ['string', 'number'] }, variables: { type: 'object', additionalProperties: { type: ['string', 'number'] } } }, required: ['number'] },
      ],
    },
  }),
  v.array(RecipientRule),
)

const CONTENT_REQUIRED = 'message_content is required'
/** The text, or for media the sendMedia body without `number` as a JSON string (`contentProblem`). */
export const ContentRule = v.pipe(v.string(CONTENT_REQUIRED), v.nonEmpty(CONTENT_REQUIRED), v.maxBytes(5000, 'message_content must be at most 5000 characters'))

export const MessageTypeRule = enumRule('message_type', MESSAGE_TYPES)

export type MediaContent = { mediatype: string; media: string; caption?: string; fileName?: string; mimetype?: string }

/** For media types the content must be the sendMedia body minus `number`: the first problem, or null. */
export function contentProblem(type: MessageType, content: string): string | null {
  if (type === 'text') return null
  let o: unknown
  try {
    o = JSON.parse(content)
  } catch {
    o = null
  }
  if (!o || typeof o !== 'object' || Array.isArray(o)) {
    return 'message_content must be a JSON object {mediatype, media, caption?, fileName?} for media messages'
  }
  const m = o as Record<string, unknown>
  if (m.mediatype !== type) return `mediatype must be "${type}" (the message_type)`
  if (typeof m.media !== 'string' || m.media.trim() === '') return 'media is required'
  if (!/^https?:\/\/\S+$/i.test(m.media) && !/^[A-Za-z0-9+/\s]+={0,2}$/.test(m.media)) return 'media must be an http(s) URL or base64'
  for (const k of ['caption', 'fileName', 'mimetype'] as const) {
    if (m[k] !== undefined && typeof m[k] !== 'string') return `${k} must be a string`
  }
  return null
}

/** `contentProblem` as a 400; for media the parsed content. */
export function checkContentForType(type: MessageType, content: string): MediaContent | null {
  const problem = contentProblem(type, content)
  if (problem) throw new ApiError(400, problem)
  return type === 'text' ? null : (JSON.parse(content) as MediaContent)
}
