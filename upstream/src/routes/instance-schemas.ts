/**
 * @module upstream/routes/instance-schemas
 * Bodies of /instance/create, webhook/set (v2 and the legacy flat v1 alias) and settings/set, worded
 * like v2's jsonschema errors. They live in common/src/evolution/request-bodies because the gateway's
 * OpenAPI document shows these same schemas; the routes here validate with them.
 */
export {
  CreateBody, EventList, LegacyWebhookBody, SettingsBody, WebhookObject, WebhookSetBody,
} from '../../../common/src/evolution/request-bodies.js'
