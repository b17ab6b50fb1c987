/**
 * @module routes/webhooks/schemas
 * Bodies of /api/webhooks (R5, docs/decisions.md#r5; D3, docs/decisions.md#d3). Each body is the schema the
 * route validates with and the one GET /api/openapi.json shows; `fields` keeps the reference's check order
 * and messages (docs/http-behaviour.md, "Webhook create: order of the checks"). The schemas check the URL's
 * syntax only: where it points (DNS, private ranges) and who may use the instance need I/O, so the route
 * checks them after the schema, in the reference's order.
 */
import * as v from 'valibot'
import { fields } from '../../lib/body-schema.js'
import { parseWebhookUrl } from '../../services/ssrf/ssrf.js'
import { CreateEventsRule, EventsRule } from '../../services/webhooks/events.js'

const INSTANCE_REQUIRED = 'instance_name is required'
const URL_REQUIRED = 'webhook_url is required'

/** What the document says of a URL; the checks themselves are the schema's actions and the route's target check. */
const UrlDoc = v.metadata({ type: 'string', format: 'uri', description: 'http(s) URL without credentials; it must not point to localhost, private, internal or cloud-metadata addresses' })

/**
 * Scheme, parse, credentials, host: the syntax problem of a URL, or null. The allowed-hosts list only
 * exempts a valid URL from the target check (the route's), so none is needed here.
 */
const syntaxError = (url: unknown): string | null => {
  const r = parseWebhookUrl(url, [])
  return r.ok ? null : r.error
}

/**
 * Create: instance_name, webhook_url present, events, then the URL's syntax. The reference reads `events`
 * before it parses the URL, so the field only checks presence and the syntax is the object's last step.
 */
export const CreateWebhookBody = v.pipe(
  fields({
    instance_name: v.pipe(v.string(INSTANCE_REQUIRED), v.nonEmpty(INSTANCE_REQUIRED)),
    webhook_url: v.pipe(v.unknown(), v.check((x) => x !== undefined && x !== '', URL_REQUIRED), UrlDoc),
    events: v.optional(CreateEventsRule, []),
  }),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const { webhook_url, ...rest } = dataset.value
    const error = syntaxError(webhook_url)
    if (error !== null) {
      addIssue({ message: error })
      return NEVER
    }
    return { ...rest, webhook_url: webhook_url as string }
  }),
)

const UpdateUrl = {
  webhook_url: v.optional(
    v.pipe(
      v.unknown(),
      v.check((x) => x !== '', 'webhook_url cannot be empty'),
      UrlDoc,
      v.rawTransform(({ dataset, addIssue, NEVER }) => {
        const error = syntaxError(dataset.value)
        if (error === null) return dataset.value as string
        addIssue({ message: error })
        return NEVER
      }),
    ),
  ),
}

/**
 * The URL part of an update, validated first: the reference checks a new URL's target (DNS) before it
 * reads the other fields, so the route runs this, the target check, then `UpdateWebhookBody`.
 */
export const UpdateWebhookUrl = fields(UpdateUrl)

/** Update: every field optional; at least one ("No fields to update", checked by the route). */
export const UpdateWebhookBody = fields({
  ...UpdateUrl,
  events: v.optional(EventsRule),
  is_active: v.optional(v.boolean('is_active must be a boolean')),
})
