/**
 * @module services/scheduled/sender
 * One send of a scheduled message through deps.upstream (global key): text -> /message/sendText,
 * media -> /message/sendMedia with the stored body plus `number`. Retries follow retry.ts: up to 3
 * attempts with doubling backoff on 5xx and on connection failures, Meta's throttling answers
 * (130429, 131056) with their own budget; never other 4xx. A timeout or a connection lost mid-request
 * is NOT retried: the upstream may have sent the message, and a retry could deliver it twice.
 */
import { UpstreamError, type UpstreamClient } from '../upstream-client/upstream-client.js'
import { upstreamErrorText, waMessageId } from '../message-log/message-type.js'
import { classifyAnswer, retryDelayMs, type RetryKind, type RetryPolicy } from './retry.js'

export type SendResult = { ok: boolean; error: string | null; waMessageId: string | null }

/** Failures that prove the request never reached the upstream. */
const NEVER_SENT = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|UND_ERR_CONNECT/

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

export type SendOptions = {
  policy: RetryPolicy
  /** True once the worker is shutting down: no more waiting (transient) or retrying (Meta throttling). */
  shouldStop?: () => boolean
  /** Before every attempt (1 = the first): the pacer waits its turn and records the start. */
  beforeAttempt?: (attempt: number) => Promise<void>
  sleep?: (ms: number) => Promise<void>
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

export async function sendWithRetry(
  upstream: Pick<UpstreamClient, 'request'>,
  instance: string,
  type: string,
  content: string,
  number: string,
  o: SendOptions,
): Promise<SendResult> {
  const req = sendRequest(type, content, number)
  if ('error' in req) return { ok: false, error: req.error, waMessageId: null }
  const path = `/message/${req.path}/${encodeURIComponent(instance)}`
  const sleep = o.sleep ?? realSleep
  const failed: Record<RetryKind, number> = { transient: 0, meta: 0 }
  let error = ''
  for (let attempt = 1; ; attempt++) {
    await o.beforeAttempt?.(attempt)
    let kind: RetryKind | null
    try {
      const res = await upstream.request('POST', path, req.body, { timeoutMs: 30_000 })
      if (res.status < 300) return { ok: true, error: null, waMessageId: waMessageId(res.body) }
      const detail = upstreamErrorText(res.body)
      error = `status ${res.status}${detail ? `: ${detail.slice(0, 300)}` : ''}`
      kind = classifyAnswer(res.status, res.body)
    } catch (err) {
      error = (err as Error).message
      if (!(err instanceof UpstreamError && NEVER_SENT.test(error))) return { ok: false, error: `${error} (not retried: it may have been sent)`, waMessageId: null }
      kind = 'transient'
    }
    if (kind === null) return { ok: false, error, waMessageId: null }
    const delay = retryDelayMs(kind, ++failed[kind], o.policy)
    if (delay === null) return { ok: false, error: `${error} (after ${attempt} attempts)`, waMessageId: null }
    if (o.shouldStop?.()) {
      // Shutting down: a transient retry goes at once (as before); Meta said "later", so give up now.
      if (kind === 'meta') return { ok: false, error: `${error} (not retried: the worker is stopping)`, waMessageId: null }
    } else {
      await sleep(delay)
    }
  }
}
