/**
 * @module routes/proxy/invite
 * POST /group/sendInvite/{instance} is a send: the upstream texts the group's invite link to every number
 * of the body. So, like the /message/* sends (./message.ts), it passes the per-IP /message/ limit (index.ts
 * `admit`), and is logged in message_logs (D13, docs/decisions.md#d13): one row per number (message_type
 * `invite`, phone_number the number as given), made durable before the answer is written; the per-user limit
 * (D8, docs/decisions.md#d8) counts the request once at the gate and every further number here, so one
 * request to 50 numbers costs what 50 sends cost. Evolution's answer is all or nothing (200 `{send:true}`
 * or 404 `No send invite`, and the upstream checks every number before sending any), so every row carries
 * the request's outcome. A body without a `numbers` list of strings is forwarded as is and not logged (the
 * upstream answers it 400, nothing was sent). Not on the fast-send path, which serves /message/* only.
 */
import type { Context } from 'hono'
import type { AppEnv, AuthUser } from '../../env.js'
import { ApiError } from '../../errors/api-error.js'
import { readRawBody } from '../../lib/raw-body.js'
import { header } from '../../lib/request-header.js'
import { rateLimitHeaders } from '../../lib/response-headers.js'
import { assertJsonText } from '../../lib/text.js'
import { upstreamErrorText } from '../../services/message-log/message-type.js'
import { hopBuffered, hopContext, parseJson, relay, type HopContext } from './forward.js'
import type { UpstreamPath } from './upstream-path.js'

/** The numbers of a sendInvite body, or [] when it has none we could log (the upstream refuses that body). */
export function inviteNumbers(body: unknown): string[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return []
  const numbers = (body as Record<string, unknown>).numbers
  if (!Array.isArray(numbers) || !numbers.every((n) => typeof n === 'string' && n !== '')) return []
  return numbers as string[]
}

export async function sendInvite(c: Context<AppEnv>, target: UpstreamPath, instance: string): Promise<Response> {
  const raw = await readRawBody(c)
  const parsed = parseJson(raw)
  if (parsed !== undefined) assertJsonText(raw, parsed)
  const numbers = inviteNumbers(parsed)
  const s = { ...hopContext(c), user: c.get('user') }
  if (numbers.length > 1) await chargeExtra(s, numbers.length - 1)
  if (numbers.length && s.deps.messageLog.full()) throw new ApiError(503, 'Message log buffer full', {}, { 'Retry-After': '5' })
  let res
  try {
    res = await hopBuffered(s, target.forwardUrl, raw, header(c, 'content-type') ?? 'application/json')
  } catch (err) {
    if (err instanceof ApiError) await logInvite(s, instance, numbers, 'failed', err.message)
    throw err
  }
  const error = res.status < 400 ? null : upstreamErrorText(parseJson(res.body) ?? (Buffer.isBuffer(res.body) ? res.body.toString('utf8') : null))
  await logInvite(s, instance, numbers, res.status < 400 ? 'sent' : 'failed', error)
  return relay(c, res)
}

/** The per-user limit for the numbers beyond the first (the gate counted the request itself). */
async function chargeExtra(s: HopContext & { user: AuthUser }, extra: number): Promise<void> {
  const limit = s.deps.limiter.limitFor(s.user.rate_limit)
  if (limit === 0) return
  const d = await s.deps.limiter.consume(s.user.id, limit, extra)
  if (!d.allowed) throw new ApiError(429, 'Rate limit exceeded', { limit: d.limit, window: '60s' }, { ...rateLimitHeaders(d), 'Retry-After': String(d.resetSeconds) })
}

async function logInvite(s: HopContext & { user: AuthUser }, instance: string, numbers: string[], status: 'sent' | 'failed', error: string | null): Promise<void> {
  for (const number of numbers) {
    await s.deps.messageLog.add({
      user_id: s.user.id,
      instance_name: instance,
      phone_number: number,
      message_type: 'invite',
      status,
      error_message: error,
      wa_message_id: null,
    })
  }
}
