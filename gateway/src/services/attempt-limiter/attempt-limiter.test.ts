/** @module services/attempt-limiter tests: real Redis (shared window, reset, release) and Redis down (memory). */
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

  it('reset forgets the attempts; release gives one back and never creates a key', async () => {
    const r = await redis()
    const l = new AttemptLimiter(r, { prefix: 'taguato:test:attempts:', max: 2, windowSeconds: 60 })
    const k = key()
    expect(await claims(l, k, 3)).toEqual([true, true, false])
    await l.reset(k)
    expect(await claims(l, k, 2)).toEqual([true, true])
    await l.release(k)
    expect(await claims(l, k, 2)).toEqual([true, false])
    const fresh = key()
    await l.release(fresh)
    expect(await r.exists('taguato:test:attempts:' + fresh)).toBe(0)
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
})
