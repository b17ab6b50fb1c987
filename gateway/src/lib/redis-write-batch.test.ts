import { Redis } from 'ioredis'
import type { Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { coalesceWrites } from './redis-write-batch.js'

const URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
let redis: Redis

/** Counts the socket's low-level writes (one per write/writev system call Node issues). */
function countWrites(socket: Socket): { count: () => number; restore: () => void } {
  const s = socket as unknown as { _write: (...a: unknown[]) => void; _writev: (...a: unknown[]) => void }
  const w = s._write
  const wv = s._writev
  let n = 0
  s._write = function (this: unknown, ...a: unknown[]) {
    n += 1
    return w.apply(this, a)
  }
  s._writev = function (this: unknown, ...a: unknown[]) {
    n += 1
    return wv.apply(this, a)
  }
  return { count: () => n, restore: () => ((s._write = w), (s._writev = wv)) }
}

beforeAll(async () => {
  redis = new Redis(URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true })
  coalesceWrites(redis)
  await redis.connect()
})
afterAll(() => redis.disconnect())

describe('coalesceWrites', () => {
  it("sends one turn's commands in one socket write, with every reply in order", async () => {
    const key = `test:rwb:${process.pid}`
    await redis.set(key, '7', 'EX', 30) // leaves the turn where the connection became ready
    const w = countWrites(redis.stream)
    try {
      const replies = await Promise.all([
        redis.get(key),
        redis.incr(key),
        redis.eval('return ARGV[1]', 0, 'lua'),
        redis.get(`${key}:missing`),
        redis.del(key),
      ])
      expect(replies).toEqual(['7', 8, 'lua', null, 1])
      expect(w.count()).toBe(1)
    } finally {
      w.restore()
    }
  })

  it('commands issued in later turns are sent in later writes, and errors still reach their caller', async () => {
    const w = countWrites(redis.stream)
    try {
      expect(await redis.ping()).toBe('PONG')
      await expect(redis.eval('return redis.call("nosuchcommand")', 0)).rejects.toThrow()
      expect(await redis.echo('after')).toBe('after')
      expect(w.count()).toBe(3)
    } finally {
      w.restore()
    }
  })

  it('keeps working on the new socket after a reconnect', async () => {
    const old = redis.stream
    redis.disconnect(true)
    await new Promise<void>((resolve) => redis.once('ready', () => resolve()))
    expect(redis.stream).not.toBe(old)
    expect(await Promise.all([redis.echo('a'), redis.echo('b')])).toEqual(['a', 'b'])
  })
})
