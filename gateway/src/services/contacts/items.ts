/**
 * @module services/contacts/items
 * Validation of contact items, shared by the JSON add route and the CSV import: the reference's phone
 * rule, plus the column limits it silently failed on (phone <= 20, label <= 100 characters).
 * Everything is validated before anything is inserted.
 */
import * as v from 'valibot'
import { ApiError } from '../../errors/api-error.js'
import { CsvSyntaxError, parseCsv } from '../../lib/csv.js'
import { PhoneRule, ruleError } from '../../lib/rules.js'
import type { NewItem } from '../../db/queries/contacts.js'
import { normalizePhone } from './phone-import.js'

export const MAX_ITEMS = 10_000

/** The error for one phone/label pair, or null. Phones are stored trimmed. */
export function itemError(phone: string, label: unknown): string | null {
  const msg = ruleError(PhoneRule, phone)
  if (msg) return msg
  if (Buffer.byteLength(phone) > 20) return 'Phone number must be at most 20 characters'
  if (label !== undefined && label !== null && typeof label !== 'string') return 'label must be a string'
  if (typeof label === 'string' && Buffer.byteLength(label) > 100) return 'label must be at most 100 characters'
  return null
}

const asPhone = (x: unknown): string | null => (typeof x === 'string' ? x.trim() : typeof x === 'number' ? String(x) : null)

/**
 * One entry of an add (routes/contacts/schemas.ts): null, i.e. skipped as the reference does, when it is not
 * an object or has no phone; otherwise the phone rule, then the label's, failing as `<rule message> (<phone
 * as given>)`. The message names the value as sent, so this reads the raw entry rather than a v.object.
 */
export const ItemEntryRule = v.pipe(
  v.unknown(),
  v.rawTransform(({ dataset, addIssue, NEVER }): NewItem | null => {
    const it = dataset.value
    if (!it || typeof it !== 'object') return null
    const o = it as Record<string, unknown>
    if (o.phone_number === undefined || o.phone_number === null || o.phone_number === '') return null
    const phone = asPhone(o.phone_number)
    const err = phone === null ? 'Phone number is required' : itemError(phone, o.label)
    if (phone !== null && err === null) return { phone_number: phone, label: typeof o.label === 'string' ? o.label : '' }
    addIssue({ message: `${err} (${String(o.phone_number)})` })
    return NEVER
  }),
)

/** How the document describes one item (what ItemEntryRule accepts; the rule itself is not convertible). */
export const ITEM_DOC = {
  type: 'object',
  properties: {
    phone_number: { type: ['string', 'number'], description: '8-20 digits (spaces ignored), at most 20 characters', 'x-maxBytes': 20 },
    label: { type: ['string', 'null'], 'x-maxBytes': 100 },
  },
  required: ['phone_number'],
}

/** A CSV column kept as a contact field: a placeholder key (services/templates/placeholders). */
const FIELD_NAME = /^[a-z0-9_-]{1,64}$/

export type ImportRow = { row: number; phone_number: string; label: string; fields?: Record<string, string> }
export type RejectedRow = { row: number; phone_number: string; error: string }

/**
 * A CSV with a header row naming `phone_number` (alias `phone`; numbers normalised, see ./phone-import.ts)
 * and optionally `label`, any order; other
 * columns named like placeholder keys are kept as the contact's `fields`.
 * Returns the rows to insert and the rejected ones with their line number; throws 400 when the file as
 * a whole is unusable.
 */
export function parseImportCsv(text: string): { accepted: ImportRow[]; rejected: RejectedRow[] } {
  if (text.trim() === '') throw new ApiError(400, 'CSV is empty')
  let records
  try {
    records = parseCsv(text)
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw new ApiError(400, `Invalid CSV: ${err.message}`)
    throw err
  }
  const [header, ...data] = records
  const names = (header?.fields ?? []).map((f) => f.trim().toLowerCase())
  const pi = names.findIndex((n) => n === 'phone_number' || n === 'phone')
  const li = names.indexOf('label')
  // The other columns are the contact's fields, which fill `{{ column }}` placeholders (docs/templates.md).
  const extra = names.flatMap((n, i) => (i !== pi && i !== li && FIELD_NAME.test(n) ? [[n, i] as const] : []))
  if (pi < 0) throw new ApiError(400, 'CSV header must include phone_number')
  if (data.length === 0) throw new ApiError(400, 'CSV has no data rows')
  if (data.length > MAX_ITEMS) throw new ApiError(400, `CSV has more than ${MAX_ITEMS} rows`)
  const accepted: ImportRow[] = []
  const rejected: RejectedRow[] = []
  for (const rec of data) {
    const raw = (rec.fields[pi] ?? '').trim()
    const phone = normalizePhone(raw)
    const label = li >= 0 ? (rec.fields[li] ?? '').trim() : ''
    const err = phone === '' ? 'Phone number is required' : itemError(phone, label)
    if (err) rejected.push({ row: rec.line, phone_number: raw, error: err })
    else if (extra.length === 0) accepted.push({ row: rec.line, phone_number: phone, label })
    else accepted.push({ row: rec.line, phone_number: phone, label, fields: Object.fromEntries(extra.map(([n, i]) => [n, (rec.fields[i] ?? '').trim().slice(0, 1000)])) })
  }
  return { accepted, rejected }
}
