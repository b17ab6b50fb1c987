/**
 * @module routes/proxy/message
 * /message/* sends: the body is read once (to learn the recipient and type: a JSON object, or the text
 * fields of a form, services/message-log/form-fields), forwarded byte for byte,
 * and the outcome is made durable in the message log (D13, docs/decisions.md#d13; services/message-log: one Redis
 * RPUSH, awaited) after the upstream answered and BEFORE the answer is written, so a process killed right
 * after answering keeps the row. Exactly one row per send that reached the hop, whatever its result
 * (502/503/504 are logged as failed). A full log buffer (PostgreSQL down for long) refuses the send
 * with 503 before the hop: nothing is sent that could not be logged.
 *
 * One caller: the send pipeline (fast-send.ts), which serves every POST /message/* without Hono.
 *
 * perf: the upstream's answer is written straight to the Node response with one plain header object
 * (upstream headers, X-Request-ID, X-RateLimit-*, the security/CORS/X-Served-By set of
 * lib/response-headers): no undici Headers/Response per send. Errors (502/503/504, 4xx before the hop)
 * are ApiErrors, rendered by the caller.
 */
import type { ServerResponse } from 'node:http'
import type { AuthUser } from '../../env.js'
import { ApiError } from '../../errors/api-error.js'
import { formFields } from '../../services/message-log/form-fields.js'
import { messageTypeFor, recipientFor, scanKeyId, upstreamErrorText, waMessageId } from '../../services/message-log/message-type.js'
import { messageTextFor } from '../../services/message-log/message-text.js'
import { hopBuffered, parseJson, type HopContext } from './forward.js'
import { assertJsonText } from '../../lib/text.js'
import { directResponseHeaders, type StaticHeaders } from '../../lib/response-headers.js'
import type { LimitDecision } from '../../services/rate-limit/user-limiter.js'
import type { ProxyResponse } from '../../services/upstream-proxy/upstream-proxy.js'
import type { UpstreamPath } from './upstream-path.js'
import { IDEMPOTENCY_HEADER, idempotencyStore, inflightMs, parseIdempotencyKey, replayableHeaders, runIdempotent } from '../../services/idempotency/idempotent.js'
import { requestFingerprint } from '../../services/idempotency/idempotency-store.js'

/**
 * Forwards one send through the breaker and makes its message-log row durable. Throws ApiError 502/503/504
 * when there is no upstream answer (logged as failed too), 503 before the hop when the log buffer is full.
 * With an `Idempotency-Key` header the send runs at most once per user and key (services/idempotency,
 * docs/idempotency.md); without one nothing else happens (no extra Redis round trip).
 */
export function forwardSend(
  s: HopContext & { user: AuthUser },
  target: UpstreamPath,
  instance: string,
  raw: Buffer,
  contentType: string,
): Promise<ProxyResponse> {
  const idem = s.incoming.headers[IDEMPOTENCY_HEADER]
  if (idem === undefined) return sendOnce(s, target, instance, raw, contentType)
  const key = parseIdempotencyKey(idem)!
  return runIdempotent<ProxyResponse>({
    store: idempotencyStore(s.deps),
    userId: s.user.id,
    key,
    fingerprint: requestFingerprint(s.method, `/${target.segments.join('/')}`, raw),
    inflightMs: inflightMs(s.deps),
    run: () => sendOnce(s, target, instance, raw, contentType),
    toStored: (r) => (Buffer.isBuffer(r.body) ? { status: r.status, headers: replayableHeaders(r.headers), body: r.body } : null),
    fromStored: (a) => ({ status: a.status, headers: a.headers, body: a.body }),
  })
}

/** The send itself (no Idempotency-Key handling): hop, message-log row. */
const sendOnce: typeof forwardSend = async (s, target, instance, raw, contentType) => {
  const parsed = parseJson(raw)
  // The text rule of every route (lib/text): NUL or invalid UTF-8 is the client's 400, not the log's failure.
  if (parsed !== undefined) assertJsonText(raw, parsed)
  // A form (multipart: sendSticker/sendPtv/sendStatus with a file; urlencoded) is described by its text
  // fields. Anything else that is not a JSON object is not a send we can describe: the upstream answers
  // it (400) and nothing is logged.
  const body =
    parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : parsed === undefined ? formFields(raw, contentType) : null
  if (body && s.deps.messageLog.full()) throw new ApiError(503, 'Message log buffer full', {}, { 'Retry-After': '5' })
  let res: ProxyResponse
  let gated: ProxyResponse | undefined
  try {
    // Pauses, budgets, queued sends (services/send-gate): a refusal is thrown (not logged: nothing was
    // attempted), an answer in the upstream's stead skips the hop.
    gated = s.deps.sendGate.size === 0 ? undefined : await s.deps.sendGate.admit({
      user: s.user, instance, action: target.segments[1] ?? '', body, raw, contentType, headers: s.incoming.headers, requestId: s.requestId,
    })
    res = gated ?? (await hopBuffered(s, target.forwardUrl, raw, contentType))
  } catch (err) {
    if (body && err instanceof ApiError) await logSend(s, target, instance, body, 'failed', err.message, null)
    throw err
  }
  // A check that answers in the upstream's stead logs its own row (a queued send: 'queued', written with
  // its queue row in one transaction, services/send-queue), so it is not logged here as 'sent'.
  if (body && !gated) {
    if (res.status < 400) await logSend(s, target, instance, body, 'sent', null, sentMessageId(res.body))
    else await logSend(s, target, instance, body, 'failed', upstreamErrorText(parseJson(res.body) ?? (Buffer.isBuffer(res.body) ? res.body.toString('utf8') : null)), null)
  }
  return res
}

function logSend(
  s: HopContext & { user: AuthUser },
  target: UpstreamPath,
  instance: string,
  body: Record<string, unknown>,
  status: 'sent' | 'failed',
  error: string | null,
  waId: string | null,
): Promise<void> {
  const action = target.segments[1] ?? ''
  return s.deps.messageLog.add({
    user_id: s.user.id,
    instance_name: instance,
    phone_number: recipientFor(action, body),
    message_type: messageTypeFor(action, body),
    message_text: messageTextFor(action, body),
    status,
    error_message: error,
    wa_message_id: waId,
  })
}

/** key.id of a successful answer: read from the bytes when the answer has Evolution's plain shape, else parsed. */
function sentMessageId(answer: ProxyResponse['body']): string | null {
  if (!Buffer.isBuffer(answer)) return null
  const id = scanKeyId(answer)
  return id !== undefined ? id : waMessageId(parseJson(answer))
}

/**
 * Writes a buffered upstream answer to the Node response with every global header; false when it
 * cannot (the body is a stream, or headers already went out).
 */
export function writeSend(
  outgoing: ServerResponse,
  method: string,
  res: ProxyResponse,
  statics: StaticHeaders,
  requestId: string,
  rateLimit: LimitDecision | undefined,
): boolean {
  if (!Buffer.isBuffer(res.body) || outgoing.headersSent) return false
  const empty = res.status === 204 || res.status === 304 || method === 'HEAD'
  const headers = directResponseHeaders(res.headers, statics, requestId, rateLimit)
  if (!empty) headers['content-length'] = res.body.length
  outgoing.writeHead(res.status, headers)
  if (empty) outgoing.end()
  else outgoing.end(res.body)
  return true
}
