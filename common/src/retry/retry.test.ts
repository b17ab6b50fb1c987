/** @module common/retry tests: the backoff arithmetic, the budgets, the predicate, the stop signal, the hook. */
import { describe, expect, it } from 'vitest'
import { backoffDelay, retry, retryDelay, type AttemptReport, type Outcome, type RetryRule } from './index.js'

const backoff = { initialDelayMs: 100, maxDelayMs: 500 }

/** A function answering from a script (an Error is thrown), and the waits asked for. */
function scripted<T>(script: (T | Error)[]) {
  const waits: number[] = []
  let calls = 0
  const fn = async () => {
    const next = script[Math.min(calls++, script.length - 1)]!
    if (next instanceof Error) throw next
    return next
  }
  return { fn, waits, wait: async (ms: number) => void waits.push(ms), calls: () => calls }
}

const failed = (o: Outcome<number>) => !o.ok || o.value >= 500

describe('backoffDelay', () => {
  it('doubles from the initial delay up to the cap', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(backoff, n))).toEqual([100, 200, 400, 500, 500])
  })

  it('spreads by +-jitter around the capped base, rounded', () => {
    const b = { ...backoff, jitter: 0.2 }
    expect([0, 0.5, 1].map((r) => backoffDelay(b, 2, () => r))).toEqual([160, 200, 240])
    expect(backoffDelay(b, 9, () => 1)).toBe(600) // the cap applies before the jitter
    for (let i = 0; i < 100; i++) expect(backoffDelay(b, 1)).toBeGreaterThanOrEqual(80)
  })

  it('gives no wait once the rule has no attempt left', () => {
    const rule = { attempts: 3, backoff }
    expect([1, 2, 3].map((n) => retryDelay(rule, n))).toEqual([100, 200, null])
  })
})

describe('retry', () => {
  it('retries what the predicate says, waiting the backoff, until it succeeds', async () => {
    const s = scripted<number>([500, new Error('reset'), 200])
    const reports: AttemptReport<number>[] = []
    const run = await retry(s.fn, { attempts: 5, backoff, retry: failed, wait: s.wait, onAttempt: (r) => void reports.push(r) })
    expect(run).toEqual({ attempts: 3, last: { ok: true, value: 200 }, reason: 'settled' })
    expect(s.waits).toEqual([100, 200])
    expect(reports.map((r) => [r.attempt, r.retryable, r.delayMs])).toEqual([[1, true, 100], [2, true, 200], [3, false, null]])
    expect(reports[1]!.outcome).toEqual({ ok: false, error: new Error('reset') })
    expect(reports[0]!.startedAt).toBeInstanceOf(Date)
  })

  it('stops at once on an outcome the predicate refuses', async () => {
    const s = scripted<number>([404, 200])
    const run = await retry(s.fn, { attempts: 5, backoff, retry: (o) => failed(o) && !(o.ok && o.value === 404), wait: s.wait })
    expect(run).toMatchObject({ attempts: 1, reason: 'settled', last: { ok: true, value: 404 } })
    expect(s.waits).toEqual([])
  })

  it('gives up after the attempts, reporting the last retryable failure too', async () => {
    const s = scripted<number>([503])
    const reports: AttemptReport<number>[] = []
    const run = await retry(s.fn, { attempts: 3, backoff, retry: failed, wait: s.wait, onAttempt: (r) => void reports.push(r) })
    expect(run).toMatchObject({ attempts: 3, reason: 'exhausted', last: { ok: true, value: 503 } })
    expect(s.waits).toEqual([100, 200])
    expect(reports.at(-1)).toMatchObject({ attempt: 3, retryable: true, delayMs: null })
  })

  it('counts each rule returned by the predicate on its own budget', async () => {
    const slow: RetryRule = { attempts: 3, backoff: { initialDelayMs: 1000, maxDelayMs: 1500 } }
    const s = scripted<string>(['slow', 'fast', 'slow', 'slow'])
    const run = await retry(s.fn, { attempts: 2, backoff, retry: (o) => (o.ok && o.value === 'slow' ? slow : true), wait: s.wait })
    expect(run).toMatchObject({ attempts: 4, reason: 'exhausted', last: { ok: true, value: 'slow' } })
    expect(s.waits).toEqual([1000, 100, 1500])
  })

  it('ends with "stopped" when the wait gives up, and tells the wait which rule applies', async () => {
    const s = scripted<number>([500])
    const rules: RetryRule[] = []
    const options = { attempts: 4, backoff, retry: failed }
    const wait = async (_ms: number, rule: RetryRule) => {
      rules.push(rule)
      return rules.length < 2
    }
    const run = await retry(s.fn, { ...options, wait })
    expect(run).toMatchObject({ attempts: 2, reason: 'stopped' })
    expect(rules[0]).toMatchObject(options)
  })

  it('makes no attempt when attempts < 1 or the signal is already aborted', async () => {
    const s = scripted<number>([200])
    expect(await retry(s.fn, { attempts: 0, backoff, retry: failed })).toEqual({ attempts: 0, last: null, reason: 'exhausted' })
    expect(await retry(s.fn, { attempts: 3, backoff, retry: failed, signal: AbortSignal.abort() })).toEqual({ attempts: 0, last: null, reason: 'aborted' })
    expect(s.calls()).toBe(0)
  })

  it('an abort ends the default wait at once and starts no further attempt', async () => {
    const s = scripted<number>([500])
    const stop = new AbortController()
    setTimeout(() => stop.abort(), 20)
    const t0 = Date.now()
    const run = await retry(s.fn, { attempts: 3, backoff: { initialDelayMs: 60_000, maxDelayMs: 60_000 }, retry: failed, signal: stop.signal })
    expect(run).toMatchObject({ attempts: 1, reason: 'aborted', last: { ok: true, value: 500 } })
    expect(Date.now() - t0).toBeLessThan(5000)
  })

  it('waits for real by default', async () => {
    const s = scripted<number>([500, 200])
    const t0 = Date.now()
    const run = await retry(s.fn, { attempts: 2, backoff: { initialDelayMs: 30, maxDelayMs: 30 }, retry: failed })
    expect(run).toMatchObject({ attempts: 2, reason: 'settled' })
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25)
  })
})
