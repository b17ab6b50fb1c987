/**
 * @module routes/webhooks
 * /api/webhooks (reference §3.8), strictly the caller's rows, one per (user, instance). Decisions: the
 * instance must be usable by the caller (D2), URLs pass the SSRF check (D3), events are validated on
 * create and update, the signing secret is shown once (create), and every change is pushed upstream as
 * the v2 body (services/webhooks/sync); a failed push is left to the `webhook-sync` job.
 */
import { randomBytes } from 'node:crypto'
import type { Context } from 'hono'
import type { Deps } from '../../deps.js'
import type { AppEnv } from '../../env.js'
import { deleteWebhook, findWebhook, insertWebhook, listWebhooks, markNeedsSync, updateWebhook } from '../../db/queries/webhooks.js'
import { ApiError } from '../../errors/api-error.js'
import { parseId, readJsonObject } from '../../lib/body.js'
import { register, type Router } from '../../lib/route.js'
import { checkWebhookUrl } from '../../services/ssrf/ssrf.js'
import { parseEvents } from '../../services/webhooks/events.js'
import { syncInstance } from '../../services/webhooks/sync.js'

const NOT_FOUND = 'Webhook not found'
const tags = ['webhooks']

export function webhookRoutes(r: Router, deps: Deps): void {
  const checkUrl = async (url: unknown) => {
    const res = await checkWebhookUrl(url, { allowedHosts: deps.config.WEBHOOK_ALLOWED_HOSTS })
    if (!res.ok) throw new ApiError(400, res.error)
  }
  const mayUse = async (c: Context<AppEnv>, instance: string) => {
    if (!(await deps.instances.mayUse(c.get('user'), instance))) throw new ApiError(403, 'You do not own this instance')
  }

  register(r, { method: 'GET', path: '/api/webhooks', access: 'session', summary: 'List own webhooks', tags,
    response: { status: 200, description: '{webhooks:[{id,instance_name,webhook_url,events,is_active,retry_count,needs_sync,last_error,created_at,updated_at}]}' } },
  async (c) => c.json({ webhooks: await listWebhooks(deps.sql, c.get('user').id) }))

  register(r, { method: 'POST', path: '/api/webhooks', access: 'session', summary: 'Create the webhook of an instance (signing_secret shown once)', tags,
    response: { status: 201, description: '{webhook:{id,instance_name,webhook_url,events,is_active,needs_sync,created_at,signing_secret}}' } }, async (c) => {
    const body = await readJsonObject(c)
    if (typeof body.instance_name !== 'string' || body.instance_name === '') throw new ApiError(400, 'instance_name is required')
    if (body.webhook_url === undefined || body.webhook_url === '') throw new ApiError(400, 'webhook_url is required')
    await checkUrl(body.webhook_url)
    const events = parseEvents(body.events)
    await mayUse(c, body.instance_name)
    const secret = randomBytes(32).toString('hex')
    const row = await insertWebhook(deps.sql, { userId: c.get('user').id, instance: body.instance_name, url: body.webhook_url as string, events, secret })
    if (!row) throw new ApiError(409, 'Webhook already exists for this instance')
    const err = await syncInstance(deps, row.instance_name)
    if (err) await markNeedsSync(deps.sql, row.id, err)
    const { id, instance_name, webhook_url, is_active, created_at, signing_secret } = row
    return c.json({ webhook: { id, instance_name, webhook_url, events: row.events, is_active, needs_sync: err !== null, created_at, signing_secret } }, 201)
  })

  register(r, { method: 'PUT', path: '/api/webhooks/:id', access: 'session', summary: 'Update webhook_url, events or is_active', tags,
    response: { status: 200, description: '{webhook:{...}}' } }, async (c) => {
    const user = c.get('user')
    const current = await findWebhook(deps.sql, user.id, parseId(c.req.param('id'), NOT_FOUND))
    if (!current) throw new ApiError(404, NOT_FOUND)
    const body = await readJsonObject(c)
    if (body.webhook_url === '') throw new ApiError(400, 'webhook_url cannot be empty')
    if (body.webhook_url !== undefined) await checkUrl(body.webhook_url)
    const events = body.events === undefined ? undefined : parseEvents(body.events)
    if (body.is_active !== undefined && typeof body.is_active !== 'boolean') throw new ApiError(400, 'is_active must be a boolean')
    if (body.webhook_url === undefined && events === undefined && body.is_active === undefined) throw new ApiError(400, 'No fields to update')
    // Re-activating (or retargeting) needs the right to use the instance now, not when it was created.
    if (body.is_active === true || body.webhook_url !== undefined) await mayUse(c, current.instance_name)
    let row = await updateWebhook(deps.sql, user.id, current.id, { url: body.webhook_url as string | undefined, events, isActive: body.is_active as boolean | undefined })
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
}
