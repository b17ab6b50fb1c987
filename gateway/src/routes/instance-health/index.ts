/**
 * @module routes/instance-health
 * Ban signals and stuck messages (issue 30; docs/delivery-guarantees.md):
 *   GET  /api/instances/{name}/health          owner, grantee or admin: services/instance-health;
 *   POST /api/instances/{name}/resume-sending  owner or admin: ends the instance's ban-signal pause;
 *   POST /api/messages/log/{id}/resend         an unconfirmed text message, once (services/send-pauses/resend).
 */
import type { Deps } from '../../deps.js'
import { ApiError } from '../../errors/api-error.js'
import { parseId } from '../../lib/body.js'
import { register, type Router } from '../../lib/route.js'
import { instanceHealth } from '../../services/instance-health/health.js'
import { sendPausesOf } from '../../services/send-pauses/index.js'
import { resendUnconfirmed } from '../../services/send-pauses/resend.js'

const tags = ['instances']
const NOT_YOURS = 'Instance not found or not owned by you'

export function instanceHealthRoutes(r: Router, deps: Deps): void {
  const pauses = sendPausesOf(deps)

  register(r, { method: 'GET', path: '/api/instances/:name/health', access: 'session', tags,
    summary: "One instance's health: sends and failures today, unconfirmed messages, last ban signal, open pause",
    response: { status: 200, description: '{instance, sends_today, failures_today, unconfirmed, last_ban_signal:{signal,reason,code,at}|null, paused:{signal,reason,code,since}|null}' } }, async (c) => {
    const name = c.req.param('name') ?? ''
    if (!(await deps.instances.mayUse(c.get('user'), name))) throw new ApiError(403, NOT_YOURS)
    return c.json(await instanceHealth(deps.sql, name, pauses.store.get(name)), 200, { 'Cache-Control': 'no-store' })
  })

  register(r, { method: 'POST', path: '/api/instances/:name/resume-sending', access: 'session', tags,
    summary: 'Resume sending on an instance a ban signal paused (owner or admin)',
    response: { status: 200, description: '{resumed: true, pause:{signal,reason,code,since}} (409 when it was not paused)' } }, async (c) => {
    const user = c.get('user')
    const name = c.req.param('name') ?? ''
    if (!(await deps.instances.mayDelete(user, name))) throw new ApiError(403, NOT_YOURS)
    const ended = await pauses.resume(name, user.id)
    if (!ended) throw new ApiError(409, 'Sending is not paused on this instance')
    await deps.audit.record({ userId: user.id, username: user.username, action: 'sending_resumed', resourceType: 'instance', resourceId: name, details: { signal: ended.signal }, ip: c.get('clientIp') })
    return c.json({ resumed: true, pause: ended })
  })

  register(r, { method: 'POST', path: '/api/messages/log/:id/resend', access: 'session', tags: ['messages'],
    summary: 'Resend an unconfirmed text message, once (own messages; admins any): 409 when already resent or not unconfirmed',
    response: { status: 201, description: '{original_id, log_key, status: sent|failed|queued, wa_message_id, error}' } }, async (c) => {
    const id = parseId(c.req.param('id'), 'Message not found')
    const user = c.get('user')
    const result = await resendUnconfirmed(deps, user, id, c.get('requestId') ?? '')
    await deps.audit.record({ userId: user.id, username: user.username, action: 'message_resent', resourceType: 'message', resourceId: String(id), details: { status: result.status }, ip: c.get('clientIp') })
    return c.json(result, 201)
  })
}
