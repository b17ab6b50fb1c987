/**
 * @module routes/proxy/instance-delete
 * DELETE /instance/delete/{name} (intercepted): owner or admin only (a grantee may use, not delete).
 * The upstream instance goes first (its 404 counts as gone); only then the gateway's rows: ownership,
 * grants, webhooks and pending scheduled messages (D18, docs/decisions.md#d18), and an open sending pause
 * (services/send-pauses) is closed. When the upstream refuses or cannot be
 * reached the rows stay, so the delete can simply be retried (the reference dropped them anyway).
 */
import type { Context } from 'hono'
import type { AppEnv } from '../../env.js'
import { ApiError } from '../../errors/api-error.js'
import { deleteInstanceCascade, instanceAccessRow } from '../../db/queries/instances.js'
import { sendPausesOf } from '../../services/send-pauses/index.js'
import { UpstreamError } from '../../services/upstream-client/upstream-client.js'
import { sanitizedServerBody } from '../../services/upstream-proxy/upstream-errors.js'
import { UPSTREAM_UNAVAILABLE } from './forward.js'
import { notifyLive } from './live-notify.js'

export const NOT_OWNER = "You don't own this instance"

export async function deleteInstance(c: Context<AppEnv>, name: string): Promise<Response> {
  const deps = c.get('deps')
  const user = c.get('user')
  if (!(await deps.instances.mayDelete(user, name))) throw new ApiError(403, NOT_OWNER)
  let res
  try {
    res = await deps.upstream.request('DELETE', `/instance/delete/${encodeURIComponent(name)}`)
  } catch (err) {
    if (err instanceof UpstreamError) throw new ApiError(502, UPSTREAM_UNAVAILABLE, { details: err.message })
    throw err
  }
  // An upstream 5xx body may name internal addresses: never relayed as is (services/upstream-proxy/upstream-errors).
  if (res.status >= 500) return c.json(sanitizedServerBody(res.status, res.body, c.get('requestId')), res.status as 500)
  if (res.status >= 400 && res.status !== 404) {
    return c.json(res.body !== null && typeof res.body === 'object' ? res.body : {}, res.status as 400)
  }
  // Read before the rows go: afterwards nobody may use the instance, so its owner and grantees are named.
  const access = await instanceAccessRow(deps.sql, name)
  await deleteInstanceCascade(deps.sql, name)
  deps.instances.invalidate(name)
  // A pause belongs to the deleted number: a new instance of the same name must not start paused.
  await sendPausesOf(deps).resume(name, user.id).catch((err: Error) => c.get('log').warn({ instance: name, err: err.message }, 'pause of a deleted instance not closed'))
  c.get('log').info({ instance: name, userId: user.id }, 'instance deleted')
  const audience = [...(access?.user_id != null ? [access.user_id] : []), ...(access?.grantees ?? []), user.id]
  notifyLive(deps, { type: 'instance.deleted', instance: name }, audience)
  return c.json({ message: 'Instance deleted', instance: name }, 200)
}
