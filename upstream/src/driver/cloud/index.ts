/**
 * @module upstream/driver/cloud
 * Meta's WhatsApp Cloud API (Graph API) behind the driver seam, for WHATSAPP-BUSINESS instances:
 * `driver.ts` (sessions, webhook routing), `session.ts` (connect = token check, send), `graph-client.ts`
 * (HTTP, Bearer, timeout), `content.ts` (OutboundContent -> Graph body), `errors.ts` (Meta error ->
 * 400 with `metaError`), `webhook.ts` (Meta webhook payload -> acks and inbound messages).
 */
export { CloudApiDriver } from './driver.js'
export { CloudSession } from './session.js'
export { GraphClient } from './graph-client.js'
export { parseMetaWebhook, type RoutedChange } from './webhook.js'
export { META_EXPLANATIONS, metaErrorToEvo, parseMetaError, type MetaError } from './errors.js'
