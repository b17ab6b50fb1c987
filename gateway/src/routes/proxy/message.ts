/**
 * @module routes/proxy/message
 * /message/* sends: the body is read once (to learn the recipient and type), forwarded byte for byte,
 * and the outcome is queued to the message log (D13) after the answer is known, off the response path.
 * Exactly one row per send that reached the hop, whatever its result (502/503/504 are logged as failed).
 *
 * perf: the upstream's answer is written straight to the Node response with one plain header object
 * (upstream headers, X-Request-ID, X-RateLimit-*, the security/CORS/X-Served-By set of
 * lib/response-headers) and RESPONSE_ALREADY_SENT is returned: no undici Headers/Response per send.
 * `c.var.sentStatus` tells request-log and metrics the status; response-headers leaves it alone.
 * Errors (502/503/504, 4xx before the hop) still go through onError and the Hono path.
 */
import type { HttpBindings } from '@hono/node-server'
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response'
import type { Context } from 'hono'
import type { AppEnv } from '../../env.js'
import { ApiError } from '../../errors/api-error.js'
import { messageTypeFor, recipientFor, upstreamErrorText, waMessageId } from '../../services/message-log/message-type.js'
import { hopBuffered, parseJson, relay } from './forward.js'
import { readRawBody } from '../../lib/raw-body.js'
import { directResponseHeaders, staticHeadersFor } from '../../lib/response-headers.js'
import type { ProxyResponse } from '../../services/upstream-proxy/upstream-proxy.js'
import type { UpstreamPath } from './upstream-path.js'
import { header } from '../../lib/request-header.js'

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
    res = await hopBuffered(c, target.forwardUrl, raw, header(c, 'content-type') ?? 'application/json')
  } catch (err) {
    if (err instanceof ApiError) log?.('failed', err.message, null)
    throw err
  }
  const answer = parseJson(res.body)
  if (res.status < 400) log?.('sent', null, waMessageId(answer))
  else log?.('failed', upstreamErrorText(answer ?? (Buffer.isBuffer(res.body) ? res.body.toString('utf8') : null)), null)
  return writeDirect(c, res) ?? relay(c, res)
}

/**
 * Writes a buffered upstream answer to the Node response with every global header; undefined when
 * there is no Node response (app.request in unit tests) or the body is a stream (then: relay).
 */
function writeDirect(c: Context<AppEnv>, res: ProxyResponse): Response | undefined {
  const outgoing = (c.env as Partial<HttpBindings> | undefined)?.outgoing
  if (!outgoing || !Buffer.isBuffer(res.body) || outgoing.headersSent) return undefined
  const empty = res.status === 204 || res.status === 304 || c.req.method === 'HEAD'
  const headers = directResponseHeaders(res.headers, staticHeadersFor(c.get('deps').config), c.get('requestId'), c.get('rateLimit'))
  if (!empty) headers['content-length'] = res.body.length
  outgoing.writeHead(res.status, headers)
  if (empty) outgoing.end()
  else outgoing.end(res.body)
  c.set('sentStatus', res.status)
  return RESPONSE_ALREADY_SENT
}
