/**
 * @module common/retry
 * The one retry loop of both services (webhook forwarding, scheduled sends, upstream webhook
 * deliveries): bounded attempts, capped doubling backoff with optional jitter, a caller's predicate
 * deciding which outcomes are tried again, an AbortSignal that ends the waiting, and a hook that sees
 * every attempt. It is our own rather than p-retry: p-retry 9 needs Node 22 (we support 20.19), its
 * jitter is not +-N %, it reports failures only (the upstream logs successes too) and it has one
 * attempt budget where the scheduled sender keeps one per kind of failure.
 */
import { setTimeout as delay } from 'node:timers/promises'

/** Wait before retry n: initialDelayMs * 2^(n-1), at most maxDelayMs, then +-jitter (0.2 = +-20 %). */
export type Backoff = { initialDelayMs: number; maxDelayMs: number; jitter?: number }

/** A budget of attempts and how long to wait between them. */
export type RetryRule = { attempts: number; backoff: Backoff }

/** What one attempt gave: the function's value, or what it threw. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown }

export type AttemptReport<T> = {
  attempt: number
  startedAt: Date
  outcome: Outcome<T>
  /** The predicate's verdict, even when no attempt is left to act on it. */
  retryable: boolean
  /** The wait before the next attempt; null when there is none. */
  delayMs: number | null
}

export type RetryOptions<T> = RetryRule & {
  /**
   * Whether this outcome is tried again: false = no (successes included), true = under the rule of
   * these options, a rule = under that rule, whose failures are counted apart (one budget per kind).
   */
  retry: (outcome: Outcome<T>, attempt: number) => boolean | RetryRule
  /** Aborting it ends a wait at once and starts no further attempt. */
  signal?: AbortSignal
  /** After every attempt, before any wait: callers log or record attempts here. */
  onAttempt?: (report: AttemptReport<T>) => void
  /**
   * Replaces the wait (tests, or callers that skip waits while shutting down); resolving to false
   * gives up instead of retrying. Default: an abortable timer that never keeps the process alive.
   */
  wait?: (ms: number, rule: RetryRule) => Promise<boolean | void>
}

export type RetryResult<T> = {
  attempts: number
  /** The last attempt's outcome; null when none was made (aborted before the first, or attempts < 1). */
  last: Outcome<T> | null
  /** settled: the predicate said no; exhausted: no attempt left; stopped: `wait` gave up; aborted: the signal. */
  reason: 'settled' | 'exhausted' | 'stopped' | 'aborted'
}

/** The wait before retry `failures` (1 = after the first failure). Pure; `random` is for tests. */
export function backoffDelay(b: Backoff, failures: number, random: () => number = Math.random): number {
  const base = Math.min(b.initialDelayMs * 2 ** (failures - 1), b.maxDelayMs)
  return b.jitter ? Math.round(base * (1 - b.jitter + random() * 2 * b.jitter)) : base
}

/** The wait after `failures` failures under `rule`, or null when its attempts are used up. */
export function retryDelay(rule: RetryRule, failures: number, random?: () => number): number | null {
  return failures >= rule.attempts ? null : backoffDelay(rule.backoff, failures, random)
}

export async function retry<T>(fn: (attempt: number) => Promise<T>, o: RetryOptions<T>): Promise<RetryResult<T>> {
  const failures = new Map<RetryRule, number>()
  const wait = o.wait ?? ((ms: number) => delay(ms, undefined, { signal: o.signal, ref: false }).catch(() => undefined))
  let last: Outcome<T> | null = null
  if (o.attempts < 1) return { attempts: 0, last, reason: 'exhausted' }
  for (let attempt = 1; ; attempt++) {
    if (o.signal?.aborted) return { attempts: attempt - 1, last, reason: 'aborted' }
    const startedAt = new Date()
    try {
      last = { ok: true, value: await fn(attempt) }
    } catch (error) {
      last = { ok: false, error }
    }
    const verdict = o.retry(last, attempt)
    const rule = verdict === true ? o : verdict || null
    const count = rule ? (failures.get(rule) ?? 0) + 1 : 0
    if (rule) failures.set(rule, count)
    const delayMs = rule ? retryDelay(rule, count) : null
    o.onAttempt?.({ attempt, startedAt, outcome: last, retryable: rule !== null, delayMs })
    if (!rule) return { attempts: attempt, last, reason: 'settled' }
    if (delayMs === null) return { attempts: attempt, last, reason: 'exhausted' }
    if ((await wait(delayMs, rule)) === false) return { attempts: attempt, last, reason: 'stopped' }
  }
}
