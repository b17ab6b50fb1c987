/** @module services/breaker tests: the closed -> open -> half-open -> closed/open state machine. */
import { pino } from 'pino'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { BreakerOpenError, UpstreamBreaker, type BreakerState } from './breaker.js'

const log = pino({ level: 'silent' })
const ok = () => Promise.resolve({ status: 200 })
const s500 = () => Promise.resolve({ status: 500 })
const s404 = () => Promise.resolve({ status: 404 })
const boom = () => Promise.reject(new Error('ECONNREFUSED'))
const isFail = (r: { status: number }) => r.status >= 500

describe('UpstreamBreaker', () => {
  afterEach(() => vi.useRealTimers())

  it('opens after N consecutive failures (5xx results are returned, errors rethrown); 4xx never count', async () => {
    const b = new UpstreamBreaker({ threshold: 3, resetSeconds: 30, log })
    const seen: BreakerState[] = []
    b.onStateChange((s) => seen.push(s))
    for (let i = 0; i < 10; i++) expect((await b.run(s404, isFail)).status).toBe(404)
    expect((await b.run(s500, isFail)).status).toBe(500)
    await expect(b.run(boom, isFail)).rejects.toThrow('ECONNREFUSED')
    expect(b.state()).toBe('closed')
    await b.run(ok, isFail) // a success resets the count
    await b.run(s500, isFail)
    await b.run(s500, isFail)
    expect(b.state()).toBe('closed')
    await b.run(s500, isFail)
    expect(b.state()).toBe('open')
    expect(b.isOpen()).toBe(true)
    await expect(b.run(ok, isFail)).rejects.toBeInstanceOf(BreakerOpenError)
    expect(seen).toEqual(['open'])
    b.shutdown()
  })

  it('half-open lets one probe through: success closes, failure re-opens', async () => {
    vi.useFakeTimers()
    const b = new UpstreamBreaker({ threshold: 1, resetSeconds: 2, log })
    await b.run(s500, isFail)
    expect(b.state()).toBe('open')
    expect(b.retryAfterSeconds()).toBe(2)
    vi.advanceTimersByTime(2001)
    expect(b.state()).toBe('half_open')
    let release!: () => void
    const probe = b.run(() => new Promise<{ status: number }>((r) => (release = () => r({ status: 500 }))), isFail)
    await expect(b.run(ok, isFail)).rejects.toBeInstanceOf(BreakerOpenError) // only one probe
    release()
    await probe
    expect(b.state()).toBe('open')
    vi.advanceTimersByTime(2001)
    await b.run(ok, isFail)
    expect(b.state()).toBe('closed')
    b.shutdown()
  })
})
