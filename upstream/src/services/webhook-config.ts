/**
 * @module upstream/services/webhook-config
 * Evolution's rules for a webhook config (shared by webhook/set and create's nested `webhook`):
 * an enabled webhook needs an http(s) URL; disabled stores no events; enabled with no events
 * subscribes to all of them.
 */
import type { WebhookValues } from '../db/webhooks.js'
import { badRequest } from '../lib/errors.js'
import { WEBHOOK_EVENTS } from '../webhooks/events.js'

export type WebhookInput = {
  enabled: boolean
  url: string
  headers?: Record<string, unknown> | undefined
  byEvents?: boolean | undefined
  base64?: boolean | undefined
  events?: string[] | undefined
}

const isHttpUrl = (s: string) => /^https?:\/\/[^\s/]+/i.test(s) && URL.canParse(s)

/**
 * `refusal` is the outbound guard's save-time word on the URL (WebhookDispatcher.refusal): a literal
 * internal address or internal name is a 400 now rather than a delivery refused later.
 */
export function normalizeWebhook(w: WebhookInput, refusal: (url: string) => string | null): WebhookValues {
  if (w.enabled && !isHttpUrl(w.url)) throw badRequest('Invalid "url" property')
  const why = isHttpUrl(w.url) ? refusal(w.url) : null
  if (why) throw badRequest(`webhook URL refused: ${why}`)
  const events = !w.enabled ? [] : w.events && w.events.length > 0 ? [...new Set(w.events)] : [...WEBHOOK_EVENTS]
  return {
    url: w.url,
    headers: w.headers ?? null,
    enabled: w.enabled,
    events,
    webhookByEvents: w.byEvents ?? false,
    webhookBase64: w.base64 ?? false,
  }
}
