import type { Redis } from 'ioredis'
import { describe, expect, it } from 'vitest'
import { IpBucketLimiter } from './ip-bucket.js'

const deadRedis = { eval: async () => Promise.reject(new Error('down')) } as unknown as Redis

describe('IpBucketLimiter (in-memory fallback)', () => {
  it('allows a burst then refuses with Retry-After', async () => {
    const l = new IpBucketLimiter(deadRedis, { prefix: 't:', rate: 1, burst: 2 })
    expect((await l.take('1.2.3.4')).allowed).toBe(true)
    expect((await l.take('1.2.3.4')).allowed).toBe(true)
    const third = await l.take('1.2.3.4')
    expect(third.allowed).toBe(false)
    expect(third.retryAfterSeconds).toBeGreaterThanOrEqual(1)
    expect((await l.take('5.6.7.8')).allowed).toBe(true)
  })
  it('is unlimited with rate 0', async () => {
    const l = new IpBucketLimiter(deadRedis, { prefix: 't:', rate: 0, burst: 0 })
    for (let i = 0; i < 5; i++) expect((await l.take('x')).allowed).toBe(true)
  })
})
