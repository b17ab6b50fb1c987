/**
 * @module services/scheduled/validate
 * The rules of a scheduled message, applied identically on create and update (R5, docs/decisions.md#r5):
 * 1-500 recipients passing the phone rule, content 1-5000 bytes (for media a JSON object Evolution's
 * sendMedia accepts), an ISO 8601 `scheduled_at` (no zone = UTC; `now` = at once).
 */
import { ApiError } from '../../errors/api-error.js'
import { MESSAGE_TYPES, PhoneRule, ruleError } from '../../lib/rules.js'
import { storable } from '../../lib/timestamp-range.js'

export type MessageType = (typeof MESSAGE_TYPES)[number]
export const MAX_RECIPIENTS = 500
const bad = (msg: string) => new ApiError(400, msg)

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

export function parseScheduledAt(value: unknown): Date {
  if (value === undefined || value === null || value === '') throw bad('scheduled_at is required')
  if (value === 'now') return new Date()
  const d = typeof value === 'string' ? parseIsoDateTime(value) : null
  if (!d) throw bad('scheduled_at must be an ISO 8601 date-time (e.g. 2025-01-15T10:30:00Z)')
  return d
}

/** Recipients as trimmed strings. */
export function parseRecipients(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) throw bad('recipients must be a non-empty array')
  if (value.length > MAX_RECIPIENTS) throw bad(`Maximum ${MAX_RECIPIENTS} recipients allowed`)
  return value.map((r) => {
    const s = typeof r === 'string' ? r.trim() : typeof r === 'number' ? String(r) : null
    const err = s === null ? 'Phone number is required' : ruleError(PhoneRule, s)
    if (err) throw bad(`Invalid recipient: ${err}`)
    return s!
  })
}

export function parseContent(value: unknown): string {
  if (typeof value !== 'string' || value === '') throw bad('message_content is required')
  if (Buffer.byteLength(value) > 5000) throw bad('message_content must be at most 5000 characters')
  return value
}

export function parseMessageType(value: unknown): MessageType {
  if (value === undefined) return 'text'
  if (typeof value !== 'string' || !(MESSAGE_TYPES as readonly string[]).includes(value)) {
    throw bad(`message_type must be one of: ${MESSAGE_TYPES.join(', ')}`)
  }
  return value as MessageType
}

export type MediaContent = { mediatype: string; media: string; caption?: string; fileName?: string; mimetype?: string }

/** For media types the content is the sendMedia body minus `number`; throws 400 with the first problem. */
export function checkContentForType(type: MessageType, content: string): MediaContent | null {
  if (type === 'text') return null
  let o: unknown
  try {
    o = JSON.parse(content)
  } catch {
    o = null
  }
  if (!o || typeof o !== 'object' || Array.isArray(o)) {
    throw bad('message_content must be a JSON object {mediatype, media, caption?, fileName?} for media messages')
  }
  const m = o as Record<string, unknown>
  if (m.mediatype !== type) throw bad(`mediatype must be "${type}" (the message_type)`)
  if (typeof m.media !== 'string' || m.media.trim() === '') throw bad('media is required')
  if (!/^https?:\/\/\S+$/i.test(m.media) && !/^[A-Za-z0-9+/\s]+={0,2}$/.test(m.media)) throw bad('media must be an http(s) URL or base64')
  for (const k of ['caption', 'fileName', 'mimetype'] as const) {
    if (m[k] !== undefined && typeof m[k] !== 'string') throw bad(`${k} must be a string`)
  }
  return m as MediaContent
}
