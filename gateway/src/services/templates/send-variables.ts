/**
 * @module services/templates/send-variables
 * Turns a templated bulk/scheduled body (docs/templates.md) into the reference's body plus each
 * recipient's variables, and refuses at create time a send where a placeholder has no value:
 *  - `template_id`: the user's template is the text (`message_content` left out; text messages only);
 *  - `contact_list_id`: the list's contacts are added to `recipients`; each contact's `name` (its
 *    label), `label` and CSV fields are its variables;
 *  - `recipients` may hold `{number, variables}` objects; `variables` are global.
 * Precedence, lowest first: `number` (the recipient itself), the values stored on the message (update),
 * global `variables`, the contact's fields, the recipient's own. The worker fills the text per recipient
 * from what `recipientVariables` returns (only the keys the text uses are kept).
 */
import { contactsForSend } from '../../db/queries/contacts.js'
import { findTemplate } from '../../db/queries/templates.js'
import type { Queryable } from '../../db/client.js'
import { ApiError } from '../../errors/api-error.js'
import { fields } from '../../lib/body-schema.js'
import { validate } from '../../lib/body.js'
import { mergeVariables, missingMessage, placeholdersIn, templatedText, type Variables } from './placeholders.js'
import { splitRecipients, TemplatingEntries } from './variables.js'

const TemplatingBody = fields(TemplatingEntries)

export type Templating = {
  /** The body with the template's text and the list's numbers in, object recipients as numbers. */
  body: Record<string, unknown>
  global: Variables
  contacts: Map<string, Variables>
  own: Map<string, Variables>
}

/** Reads the templating fields of a create/update body (400/404 naming what is wrong). */
export async function expandTemplating(q: Queryable, userId: number, input: Record<string, unknown>): Promise<Templating> {
  const t = validate(TemplatingBody, input)
  const split = splitRecipients(input.recipients)
  if (split.error) throw new ApiError(400, split.error)
  const body: Record<string, unknown> = { ...input }
  if (input.recipients !== undefined) body.recipients = split.recipients
  if (t.template_id !== undefined) {
    if (input.message_content !== undefined) throw new ApiError(400, 'Give either message_content or template_id, not both')
    if (input.message_type !== undefined && input.message_type !== 'text') throw new ApiError(400, 'template_id is only for text messages')
    const tpl = await findTemplate(q, userId, t.template_id)
    if (!tpl) throw new ApiError(404, 'Template not found')
    body.message_content = tpl.content
  }
  const contacts = new Map<string, Variables>()
  if (t.contact_list_id !== undefined) {
    const items = await contactsForSend(q, userId, t.contact_list_id)
    if (!items) throw new ApiError(404, 'List not found')
    for (const it of items) {
      const named: Variables = it.label ? { name: it.label, label: it.label } : {}
      contacts.set(it.phone_number, mergeVariables(contacts.get(it.phone_number), named, it.fields))
    }
    const given = Array.isArray(body.recipients) ? (body.recipients as unknown[]) : body.recipients === undefined ? [] : null
    if (given) body.recipients = [...given, ...contacts.keys()]
  }
  return { body, global: t.variables ?? {}, contacts, own: split.own }
}

/**
 * Each recipient's values for the placeholders of the content (null when it has none); throws 400
 * `Missing value for {{key}} (recipient N)` for the first recipient lacking one.
 */
export function recipientVariables(type: string, content: string, recipients: string[], t: Templating, stored?: Record<string, Variables> | null): Record<string, Variables> | null {
  const keys = placeholdersIn(templatedText(type, content))
  if (keys.length === 0) return null
  const out: Record<string, Variables> = {}
  for (const r of recipients) {
    if (Object.hasOwn(out, r)) continue
    const all = mergeVariables({ number: r }, stored && Object.hasOwn(stored, r) ? stored[r] : null, t.global, t.contacts.get(r), t.own.get(r))
    const used: Variables = {}
    for (const k of keys) {
      const val = Object.hasOwn(all, k) ? all[k] : undefined
      if (!val) throw new ApiError(400, missingMessage(k, r), { placeholder: k, recipient: r })
      used[k] = val
    }
    out[r] = used
  }
  return out
}
