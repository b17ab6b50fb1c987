/**
 * @module services/attempt-limiter tests: real Redis (shared window, reset, failures-only counting under
 * concurrency), Redis down and Redis stalled (command timeout): the in-memory fallback, never a refusal.
 */
import net from 'node:net'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { ApiError } from '../../errors/api-error.js'
import { AttemptLimiter } from './attempt-limiter.js'

const URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const deadRedis = { eval: async () => Promise.reject(new Error('down')), del: async () => Promise.reject(new Error('down')) } as unknown as Redis
const key = () => `k${Math.random().toString(16).slice(2)}`
const clients: Redis[] = []
async function redis(): Promise<Redis> {
  const r = new Redis(URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 500, retryStrategy: () => null })
  r.on('error', () => undefined)
  clients.push(r)
  await new Promise((ok) => r.once('ready', ok))
  return r
}
afterAll(() => clients.forEach((c) => c.disconnect()))

const claims = async (l: AttemptLimiter, k: string, n: number) => {
  const out: boolean[] = []
  for (let i = 0; i < n; i++) out.push((await l.claim(k)).allowed)
  return out
}

describe('AttemptLimiter with Redis', () => {
  it('allows max attempts per window, then refuses with the TTL as Retry-After; replicas share it', async () => {
    const r = await redis()
    const opts = { prefix: 'taguato:test:attempts:', max: 3, windowSeconds: 900 }
    const a = new AttemptLimiter(r, opts)
    const b = new AttemptLimiter(r, opts)
    const k = key()
    expect(await claims(a, k, 2)).toEqual([true, true])
    expect((await b.claim(k)).allowed).toBe(true)
    const refused = await a.claim(k)
    expect(refused.allowed).toBe(false)
    expect(refused.retryAfterSeconds).toBeGreaterThan(890)
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(900)
    await expect(b.claimOrThrow(k, 'nope')).rejects.toMatchObject({ status: 429, message: 'nope', headers: { 'Retry-After': expect.any(String) } })
    expect(await r.ttl(opts.prefix + k)).toBeGreaterThan(0)
  })

  it('reset forgets the attempts; check counts nothing and never creates a key', async () => {
    const r = await redis()
    const l = new AttemptLimiter(r, { prefix: 'taguato:test:attempts:', max: 2, windowSeconds: 60 })
    const k = key()
    expect(await claims(l, k, 3)).toEqual([true, true, false])
    await l.reset(k)
    expect(await claims(l, k, 2)).toEqual([true, true])
    const fresh = key()
    for (let i = 0; i < 5; i++) expect((await l.check(fresh)).allowed).toBe(true)
    expect(await r.exists('taguato:test:attempts:' + fresh)).toBe(0)
  })

  it('failures only: parallel successes never count, parallel failures stop exactly at max', async () => {
    const r = await redis()
    const l = new AttemptLimiter(r, { prefix: 'taguato:test:attempts:', max: 30, windowSeconds: 60 })
    const k = key()
    // 120 correct logins in three bursts: check before and right before answering, nothing counted.
    for (let burst = 0; burst < 3; burst++) {
      const ok = await Promise.all(Array.from({ length: 40 }, async () => (await l.check(k)).allowed && (await l.check(k)).allowed))
      expect(ok).toEqual(Array(40).fill(true))
    }
    expect(await r.exists('taguato:test:attempts:' + k)).toBe(0)
    // 100 wrong ones at once: exactly 30 are answered as failures, the rest refused.
    const failures = await Promise.all(Array.from({ length: 100 }, () => l.failOrThrow(k, 'blocked').then(() => 'counted', (e: ApiError) => `${e.status}`)))
    expect(failures.filter((f) => f === 'counted')).toHaveLength(30)
    expect(failures.filter((f) => f === '429')).toHaveLength(70)
    await expect(l.checkOrThrow(k, 'blocked')).rejects.toMatchObject({ status: 429, message: 'blocked', headers: { 'Retry-After': expect.any(String) } })
  })

  it('max 0 is off', async () => {
    const l = new AttemptLimiter(deadRedis, { prefix: 'x:', max: 0, windowSeconds: 60 })
    expect(await claims(l, 'a', 50)).toEqual(Array(50).fill(true))
  })
})

describe('AttemptLimiter while Redis is down (in-memory fallback)', () => {
  it('still limits per key, and reset clears', async () => {
    const l = new AttemptLimiter(deadRedis, { prefix: 'x:', max: 2, windowSeconds: 60 })
    expect(await claims(l, 'a', 3)).toEqual([true, true, false])
    const d = await l.claim('a')
    expect(d.retryAfterSeconds).toBeGreaterThan(0)
    expect(d.retryAfterSeconds).toBeLessThanOrEqual(60)
    expect((await l.claim('b')).allowed).toBe(true)
    await l.reset('a')
    expect((await l.claim('a')).allowed).toBe(true)
  })

  it('claimOrThrow throws an ApiError 429', async () => {
    const l = new AttemptLimiter(deadRedis, { prefix: 'x:', max: 1, windowSeconds: 60 })
    await l.claimOrThrow('a', 'slow down')
    const err = await l.claimOrThrow('a', 'slow down').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect((err as ApiError).status).toBe(429)
  })

  it('check and failOrThrow count failures in memory; successes are never refused', async () => {
    const l = new AttemptLimiter(deadRedis, { prefix: 'x:', max: 3, windowSeconds: 60 })
    for (let i = 0; i < 50; i++) await l.checkOrThrow('a', 'blocked')
    await Promise.all([1, 2, 3].map(() => l.failOrThrow('a', 'blocked')))
    await expect(l.failOrThrow('a', 'blocked')).rejects.toMatchObject({ status: 429 })
    await expect(l.checkOrThrow('a', 'blocked')).rejects.toMatchObject({ status: 429 })
    await l.checkOrThrow('b', 'blocked')
  })
})

describe('AttemptLimiter while Redis is stalled (answers nothing; the command timeout fires)', () => {
  it('falls back to memory within the timeout instead of refusing', async () => {
    const sockets: net.Socket[] = []
    const silent = net.createServer((s) => sockets.push(s))
    await new Promise<void>((ok) => silent.listen(0, '127.0.0.1', ok))
    const port = (silent.address() as net.AddressInfo).port
    const r = new Redis({ port, host: '127.0.0.1', enableReadyCheck: false, commandTimeout: 100, maxRetriesPerRequest: 0, retryStrategy: () => null })
    r.on('error', () => undefined)
    try {
      const l = new AttemptLimiter(r, { prefix: 'x:', max: 2, windowSeconds: 60 })
      const started = Date.now()
      const ok = await Promise.all(Array.from({ length: 10 }, () => l.checkOrThrow('ip', 'blocked').then(() => true)))
      expect(ok).toEqual(Array(10).fill(true))
      // Redis is skipped for a moment after a timeout: the calls below do not wait for it again.
      const afterTimeout = Date.now()
      await l.failOrThrow('ip', 'blocked')
      await l.failOrThrow('ip', 'blocked')
      await expect(l.checkOrThrow('ip', 'blocked')).rejects.toMatchObject({ status: 429 })
      await l.checkOrThrow('other', 'blocked')
      expect(Date.now() - afterTimeout).toBeLessThan(50)
      expect(Date.now() - started).toBeLessThan(2000)
    } finally {
      r.disconnect()
      sockets.forEach((s) => s.destroy())
      silent.close()
    }
  })
})
