/**
 * @module routes/messages/schemas
 * The body of POST /api/messages/log (kept for old clients, R5 docs/decisions.md#r5): the schema the route
 * validates with and the one GET /api/openapi.json shows, with the reference's check order and messages
 * (`fields`). Whether the caller may use the instance (403) is the route's check, after it.
 * `message_id` (or `wa_message_id`, the name GET /api/messages/log shows) is ours: with it a report of
 * a send the gateway already logged updates that row instead of adding one (D13, docs/decisions.md#d13).
 */
import * as v from 'valibot'
import { fields } from '../../lib/body-schema.js'
import { MESSAGE_TYPES } from '../../lib/rules.js'

export const LOG_STATUSES = ['sent', 'failed', 'cancelled'] as const
const REQUIRED = 'instance_name and phone_number are required'

/** `<name> must be one of: ...`; absent or null is the default (the reference's `?? default`). */
const oneOf = <const T extends readonly string[]>(name: string, values: T, fallback: T[number]) =>
  v.nullish(v.picklist(values, `${name} must be one of: ${values.join(', ')}`), fallback)

const MESSAGE_ID = (name: string) => v.nullish(v.pipe(
  v.string(`${name} must be a string`),
  v.maxLength(128, `${name} must be at most 128 characters`),
  v.metadata({ description: 'WhatsApp message id of the send (key.id of the send answer): the send\'s row is updated, not duplicated' }),
))

export const LogBody = fields({
  message_type: oneOf('message_type', MESSAGE_TYPES, 'text'),
  status: oneOf('status', LOG_STATUSES, 'sent'),
  instance_name: v.pipe(v.string(REQUIRED), v.nonEmpty(REQUIRED)),
  // Characters (UTF-16 units), not bytes: the reference's `#phone_number` on a decoded string.
  phone_number: v.pipe(v.string(REQUIRED), v.nonEmpty(REQUIRED), v.maxLength(128, 'phone_number must be at most 128 characters')),
  /** Stored cut to 5000 characters. */
  error_message: v.nullish(v.string('error_message must be a string')),
  message_id: MESSAGE_ID('message_id'),
  wa_message_id: MESSAGE_ID('wa_message_id'),
})
