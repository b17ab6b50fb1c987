/** @module services/breaker tests: the closed -> open -> half-open -> closed/open state machine, slow calls, uncounted errors. */
import { pino } from 'pino'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { BreakerOpenError, UpstreamBreaker, type BreakerState } from './breaker.js'

const log = pino({ level: 'silent' })
const ok = () => Promise.resolve({ status: 200 })
const s500 = () => Promise.resolve({ status: 500 })
const s404 = () => Promise.resolve({ status: 404 })
const boom = () => Promise.reject(new Error('ECONNREFUSED'))
const isFail = { isFailure: (r: { status: number }) => r.status >= 500 }

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

  it('a watched call unanswered past slowCallMs counts at that moment, once; three stalled calls open it in seconds', async () => {
    vi.useFakeTimers()
    const b = new UpstreamBreaker({ threshold: 3, resetSeconds: 30, slowCallMs: 1000, log })
    const hang = () => new Promise<{ status: number }>(() => undefined)
    const calls = [1, 2, 3].map(() => b.run(hang, { ...isFail, watchSlow: true }))
    vi.advanceTimersByTime(999)
    expect(b.condition()).toBe('ok')
    expect(b.stats().consecutiveFailures).toBe(0)
    vi.advanceTimersByTime(2)
    expect(b.state()).toBe('open')
    expect(b.condition()).toBe('unavailable')
    expect(b.stats().slowInFlight).toBe(3)
    void calls
    b.shutdown()
  })

  it('a slow call that ends well does not reset the count; unwatched calls are never slow', async () => {
    vi.useFakeTimers()
    const b = new UpstreamBreaker({ threshold: 2, resetSeconds: 30, slowCallMs: 100, log })
    const late = (ms: number) => () => new Promise<{ status: number }>((r) => setTimeout(() => r({ status: 200 }), ms))
    const slow = b.run(late(500), { ...isFail, watchSlow: true })
    vi.advanceTimersByTime(150)
    expect(b.condition()).toBe('stalled')
    expect(b.stats().consecutiveFailures).toBe(1)
    await vi.advanceTimersByTimeAsync(400)
    expect((await slow).status).toBe(200)
    expect(b.stats().consecutiveFailures).toBe(1) // still: the success was slow
    expect(b.condition()).toBe('ok')
    const unwatched = b.run(late(500), isFail)
    await vi.advanceTimersByTimeAsync(600)
    await unwatched
    expect(b.stats().consecutiveFailures).toBe(0) // a fast-enough (unwatched) success resets
    expect(b.state()).toBe('closed')
    b.shutdown()
  })

  /** Opens (threshold 1, reset 1 s, slow 200 ms), reaches half-open and starts a watched probe that ends when told. */
  async function slowProbe(outcome: 'answers' | 'fails') {
    vi.useFakeTimers()
    const b = new UpstreamBreaker({ threshold: 1, resetSeconds: 1, slowCallMs: 200, log })
    await b.run(s500, isFail)
    vi.advanceTimersByTime(1001)
    expect(b.state()).toBe('half_open')
    let end!: () => void
    const probe = b.run(
      () => new Promise<{ status: number }>((r, reject) => (end = () => (outcome === 'answers' ? r({ status: 200 }) : reject(new Error('deadline'))))),
      { ...isFail, watchSlow: true },
    )
    vi.advanceTimersByTime(201)
    expect(b.state()).toBe('open') // slow: re-opened at once
    return { b, probe, end }
  }

  it('a slow half-open probe re-opens at once; its late answer still reaches the caller and closes nothing', async () => {
    const { b, probe, end } = await slowProbe('answers')
    end()
    expect((await probe).status).toBe(200)
    expect(b.state()).toBe('open')
    b.shutdown()
  })

  it('a slow probe that fails later never closes the next half-open period', async () => {
    const { b, probe, end } = await slowProbe('fails')
    vi.advanceTimersByTime(1001)
    expect(b.state()).toBe('half_open')
    end()
    await expect(probe).rejects.toThrow('deadline')
    expect(b.state()).not.toBe('closed')
    b.shutdown()
  })

  it('errors the caller marks as not the upstream\'s never count, closed or half-open', async () => {
    vi.useFakeTimers()
    const b = new UpstreamBreaker({ threshold: 1, resetSeconds: 2, log })
    const clients = () => Promise.reject(new Error('client body too large'))
    const onlyRefused = { ...isFail, countsError: (e: unknown) => (e as Error).message === 'ECONNREFUSED' }
    await expect(b.run(clients, onlyRefused)).rejects.toThrow('client body too large')
    expect(b.state()).toBe('closed')
    await expect(b.run(boom, onlyRefused)).rejects.toThrow('ECONNREFUSED')
    expect(b.state()).toBe('open')
    vi.advanceTimersByTime(2001)
    await expect(b.run(clients, onlyRefused)).rejects.toThrow('client body too large')
    expect(b.state()).not.toBe('open')
    b.shutdown()
  })
})
