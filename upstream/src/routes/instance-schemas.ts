/**
 * @module upstream/routes/instance-schemas
 * Bodies of /instance/create and webhook/set (v2 and the legacy flat v1 alias), worded like v2's
 * jsonschema errors.
 */
import * as v from 'valibot'
import { WEBHOOK_EVENTS } from '../webhooks/events.js'

const bool = v.optional(v.boolean())
const str = v.optional(v.string())

export const EventList = v.array(v.picklist(WEBHOOK_EVENTS))

/** The nested v2 webhook object (create's `webhook`, webhook/set's `webhook`). */
export const WebhookObject = v.object({
  enabled: v.boolean(),
  url: v.string(),
  headers: v.optional(v.record(v.string(), v.unknown())),
  byEvents: bool,
  base64: bool,
  events: v.optional(EventList),
})

export const CreateBody = v.object({
  instanceName: v.pipe(
    v.string(),
    v.minLength(1, 'The "instanceName" cannot be empty'),
    // Not in v2; a name with "/" could never be addressed by the path-based routes.
    v.check((s) => !s.includes('/'), 'instanceName does not match pattern "^[^/]+$"'),
  ),
  integration: str,
  token: str,
  qrcode: bool,
  number: v.optional(v.pipe(v.string(), v.regex(/^\d+[.@\w-]+/, 'number does not match pattern "^\\d+[\\.@\\w-]+"'))),
  businessId: str,
  rejectCall: bool,
  msgCall: str,
  groupsIgnore: bool,
  alwaysOnline: bool,
  readMessages: bool,
  readStatus: bool,
  syncFullHistory: bool,
  wavoipToken: str,
  webhook: v.optional(WebhookObject),
})

export const WebhookSetBody = v.object({ webhook: WebhookObject })

/**
 * The gateway's v1 flat body: `{url, webhook_by_events, webhook_base64, events, enabled?}`. The
 * "clear" call sends `events:{}` (an empty Lua table), so an object means no events.
 */
export const LegacyWebhookBody = v.object({
  url: v.string(),
  enabled: bool,
  webhook_by_events: bool,
  webhook_base64: bool,
  headers: v.optional(v.record(v.string(), v.unknown())),
  events: v.optional(v.union([v.array(v.string()), v.record(v.string(), v.unknown())])),
})

export const SettingsBody = v.object({
  rejectCall: v.boolean(),
  msgCall: str,
  groupsIgnore: v.boolean(),
  alwaysOnline: v.boolean(),
  readMessages: v.boolean(),
  readStatus: v.boolean(),
  syncFullHistory: v.boolean(),
  wavoipToken: str,
})
