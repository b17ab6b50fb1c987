/**
 * @module services/templates/variables
 * The inputs of a templated bulk/scheduled send (docs/templates.md), as valibot rules with messages that
 * name the field: `variables` (global, {key: text|number}), `template_id`, `contact_list_id`, and
 * recipients given as objects `{number, variables}` besides plain numbers. `splitRecipients` turns the
 * objects into plain numbers (so the reference's recipient rules still apply, unchanged) and keeps each
 * one's variables aside.
 */
import * as v from 'valibot'
import { fields } from '../../lib/body-schema.js'
import { positiveIntRule } from '../../lib/rules.js'
import { KEY_PATTERN, mergeVariables, type Variables } from './placeholders.js'

export const MAX_VARIABLES = 50
const MAX_VALUE_BYTES = 1000
const PG_INT_MAX = 2_147_483_647

/** A positive id that PostgreSQL's `int` can hold. */
export const IdRule = (name: string) => v.pipe(positiveIntRule(name), v.maxValue(PG_INT_MAX, `${name} must be a positive integer`))

/** `{key: value}`: keys as placeholders' keys, values text or numbers (stored as text), at most 1000 bytes each. */
export const VariablesRule = (name = 'variables') =>
  v.pipe(
    v.record(v.string(), v.unknown(), `${name} must be an object of {key: text}`),
    v.metadata({ description: 'Placeholder values: {"name":"Ana"} fills {{name}} (keys: letters, digits, _ or -; case-insensitive)' }),
    v.rawTransform(({ dataset, addIssue, NEVER }): Variables => {
      const entries = Object.entries(dataset.value)
      if (entries.length > MAX_VARIABLES) {
        addIssue({ message: `${name} must have at most ${MAX_VARIABLES} keys` })
        return NEVER
      }
      const out: Record<string, string> = {}
      for (const [k, raw] of entries) {
        const val = typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : raw
        if (!KEY_PATTERN.test(k)) addIssue({ message: `${name}: invalid key "${k.slice(0, 70)}" (letters, digits, _ or -)` })
        else if (typeof val !== 'string') addIssue({ message: `${name}.${k} must be a string` })
        else if (Buffer.byteLength(val) > MAX_VALUE_BYTES) addIssue({ message: `${name}.${k} must be at most ${MAX_VALUE_BYTES} characters` })
        else {
          out[k] = val
          continue
        }
        return NEVER
      }
      return mergeVariables(out)
    }),
  )

/** The optional fields a templated send adds to the scheduled bodies. */
export const TemplatingEntries = {
  template_id: v.optional(IdRule('template_id')),
  contact_list_id: v.optional(IdRule('contact_list_id')),
  variables: v.optional(VariablesRule()),
}

const RecipientObject = fields({
  number: v.union([v.string(), v.number()], 'Invalid recipient: number is required'),
  variables: v.optional(VariablesRule('recipient variables')),
})

/**
 * Recipients as the reference reads them (strings and numbers) with objects replaced by their number,
 * and each object's variables by number. A value that is not an array is returned as it is (the
 * recipients rule answers it).
 */
export function splitRecipients(raw: unknown): { recipients: unknown; own: Map<string, Variables>; error: string | null } {
  const own = new Map<string, Variables>()
  if (!Array.isArray(raw)) return { recipients: raw, own, error: null }
  const recipients: unknown[] = []
  for (const r of raw) {
    if (!r || typeof r !== 'object' || Array.isArray(r)) {
      recipients.push(r)
      continue
    }
    const p = v.safeParse(RecipientObject, r, { abortEarly: true })
    if (!p.success) return { recipients: raw, own, error: p.issues[0]?.message ?? 'Invalid recipient' }
    const number = typeof p.output.number === 'string' ? p.output.number.trim() : String(p.output.number)
    recipients.push(number)
    if (p.output.variables) own.set(number, mergeVariables(own.get(number), p.output.variables))
  }
  return { recipients, own, error: null }
}
