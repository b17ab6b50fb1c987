/** @module services/scheduled/retry tests: which answers are retried and how the wait grows. */
import { describe, expect, it } from 'vitest'
import { classifyAnswer, metaErrorCode, retryDelayMs } from './retry.js'

const meta = (code: number | string) => ({
  status: 400,
  error: 'Bad Request',
  response: { message: [`Meta error ${code}: x`], metaError: { code, error_subcode: 2494055, type: 'OAuthException', message: 'x', fbtrace_id: 'A1' } },
})

const policy = { transientAttempts: 3, transientDelayMs: 1000, metaAttempts: 5, metaDelayMs: 2000, maxDelayMs: 10_000 }

describe('classifyAnswer', () => {
  it('retries Meta throttling (130429, 131056) and 5xx, nothing else', () => {
    expect(classifyAnswer(400, meta(130429))).toBe('meta')
    expect(classifyAnswer(400, meta(131056))).toBe('meta')
    expect(classifyAnswer(429, meta('131056'))).toBe('meta')
    expect(classifyAnswer(400, meta(131026))).toBeNull() // undeliverable: final
    expect(classifyAnswer(400, meta(100))).toBeNull()
    expect(classifyAnswer(400, { status: 400, response: { message: ['Meta error 130429'] } })).toBeNull() // no metaError object
    expect(classifyAnswer(400, 'text')).toBeNull()
    expect(classifyAnswer(404, null)).toBeNull()
    expect(classifyAnswer(500, meta(130429))).toBe('transient')
    expect(classifyAnswer(503, '')).toBe('transient')
    expect(classifyAnswer(504, '')).toBeNull() // the send may be out: never retried
  })

  it('reads metaError.code only as an integer', () => {
    expect(metaErrorCode(meta(130429))).toBe(130429)
    expect(metaErrorCode({ response: { metaError: { code: '1.5' } } })).toBeNull()
    expect(metaErrorCode({ response: { metaError: null } })).toBeNull()
    expect(metaErrorCode(null)).toBeNull()
  })
})

describe('retryDelayMs', () => {
  it('doubles from the base up to the cap, within each kind\'s attempts', () => {
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs('meta', n, policy))).toEqual([2000, 4000, 8000, 10_000, null])
    expect([1, 2, 3].map((n) => retryDelayMs('transient', n, policy))).toEqual([1000, 2000, null])
    expect(retryDelayMs('meta', 1, { ...policy, metaAttempts: 1 })).toBeNull()
  })
})
