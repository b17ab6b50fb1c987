/**
 * @module upstream/routes/webhook
 * POST /webhook/set (v2 body; the legacy flat v1 body as a tolerant alias, D14 (docs/decisions.md#d14)) and GET /webhook/find.
 */
import { Hono } from 'hono'
import * as v from 'valibot'
import type { UpstreamDeps } from '../deps.js'
import { findWebhook, upsertWebhook, webhookJson } from '../db/webhooks.js'
import type { UpstreamEnv } from '../env.js'
import { readBody, validate } from '../lib/validation.js'
import { instanceGuard } from '../middleware/auth.js'
import { normalizeWebhook, type WebhookInput } from '../services/webhook-config.js'
import { EventList, LegacyWebhookBody, WebhookSetBody } from './instance-schemas.js'

/** Maps the v1 flat body onto v2's. GROUPS_UPDATE (the reference gateway's spelling) becomes GROUP_UPDATE. */
function fromLegacy(body: unknown): WebhookInput {
  const b = validate(LegacyWebhookBody, body)
  const rawEvents = Array.isArray(b.events) ? b.events.map((e) => (e === 'GROUPS_UPDATE' ? 'GROUP_UPDATE' : e)) : []
  const events = validate(v.object({ events: EventList }), { events: rawEvents }).events
  return {
    enabled: b.enabled ?? b.url.trim() !== '',
    url: b.url,
    headers: b.headers,
    byEvents: b.webhook_by_events,
    base64: b.webhook_base64,
    events,
  }
}

const isLegacy = (body: unknown) =>
  !!body && typeof body === 'object' && !('webhook' in body) && 'url' in body

export function webhookRoutes(deps: UpstreamDeps) {
  const r = new Hono<UpstreamEnv>({ strict: false })
  const guard = instanceGuard(deps.sql, deps.config.AUTHENTICATION_API_KEY)

  r.post('/set/:instanceName', guard, async (c) => {
    const body = await readBody(c)
    const input = isLegacy(body) ? fromLegacy(body) : validate(WebhookSetBody, body).webhook
    const row = await upsertWebhook(deps.sql, c.var.instance.id, normalizeWebhook(input, (url) => deps.webhooks.refusal(c.var.instance.name, url)))
    return c.json(webhookJson(row), 201)
  })

  r.get('/find/:instanceName', guard, async (c) => {
    const row = await findWebhook(deps.sql, c.var.instance.id)
    return c.json(row ? webhookJson(row) : null)
  })

  return r
}
