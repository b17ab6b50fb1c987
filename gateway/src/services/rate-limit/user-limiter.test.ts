/** @module services/rate-limit/user-limiter tests: real Redis, Redis down (memory fallback), restart regression. */
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { UserRateLimiter } from './user-limiter.js'

const URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const opts = { enableOfflineQueue: false, maxRetriesPerRequest: 1, enableAutoPipelining: true, connectTimeout: 500 } as const
const uid = () => 900_000_000 + Math.floor(Math.random() * 90_000_000)
const clients: Redis[] = []
const client = (url = URL) => {
  const r = new Redis(url, { ...opts, retryStrategy: () => null })
  r.on('error', () => undefined)
  clients.push(r)
  return r
}
afterAll(() => clients.forEach((c) => c.disconnect()))

describe('UserRateLimiter', () => {
  it('limitFor: own limit, else the default (NULL); 0 and negatives mean unlimited', () => {
    const l = new UserRateLimiter(client(), 600)
    expect([l.limitFor(null), l.limitFor(3), l.limitFor(0), l.limitFor(-5)]).toEqual([600, 3, 0, 0])
  })

  it('allows `limit` requests per window in Redis, then refuses with reset seconds', async () => {
    const redis = client()
    await new Promise((r) => redis.once('ready', r))
    const l = new UserRateLimiter(redis, 0)
    const id = uid()
    const d = [] as Awaited<ReturnType<UserRateLimiter['consume']>>[]
    for (let i = 0; i < 4; i++) d.push(await l.consume(id, 3))
    expect(d.map((x) => [x.allowed, x.remaining])).toEqual([[true, 2], [true, 1], [true, 0], [false, 0]])
    expect(d[3]!.resetSeconds).toBeGreaterThan(0)
    expect(d[3]!.resetSeconds).toBeLessThanOrEqual(60)
  })

  it('survives an empty Lua script cache while auto-pipelined with other commands (Redis restart)', async () => {
    const redis = client()
    await new Promise((r) => redis.once('ready', r))
    const l = new UserRateLimiter(redis, 0)
    await redis.script('FLUSH')
    const [, d] = await Promise.all([redis.get('taguato:test:x'), l.consume(uid(), 3), redis.get('taguato:test:y')])
    expect(d.allowed).toBe(true)
  })

  it('counts in the keys rate-limiter-flexible used (taguato:rl:<points>:<user>), with the window as expiry', async () => {
    const redis = client()
    await new Promise((r) => redis.once('ready', r))
    const l = new UserRateLimiter(redis, 0)
    const id = uid()
    await l.consume(id, 7)
    await l.consume(id, 7)
    const key = `taguato:rl:7:${id}`
    expect(await redis.get(key)).toBe('2')
    const ttl = await redis.pttl(key)
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(60_000)
    await redis.del(key)
  })

  it('falls back to memory when Redis is down and still serves, then limits', async () => {
    const l = new UserRateLimiter(client('redis://127.0.0.1:1'), 0)
    const id = uid()
    const d = [await l.consume(id, 2), await l.consume(id, 2), await l.consume(id, 2)]
    expect(d.map((x) => x.allowed)).toEqual([true, true, false])
  })
})
