/**
 * @module services/scheduled/sender
 * One send of a scheduled message through deps.upstream (global key): text -> /message/sendText,
 * media -> /message/sendMedia with the stored body plus `number`. Up to 3 attempts with doubling
 * backoff on 5xx and on connection failures; never on 4xx. A timeout or a connection lost mid-request
 * is NOT retried: the upstream may have sent the message, and a retry could deliver it twice.
 */
import type { Deps } from '../../deps.js'
import { UpstreamError } from '../upstream-client/upstream-client.js'
import { upstreamErrorText, waMessageId } from '../message-log/message-type.js'

export type SendResult = { ok: boolean; error: string | null; waMessageId: string | null }

/** Failures that prove the request never reached the upstream. */
const NEVER_SENT = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|UND_ERR_CONNECT/

const ATTEMPTS = 3

export function sendRequest(type: string, content: string, number: string): { path: string; body: Record<string, unknown> } | { error: string } {
  if (type === 'text') return { path: 'sendText', body: { number, text: content } }
  try {
    const media = JSON.parse(content) as unknown
    if (!media || typeof media !== 'object' || Array.isArray(media)) return { error: 'invalid media content JSON' }
    return { path: 'sendMedia', body: { ...(media as Record<string, unknown>), number } }
  } catch {
    return { error: 'invalid media content JSON' }
  }
}

export async function sendWithRetry(
  deps: Deps,
  instance: string,
  type: string,
  content: string,
  number: string,
  o: { retryDelayMs: number; shouldStop?: () => boolean },
): Promise<SendResult> {
  const req = sendRequest(type, content, number)
  if ('error' in req) return { ok: false, error: req.error, waMessageId: null }
  const path = `/message/${req.path}/${encodeURIComponent(instance)}`
  let error = ''
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    let retryable: boolean
    try {
      const res = await deps.upstream.request('POST', path, req.body, { timeoutMs: 30_000 })
      if (res.status < 300) return { ok: true, error: null, waMessageId: waMessageId(res.body) }
      const detail = upstreamErrorText(res.body)
      error = `status ${res.status}${detail ? `: ${detail.slice(0, 300)}` : ''}`
      retryable = res.status >= 500
    } catch (err) {
      error = (err as Error).message
      retryable = err instanceof UpstreamError && NEVER_SENT.test(error)
      if (!retryable) return { ok: false, error: `${error} (not retried: it may have been sent)`, waMessageId: null }
    }
    if (!retryable) return { ok: false, error, waMessageId: null }
    if (attempt < ATTEMPTS && !o.shouldStop?.()) await new Promise((r) => setTimeout(r, o.retryDelayMs * 2 ** (attempt - 1)))
  }
  return { ok: false, error: `${error} (after ${ATTEMPTS} attempts)`, waMessageId: null }
}
