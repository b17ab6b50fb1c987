/**
 * @module services/scheduled/retry
 * When the scheduled sender tries a send again, and after how long. Two kinds of failure are retried,
 * each with its own budget of attempts and a doubling delay:
 *  - transient: a 5xx, or a connection that never reached the upstream (3 attempts, SCHEDULED_RETRY_DELAY_MS);
 *  - Meta throttling: the upstream's 400 carrying `response.metaError.code` 130429 (throughput) or
 *    131056 (pair rate), i.e. "try later" (SCHEDULED_META_RETRY_ATTEMPTS, SCHEDULED_META_RETRY_DELAY_MS).
 * Anything else (other 4xx, other Meta errors) fails at once. A 504, like a timeout, says nothing about
 * the outcome (a replica died holding the send, or a proxy gave up while it ran): never retried, since
 * the message may be out (see outcomeUnknown). The live proxy never retries; this is for the workers only.
 */
import { retryDelay, type RetryRule } from '../../../../common/src/retry/index.js'

/** Meta error codes that mean "too fast, try again later". */
export const META_THROTTLE_CODES: ReadonlySet<number> = new Set([130429, 131056])

export type RetryKind = 'transient' | 'meta'

export type RetryPolicy = {
  transientAttempts: number
  transientDelayMs: number
  metaAttempts: number
  metaDelayMs: number
  /** No single wait is longer than this. */
  maxDelayMs: number
}

const obj = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null)

/** `response.metaError.code` of an upstream error body (Cloud API instances), else null. */
export function metaErrorCode(body: unknown): number | null {
  const code = obj(obj(obj(body)?.response)?.metaError)?.code
  const n = typeof code === 'string' && /^\d+$/.test(code) ? Number(code) : code
  return typeof n === 'number' && Number.isInteger(n) ? n : null
}

/** An answer after which the send may or may not have gone out (504: whoever held it did not answer). */
export function outcomeUnknown(status: number): boolean {
  return status === 504
}

/** Which retry rule an HTTP answer falls under; null = final. */
export function classifyAnswer(status: number, body: unknown): RetryKind | null {
  if (outcomeUnknown(status)) return null
  if (status >= 500) return 'transient'
  if (status >= 400) {
    const code = metaErrorCode(body)
    if (code !== null && META_THROTTLE_CODES.has(code)) return 'meta'
  }
  return null
}

/** Each kind's budget and backoff, for common/retry (which counts the failures of each kind apart). */
export function retryRules(p: RetryPolicy): Record<RetryKind, RetryRule> {
  return {
    transient: { attempts: p.transientAttempts, backoff: { initialDelayMs: p.transientDelayMs, maxDelayMs: p.maxDelayMs } },
    meta: { attempts: p.metaAttempts, backoff: { initialDelayMs: p.metaDelayMs, maxDelayMs: p.maxDelayMs } },
  }
}

/**
 * The wait before the next attempt after `failedAttempts` failures of this kind (1 = the first
 * failed), or null when that kind's attempts are used up. Doubles: base, 2 base, 4 base... capped.
 */
export function retryDelayMs(kind: RetryKind, failedAttempts: number, p: RetryPolicy): number | null {
  return retryDelay(retryRules(p)[kind], failedAttempts)
}
