/**
 * @module routes/internal
 * Receivers for the upstream's webhooks, authenticated by an HMAC token in the path (constant-time
 * compare; anything else is a plain 404, so the routes are invisible to users):
 *  - POST /internal/webhooks/:instance/:token  per-instance events -> one durable delivery per user
 *    webhook of that instance that wants the event (services/webhooks/deliveries), stored before the
 *    answer: a 503 when they could not be (the upstream retries);
 *  - POST /internal/upstream-events/:token     the upstream's global webhook -> delivery statuses.
 * Both also store inbound messages (messages.upsert from contacts; the one delivered by both is kept
 * once), publish the panel's live events (instance state, QR codes, message statuses:
 * services/live-events) in the background; only the user webhook deliveries are written before the answer.
 */
import type { Deps } from '../../deps.js'
import { deliveryTargets } from '../../db/queries/webhooks.js'
import { ApiError } from '../../errors/api-error.js'
import { register, type Router } from '../../lib/route.js'
import { InboundRecorder } from '../../services/inbound/index.js'
import { liveChannel, liveEventFrom, publishLive } from '../../services/live-events/index.js'
import { sendPausesOf } from '../../services/send-pauses/index.js'
import { DeliveryStatus } from '../../services/webhooks/delivery-status.js'
import { eventConfigName, wants } from '../../services/webhooks/events.js'
import { webhookDeliveries } from '../../services/webhooks/deliveries.js'
import { tokenMatches } from '../../services/webhooks/tokens.js'

const tags = ['internal']

function parseEnvelope(text: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(text) as unknown
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null
  } catch {
    return null
  }
}

export function internalRoutes(r: Router, deps: Deps): void {
  const key = deps.config.AUTHENTICATION_API_KEY
  const channel = liveChannel(deps.config.DATABASE_URL)
  const statuses = new DeliveryStatus(deps.sql, deps.log, (row, u) =>
    publishLive(deps.redis, channel, { type: 'message.status', instance: row.instance_name, id: row.id, waMessageId: u.waMessageId, status: u.status, error: u.error ?? null }, row.user_id),
  )
  // An event may reach both receivers (an instance webhook and the global one): the panel's state model is idempotent.
  const live = (instance: string, envelope: Record<string, unknown>) => {
    const event = liveEventFrom(instance, envelope)
    if (event) publishLive(deps.redis, channel, event)
  }
  const inbound = new InboundRecorder(deps.sql, deps.log)
  const deliveries = webhookDeliveries(deps)
  // Ban signals and server acks (services/send-pauses); its own events (SENDING_PAUSED, MESSAGE_UNCONFIRMED) go out like the upstream's.
  const pauses = sendPausesOf(deps)
  pauses.setUserEventSink((instance, envelope) => void forward(instance, envelope).catch((err: Error) => deps.log.error({ instance, err: err.message }, 'webhook forward failed')))

  const forward = async (instance: string, envelope: Record<string, unknown>) => {
    if (typeof envelope.event !== 'string') return
    const event = eventConfigName(envelope.event)
    // The instance token must not leave the gateway; server_url is the upstream's internal address.
    const { apikey: _apikey, server_url: _server, ...clean } = envelope
    for (const t of await deliveryTargets(deps.sql, instance)) {
      if (wants(t.events, event)) await deliveries.enqueue(t, event, { ...clean, instance })
    }
  }

  register(r, { method: 'POST', path: '/internal/webhooks/:instance/:token', access: 'public', tags,
    summary: 'Upstream -> gateway: events of one instance (HMAC path token)', response: { status: 200, description: '{ok:true}' } }, async (c) => {
    const instance = c.req.param('instance') ?? ''
    if (!tokenMatches(key, instance, c.req.param('token') ?? '')) throw new ApiError(404, 'Not found')
    const envelope = parseEnvelope(await c.req.text())
    if (envelope) {
      statuses.handle(envelope)
      pauses.handle(instance, envelope)
      inbound.handle(instance, envelope)
      live(instance, envelope)
      try {
        await forward(instance, envelope)
      } catch (err) {
        deps.log.error({ instance, err: (err as Error).message }, 'webhook deliveries not stored')
        return c.json({ error: 'Webhook deliveries could not be stored' }, 503)
      }
    }
    return c.json({ ok: true })
  })

  register(r, { method: 'POST', path: '/internal/upstream-events/:token', access: 'public', tags,
    summary: "Upstream's global webhook: delivery statuses and inbound messages (HMAC path token)", response: { status: 200, description: '{ok:true}' } }, async (c) => {
    if (!tokenMatches(key, 'global', c.req.param('token') ?? '')) throw new ApiError(404, 'Not found')
    const envelope = parseEnvelope(await c.req.text())
    if (envelope) {
      statuses.handle(envelope)
      if (typeof envelope.instance === 'string') {
        pauses.handle(envelope.instance, envelope)
        inbound.handle(envelope.instance, envelope)
        live(envelope.instance, envelope)
      }
    }
    return c.json({ ok: true })
  })
}
