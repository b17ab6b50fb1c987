/**
 * @module services/scheduled/sender
 * One send of a scheduled message through deps.upstream (global key): text -> /message/sendText,
 * media -> /message/sendMedia with the stored body plus `number`. Retries follow retry.ts: up to 3
 * attempts with doubling backoff on 5xx and on connection failures, Meta's throttling answers
 * (130429, 131056) with their own budget; never other 4xx. A timeout, a connection lost mid-request or
 * a 504 is NOT retried: the upstream may have sent the message, and a retry could deliver it twice. Such
 * a result is `unknown` (the worker asks the upstream later, services/scheduled/unsure.ts).
 */
import { UpstreamError, type UpstreamClient } from '../upstream-client/upstream-client.js'
import { upstreamErrorText, waMessageId } from '../message-log/message-type.js'
import { retry } from '../../../../common/src/retry/index.js'
import { classifyAnswer, outcomeUnknown, retryRules, type RetryKind, type RetryPolicy } from './retry.js'

export type SendResult = {
  ok: boolean
  error: string | null
  waMessageId: string | null
  /** Failed in a way that says nothing about the outcome: the message may have gone out. */
  unknown?: boolean
}

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

/** One attempt's result and, when it failed, the retry rule it falls under (null = final). */
type Attempt = { result: SendResult; kind: RetryKind | null }

const failure = (error: string): SendResult => ({ ok: false, error, waMessageId: null })

async function attemptSend(upstream: Pick<UpstreamClient, 'request'>, path: string, body: Record<string, unknown>): Promise<Attempt> {
  try {
    const res = await upstream.request('POST', path, body, { timeoutMs: 30_000 })
    if (res.status < 300) return { result: { ok: true, error: null, waMessageId: waMessageId(res.body) }, kind: null }
    const detail = upstreamErrorText(res.body)
    const error = `status ${res.status}${detail ? `: ${detail.slice(0, 300)}` : ''}`
    if (outcomeUnknown(res.status)) return { result: { ...failure(`${error} (not retried: it may have been sent)`), unknown: true }, kind: null }
    return { result: failure(error), kind: classifyAnswer(res.status, res.body) }
  } catch (err) {
    const error = (err as Error).message
    if (err instanceof UpstreamError && NEVER_SENT.test(error)) return { result: failure(error), kind: 'transient' }
    return { result: { ...failure(`${error} (not retried: it may have been sent)`), unknown: true }, kind: null }
  }
}

export async function sendWithRetry(
  upstream: Pick<UpstreamClient, 'request'>,
  instance: string,
  type: string,
  content: string,
  number: string,
  o: SendOptions,
): Promise<SendResult> {
  const req = sendRequest(type, content, number)
  if ('error' in req) return failure(req.error)
  const path = `/message/${req.path}/${encodeURIComponent(instance)}`
  const sleep = o.sleep ?? realSleep
  const rules = retryRules(o.policy)
  const run = await retry(
    async (attempt) => {
      await o.beforeAttempt?.(attempt)
      return attemptSend(upstream, path, req.body)
    },
    {
      ...rules.transient,
      retry: (out) => (out.ok && out.value.kind ? rules[out.value.kind] : false),
      // Shutting down: a transient retry goes at once (as before); Meta said "later", so give up now.
      wait: async (ms, rule) => {
        if (o.shouldStop?.()) return rule !== rules.meta
        await sleep(ms)
      },
    },
  )
  const last = run.last
  // Only beforeAttempt throws (attemptSend never does): its error is the caller's, as before.
  if (!last?.ok) throw last ? last.error : new Error('no send attempted')
  const { result } = last.value
  if (run.reason === 'exhausted') return failure(`${result.error} (after ${run.attempts} attempts)`)
  if (run.reason === 'stopped') return failure(`${result.error} (not retried: the worker is stopping)`)
  return result
}
