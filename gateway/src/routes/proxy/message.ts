/**
 * @module routes/proxy/message
 * /message/* sends: the body is read once (to learn the recipient and type), forwarded byte for byte,
 * and the outcome is queued to the message log (D13) after the answer is known, off the response path.
 * Exactly one row per send that reached the hop, whatever its result (502/503/504 are logged as failed).
 */
import type { Context } from 'hono'
import type { AppEnv } from '../../env.js'
import { ApiError } from '../../errors/api-error.js'
import { messageTypeFor, recipientFor, upstreamErrorText, waMessageId } from '../../services/message-log/message-type.js'
import { hopBuffered, parseJson, relay } from './forward.js'
import { readRawBody } from '../../lib/raw-body.js'
import type { UpstreamPath } from './upstream-path.js'

export async function sendMessage(c: Context<AppEnv>, target: UpstreamPath, instance: string): Promise<Response> {
  const deps = c.get('deps')
  const user = c.get('user')
  // perf: read from the Node request directly, not via a materialised WHATWG Request (lib/raw-body).
  const raw = await readRawBody(c)
  const parsed = parseJson(raw)
  const body = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null
  const action = target.segments[1] ?? ''
  // Not a JSON object: not a send we can describe; the upstream answers it (400) and nothing is logged.
  const log = body
    ? (status: 'sent' | 'failed', error: string | null, waId: string | null) =>
        deps.messageLog.add({
          user_id: user.id,
          instance_name: instance,
          phone_number: recipientFor(action, body),
          message_type: messageTypeFor(action, body),
          status,
          error_message: error,
          wa_message_id: waId,
        })
    : undefined
  let res
  try {
    res = await hopBuffered(c, target.forwardUrl, raw, c.req.header('content-type') ?? 'application/json')
  } catch (err) {
    if (err instanceof ApiError) log?.('failed', err.message, null)
    throw err
  }
  const answer = parseJson(res.body)
  if (res.status < 400) log?.('sent', null, waMessageId(answer))
  else log?.('failed', upstreamErrorText(answer ?? (Buffer.isBuffer(res.body) ? res.body.toString('utf8') : null)), null)
  return relay(c, res)
}
