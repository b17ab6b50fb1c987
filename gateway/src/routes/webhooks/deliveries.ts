/**
 * @module routes/webhooks/deliveries
 * A webhook's delivery log, its dead letters and re-enabling it (docs/delivery-guarantees.md, "Webhook
 * deliveries"). The caller's own webhooks; admins any (the webhook's id is not a secret to them). A
 * webhook of someone else is the same 404 as a missing one.
 *  - GET  /api/webhooks/:id/deliveries                    newest first, each with every attempt
 *  - POST /api/webhooks/:id/deliveries/:deliveryId/replay one dead letter, one more attempt (409 when it is not dead)
 *  - POST /api/webhooks/:id/dead-letters/replay           every dead letter of the webhook, one attempt each
 *  - POST /api/webhooks/:id/enable                        a webhook disabled for failing (or deactivated) is active again
 * A replay reopens only rows still dead, in one statement, so two requests for one letter send it once.
 */
import * as v from 'valibot'
import type { Context } from 'hono'
import type { Deps } from '../../deps.js'
import type { AppEnv } from '../../env.js'
import { deliveryState, enableWebhook, findOwnedWebhook, listDeliveries, setWebhookLastError, type OwnedWebhook } from '../../db/queries/webhook-deliveries.js'
import { findWebhook } from '../../db/queries/webhooks.js'
import { ApiError } from '../../errors/api-error.js'
import { parseId, validate } from '../../lib/body.js'
import { register, type Router } from '../../lib/route.js'
import { webhookDeliveries } from '../../services/webhooks/deliveries.js'
import { syncInstance } from '../../services/webhooks/sync.js'

const NOT_FOUND = 'Webhook not found'
const DELIVERY_NOT_FOUND = 'Delivery not found'
const tags = ['webhooks']

export const DeliveriesQuery = v.object({
  state: v.optional(v.picklist(['pending', 'failed', 'delivered', 'dead'], 'state must be one of pending, failed, delivered, dead')),
  before: v.optional(v.pipe(v.string(), v.regex(/^\d{1,18}$/, 'before must be a delivery id'), v.transform(Number))),
  limit: v.optional(v.pipe(v.string(), v.regex(/^\d{1,4}$/, 'limit must be a number from 1 to 200'), v.transform(Number), v.minValue(1, 'limit must be a number from 1 to 200'), v.maxValue(200, 'limit must be a number from 1 to 200'))),
})

export function webhookDeliveryRoutes(r: Router, deps: Deps): void {
  const deliveries = webhookDeliveries(deps)
  /** The webhook when the caller owns it or is an admin; else 404. */
  const owned = async (c: Context<AppEnv>): Promise<OwnedWebhook> => {
    const user = c.get('user')
    const w = await findOwnedWebhook(deps.sql, parseId(c.req.param('id'), NOT_FOUND))
    if (!w || (w.user_id !== user.id && user.role !== 'admin')) throw new ApiError(404, NOT_FOUND)
    return w
  }
  const mustBeActive = (w: OwnedWebhook) => {
    if (!w.is_active) throw new ApiError(409, w.disabled_at ? 'Webhook is disabled: enable it before replaying' : 'Webhook is not active: activate it before replaying')
  }

  register(r, { method: 'GET', path: '/api/webhooks/:id/deliveries', access: 'session', summary: 'Delivery log of a webhook, newest first (every attempt of each delivery)', tags, query: DeliveriesQuery,
    response: { status: 200, description: '{deliveries:[{id,uid,event,state,attempts,max_attempts,last_status_code,last_error,created_at,updated_at,delivered_at,attempt_log:[{attempt,status_code,error,latency_ms,replay,created_at}]}], next_before}' } }, async (c) => {
    const w = await owned(c)
    const q = validate(DeliveriesQuery, c.req.query())
    const limit = q.limit ?? 50
    const rows = await listDeliveries(deps.sql, w.id, { state: q.state, before: q.before, limit })
    return c.json({ deliveries: rows, next_before: rows.length === limit ? rows[rows.length - 1]!.id : null })
  })

  register(r, { method: 'POST', path: '/api/webhooks/:id/deliveries/:deliveryId/replay', access: 'session', summary: 'Send a dead letter again (one attempt)', tags,
    response: { status: 202, description: '{replayed:[deliveryId]}' } }, async (c) => {
    const w = await owned(c)
    const id = parseId(c.req.param('deliveryId'), DELIVERY_NOT_FOUND)
    mustBeActive(w)
    const replayed = await deliveries.replay(w.id, [id])
    if (replayed.length === 0) {
      const state = await deliveryState(deps.sql, w.id, id)
      if (!state) throw new ApiError(404, DELIVERY_NOT_FOUND)
      throw new ApiError(409, state === 'delivered' ? 'Delivery was already delivered' : 'Delivery is not a dead letter: it is still being retried', { state })
    }
    return c.json({ replayed }, 202)
  })

  register(r, { method: 'POST', path: '/api/webhooks/:id/dead-letters/replay', access: 'session', summary: 'Send every dead letter of a webhook again (one attempt each)', tags,
    response: { status: 202, description: '{replayed:[deliveryId...], count}' } }, async (c) => {
    const w = await owned(c)
    mustBeActive(w)
    const replayed = await deliveries.replay(w.id, null)
    return c.json({ replayed, count: replayed.length }, 202)
  })

  register(r, { method: 'POST', path: '/api/webhooks/:id/enable', access: 'session', summary: 'Enable a webhook disabled after failing deliveries (its dead letters stay, replayable)', tags,
    response: { status: 200, description: '{webhook:{...}}' } }, async (c) => {
    const user = c.get('user')
    const w = await owned(c)
    // As PUT is_active=true: using the instance must still be allowed now.
    if (!(await deps.instances.mayUse(user, w.instance_name))) throw new ApiError(403, 'You do not own this instance')
    await enableWebhook(deps.sql, w.id)
    const err = await syncInstance(deps, w.instance_name)
    if (err) await setWebhookLastError(deps.sql, w.id, err)
    await deps.audit.record({ userId: user.id, username: user.username, action: 'webhook_enabled', resourceType: 'webhook', resourceId: w.id, details: { instance: w.instance_name, was_disabled: w.disabled_at !== null }, ip: c.get('clientIp') })
    return c.json({ webhook: await findWebhook(deps.sql, w.user_id, w.id) })
  })
}
