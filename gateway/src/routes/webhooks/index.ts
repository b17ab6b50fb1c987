/**
 * @module routes/webhooks
 * /api/webhooks (R5, docs/decisions.md#r5), strictly the caller's rows, one per (user, instance). Decisions: the
 * instance must be usable by the caller (D2, docs/decisions.md#d2), URLs pass the SSRF check (D3, docs/decisions.md#d3), the signing secret is shown
 * once (create), and every change is pushed upstream as the v2 body (services/webhooks/sync); a failed
 * push is left to the `webhook-sync` job.
 *
 * Create checks in the reference's order (docs/http-behaviour.md): body shape -> URL syntax (400) ->
 * may use the instance (403) -> one per instance (409) -> URL target (400: private, loopback, metadata,
 * internal names, names resolving there). So a stranger learns nothing about URLs, and no DNS is asked
 * for a request that is refused anyway. A name that does not resolve at save time is accepted (DNS may
 * be down or private here); every delivery resolves it again and records the failure. Events on create
 * are any names (unknown ones kept, not synced, listed as `ignored_events`); update refuses unknown ones.
 * The bodies and their syntax checks are ./schemas.ts; the checks needing I/O stay here, in that order.
 */
import { randomBytes } from 'node:crypto'
import type { Context } from 'hono'
import type { Deps } from '../../deps.js'
import type { AppEnv } from '../../env.js'
import { deleteWebhook, findWebhook, hasWebhook, insertWebhook, listWebhooks, markNeedsSync, updateWebhook } from '../../db/queries/webhooks.js'
import { ApiError } from '../../errors/api-error.js'
import { parseBody, parseId, readJsonObject, validate } from '../../lib/body.js'
import { register, type Router } from '../../lib/route.js'
import { checkUrlTarget, parseWebhookUrl, type UrlCheck } from '../../services/ssrf/ssrf.js'
import { ignoredEvents } from '../../services/webhooks/events.js'
import { syncInstance } from '../../services/webhooks/sync.js'
import { webhookDeliveryRoutes } from './deliveries.js'
import { CreateWebhookBody, UpdateWebhookBody, UpdateWebhookUrl } from './schemas.js'

const NOT_FOUND = 'Webhook not found'
const ALREADY_EXISTS = 'Webhook already exists for this instance'
const tags = ['webhooks']

export function webhookRoutes(r: Router, deps: Deps): void {
  const allowedHosts = deps.config.WEBHOOK_ALLOWED_HOSTS
  /** The parsed URL and whether WEBHOOK_ALLOWED_HOSTS exempts it (its syntax was checked by the schema). */
  const urlCheck = (url: string): UrlCheck => {
    const res = parseWebhookUrl(url, allowedHosts)
    if (!res.ok) throw new ApiError(400, res.error)
    return res
  }
  const urlTarget = async (parsed: UrlCheck) => {
    const res = await checkUrlTarget(parsed, { unresolved: 'accept' })
    if (!res.ok) throw new ApiError(400, res.error)
  }
  const mayUse = async (c: Context<AppEnv>, instance: string) => {
    if (!(await deps.instances.mayUse(c.get('user'), instance))) throw new ApiError(403, 'You do not own this instance')
  }

  register(r, { method: 'GET', path: '/api/webhooks', access: 'session', summary: 'List own webhooks', tags,
    response: { status: 200, description: '{webhooks:[{id,instance_name,webhook_url,events,is_active,retry_count,needs_sync,last_error,consecutive_dead,disabled_at,disabled_reason,created_at,updated_at}]}' } },
  async (c) => c.json({ webhooks: await listWebhooks(deps.sql, c.get('user').id) }))

  register(r, { method: 'POST', path: '/api/webhooks', access: 'session', summary: 'Create the webhook of an instance (signing_secret shown once)', tags, body: CreateWebhookBody,
    response: { status: 201, description: '{webhook:{id,instance_name,webhook_url,events,is_active,needs_sync,created_at,signing_secret}, ignored_events:[...]}' } }, async (c) => {
    const body = await parseBody(c, CreateWebhookBody)
    const url = urlCheck(body.webhook_url)
    await mayUse(c, body.instance_name)
    const userId = c.get('user').id
    if (await hasWebhook(deps.sql, userId, body.instance_name)) throw new ApiError(409, ALREADY_EXISTS)
    await urlTarget(url)
    const secret = randomBytes(32).toString('hex')
    const row = await insertWebhook(deps.sql, { userId, instance: body.instance_name, url: body.webhook_url, events: body.events, secret })
    if (!row) throw new ApiError(409, ALREADY_EXISTS)
    const err = await syncInstance(deps, row.instance_name)
    if (err) await markNeedsSync(deps.sql, row.id, err)
    const { id, instance_name, webhook_url, is_active, created_at, signing_secret } = row
    return c.json({ webhook: { id, instance_name, webhook_url, events: row.events, is_active, needs_sync: err !== null, created_at, signing_secret }, ignored_events: ignoredEvents(body.events) }, 201)
  })

  register(r, { method: 'PUT', path: '/api/webhooks/:id', access: 'session', summary: 'Update webhook_url, events or is_active', tags, body: UpdateWebhookBody,
    response: { status: 200, description: '{webhook:{...}}' } }, async (c) => {
    const user = c.get('user')
    const current = await findWebhook(deps.sql, user.id, parseId(c.req.param('id'), NOT_FOUND))
    if (!current) throw new ApiError(404, NOT_FOUND)
    const body = await readJsonObject(c)
    // A new URL's target is checked before the other fields are read (the reference's order).
    const { webhook_url } = validate(UpdateWebhookUrl, body)
    if (webhook_url !== undefined) await urlTarget(urlCheck(webhook_url))
    const { events, is_active } = validate(UpdateWebhookBody, body)
    if (webhook_url === undefined && events === undefined && is_active === undefined) throw new ApiError(400, 'No fields to update')
    // Re-activating (or retargeting) needs the right to use the instance now, not when it was created.
    if (is_active === true || webhook_url !== undefined) await mayUse(c, current.instance_name)
    let row = await updateWebhook(deps.sql, user.id, current.id, { url: webhook_url, events, isActive: is_active })
    if (!row) throw new ApiError(404, NOT_FOUND)
    const err = await syncInstance(deps, row.instance_name)
    if (err && row.is_active) await markNeedsSync(deps.sql, row.id, err)
    row = (await findWebhook(deps.sql, user.id, row.id)) ?? row
    return c.json({ webhook: row })
  })

  register(r, { method: 'DELETE', path: '/api/webhooks/:id', access: 'session', summary: 'Delete a webhook (cleared upstream)', tags,
    response: { status: 200, description: '{deleted:{id}}' } }, async (c) => {
    const row = await deleteWebhook(deps.sql, c.get('user').id, parseId(c.req.param('id'), NOT_FOUND))
    if (!row) throw new ApiError(404, NOT_FOUND)
    // A stale upstream config is harmless (the receiver only forwards to active rows), so only log failures.
    await syncInstance(deps, row.instance_name)
    return c.json({ deleted: { id: row.id } })
  })

  // Delivery log, dead-letter replay, enable after failing (./deliveries.ts).
  webhookDeliveryRoutes(r, deps)
}
