/**
 * @module routes/proxy/instance-create
 * POST /instance/create (intercepted, never proxied): validate, take a slot atomically under the
 * user's max_instances (admins unlimited), then create upstream; the slot is given back when the
 * upstream fails. Telegram instances are refused: the reference's Telegram channel is out of scope.
 * WHATSAPP-BUSINESS (Cloud API) instances need `token` (Meta access token) and `number` (phone number id).
 * What goes upstream (D3, docs/decisions.md#d3, ./side-channels.ts): a user's body only keeps the plain instance fields (no
 * webhook, event bus, proxy or Chatwoot); an admin's is kept whole once every address in it passes the
 * webhook SSRF check.
 */
import type { Context } from 'hono'
import type { AppEnv } from '../../env.js'
import { ApiError } from '../../errors/api-error.js'
import { readJsonObject, validate } from '../../lib/body.js'
import { InstanceNameRule } from '../../lib/rules.js'
import { deleteInstanceRow, insertInstanceUnderLimit } from '../../db/queries/instances.js'
import { recordedIntegration } from '../../services/instances/integration.js'
import { UpstreamError } from '../../services/upstream-client/upstream-client.js'
import { sanitizedServerBody } from '../../services/upstream-proxy/upstream-errors.js'
import { UPSTREAM_UNAVAILABLE } from './forward.js'
import { checkTargets, createTargets, userCreateBody } from './side-channels.js'
import { notifyLive } from './live-notify.js'

const NAME_REQUIRED = 'instanceName is required'

/**
 * WHATSAPP-BUSINESS (Meta's Cloud API): the instance `token` is the Meta access token and `number` the
 * phone number id, as in Evolution. Checked before a slot is taken so a typo costs nothing.
 */
function checkCloudApiFields(body: Record<string, unknown>): void {
  if (typeof body.token !== 'string' || body.token.trim() === '') {
    throw new ApiError(400, 'token is required for WHATSAPP-BUSINESS instances: the Meta access token (a permanent system-user token)')
  }
  if (typeof body.number !== 'string' || !/^\d{5,20}$/.test(body.number)) {
    throw new ApiError(400, 'number is required for WHATSAPP-BUSINESS instances: the phone number id from Meta (digits only), not the phone number')
  }
  if (body.businessId !== undefined && body.businessId !== null && (typeof body.businessId !== 'string' || !/^\d{1,20}$/.test(body.businessId))) {
    throw new ApiError(400, 'businessId must be the WhatsApp Business Account id (digits only)')
  }
}

export async function createInstance(c: Context<AppEnv>): Promise<Response> {
  const deps = c.get('deps')
  const user = c.get('user')
  const sent = await readJsonObject(c, NAME_REQUIRED)
  const isAdmin = user.role === 'admin'
  // Before any slot is taken: a refused field or address costs nothing.
  const body = isAdmin ? sent : userCreateBody(sent)
  if (body.instanceName === undefined || body.instanceName === null) throw new ApiError(400, NAME_REQUIRED)
  const name = validate(InstanceNameRule, body.instanceName)
  if (body.integration === 'TELEGRAM') throw new ApiError(400, 'Telegram instances are not supported')
  if (body.integration === 'WHATSAPP-BUSINESS') checkCloudApiFields(body)
  if (isAdmin) await checkTargets(createTargets(body), deps.config.WEBHOOK_ALLOWED_HOSTS)

  const outcome = await insertInstanceUnderLimit(deps.sql, user.id, name, isAdmin, recordedIntegration(body.integration))
  if (!outcome.ok) {
    if (outcome.reason === 'taken') throw new ApiError(409, 'Instance name already in use')
    throw new ApiError(403, 'Instance limit reached', { current: outcome.current, max: outcome.max })
  }
  deps.instances.invalidate(name)
  const rollback = async () => {
    await deleteInstanceRow(deps.sql, outcome.id)
    deps.instances.invalidate(name)
  }
  let res
  try {
    res = await deps.upstream.request('POST', '/instance/create', body)
  } catch (err) {
    await rollback()
    if (err instanceof UpstreamError) throw new ApiError(502, UPSTREAM_UNAVAILABLE, { details: err.message })
    throw err
  }
  const payload: Record<string, unknown> = res.body !== null && typeof res.body === 'object' ? { ...(res.body as Record<string, unknown>) } : {}
  // Evolution echoes the instance token as `hash`; for Cloud API that is the Meta access token: not back out.
  if (body.integration === 'WHATSAPP-BUSINESS' && 'hash' in payload) payload.hash = null
  if (res.status >= 400) await rollback()
  else {
    c.get('log').info({ instance: name, userId: user.id }, 'instance created')
    notifyLive(deps, { type: 'instance.created', instance: name }, [user.id])
  }
  // An upstream 5xx body may name internal addresses: never relayed as is (services/upstream-proxy/upstream-errors).
  if (res.status >= 500) return c.json(sanitizedServerBody(res.status, res.body, c.get('requestId')), res.status as 500)
  return c.json(payload, res.status as 201)
}
