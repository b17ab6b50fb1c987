/** @module services/idempotency tests: the key store on real Redis (claim, replay, conflict, mismatch, expiry) and the runner's store/release rule. */
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiError } from '../../errors/api-error.js'
import { IdempotencyStore, requestFingerprint, type StoredAnswer } from './idempotency-store.js'
import { BAD_KEY, IN_PROGRESS, parseIdempotencyKey, REUSED, runIdempotent, storable } from './idempotent.js'

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 })
const prefix = `taguato:idempotency-test:${randomUUID()}`
const store = new IdempotencyStore(redis, prefix)
const uid = () => 900_000_000 + Math.floor(Math.random() * 90_000_000)
const fp = (body: string) => requestFingerprint('POST', '/message/sendText/x', Buffer.from(body))
const answer = (status: number, text = '{"ok":1}'): StoredAnswer => ({ status, headers: { 'content-type': 'application/json' }, body: Buffer.from(text) })

beforeAll(async () => {
  await redis.ping()
})
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`)
  if (keys.length) await redis.del(...keys)
  redis.disconnect()
})

describe('IdempotencyStore', () => {
  it('claim, then in progress for a duplicate, then replay once completed', async () => {
    const u = uid()
    const first = await store.claim(u, 'k1', fp('a'), 10_000)
    expect(first.kind).toBe('claimed')
    expect((await store.claim(u, 'k1', fp('a'), 10_000)).kind).toBe('in-progress')
    if (first.kind !== 'claimed') return
    await store.complete(first.claim, answer(201, '{"key":{"id":"X"}}'))
    const again = await store.claim(u, 'k1', fp('a'), 10_000)
    expect(again.kind).toBe('replay')
    if (again.kind === 'replay') {
      expect(again.answer.status).toBe(201)
      expect(again.answer.body.toString()).toBe('{"key":{"id":"X"}}')
      expect(again.answer.headers['content-type']).toBe('application/json')
    }
    expect(await redis.pttl(store.keyFor(u, 'k1'))).toBeGreaterThan(23 * 3600 * 1000)
  })

  it('a different request with the same key is a mismatch, in flight or done', async () => {
    const u = uid()
    const c = await store.claim(u, 'k2', fp('a'), 10_000)
    expect((await store.claim(u, 'k2', fp('b'), 10_000)).kind).toBe('mismatch')
    if (c.kind === 'claimed') await store.complete(c.claim, answer(200))
    expect((await store.claim(u, 'k2', fp('b'), 10_000)).kind).toBe('mismatch')
  })

  it('scoped per user and stored hashed (the key is not in Redis in clear)', async () => {
    const [a, b] = [uid(), uid()]
    expect((await store.claim(a, 'shared-key', fp('a'), 10_000)).kind).toBe('claimed')
    expect((await store.claim(b, 'shared-key', fp('a'), 10_000)).kind).toBe('claimed')
    expect(store.keyFor(a, 'shared-key')).toMatch(new RegExp(`^${prefix}:[0-9a-f]{64}$`))
    expect(await redis.get(store.keyFor(a, 'shared-key'))).not.toContain('shared-key')
  })

  it('release lets a retry claim again; an expired in-flight claim does too, and the late first cannot overwrite it', async () => {
    const u = uid()
    const c = await store.claim(u, 'k3', fp('a'), 10_000)
    if (c.kind !== 'claimed') throw new Error('not claimed')
    await store.release(c.claim)
    expect((await store.claim(u, 'k3', fp('a'), 10_000)).kind).toBe('claimed')

    const late = await store.claim(u, 'k4', fp('a'), 50)
    if (late.kind !== 'claimed') throw new Error('not claimed')
    await new Promise((r) => setTimeout(r, 120))
    const retry = await store.claim(u, 'k4', fp('a'), 10_000)
    expect(retry.kind).toBe('claimed')
    await store.complete(late.claim, answer(201, 'late'))
    expect((await store.claim(u, 'k4', fp('a'), 10_000)).kind).toBe('in-progress')
  })

  it('a replayed answer expires with its TTL', async () => {
    const short = new IdempotencyStore(redis, prefix, 80)
    const u = uid()
    const c = await short.claim(u, 'k5', fp('a'), 10_000)
    if (c.kind !== 'claimed') throw new Error('not claimed')
    await short.complete(c.claim, answer(201))
    expect((await short.claim(u, 'k5', fp('a'), 10_000)).kind).toBe('replay')
    await new Promise((r) => setTimeout(r, 150))
    expect((await short.claim(u, 'k5', fp('a'), 10_000)).kind).toBe('claimed')
  })
})

describe('runIdempotent', () => {
  const run = (u: number, key: string, body: string, fn: () => Promise<StoredAnswer>) =>
    runIdempotent<StoredAnswer>({ store, userId: u, key, fingerprint: fp(body), inflightMs: 10_000, run: fn, toStored: (a) => a, fromStored: (a) => a })

  it('runs once and replays with Idempotent-Replayed; 409 in flight; 422 on another body', async () => {
    const u = uid()
    let calls = 0
    let finish: () => void = () => undefined
    const gate = new Promise<void>((r) => (finish = r))
    const first = run(u, 'r1', 'a', async () => {
      calls++
      await gate
      return answer(201, 'sent')
    })
    await new Promise((r) => setTimeout(r, 20))
    await expect(run(u, 'r1', 'a', async () => answer(201))).rejects.toMatchObject({ status: 409, message: IN_PROGRESS })
    finish()
    expect((await first).body.toString()).toBe('sent')
    const replay = await run(u, 'r1', 'a', async () => (calls++, answer(201)))
    expect([calls, replay.body.toString(), replay.headers['Idempotent-Replayed']]).toEqual([1, 'sent', 'true'])
    await expect(run(u, 'r1', 'b', async () => answer(201))).rejects.toMatchObject({ status: 422, message: REUSED })
  })

  it('5xx and unexpected errors release the claim; 4xx and 504 errors are kept', async () => {
    const u = uid()
    await expect(run(u, 'r2', 'a', async () => { throw new ApiError(502, 'down') })).rejects.toMatchObject({ status: 502 })
    expect((await run(u, 'r2', 'a', async () => answer(201, 'ok'))).body.toString()).toBe('ok')
    await expect(run(u, 'r3', 'a', async () => answer(500))).resolves.toMatchObject({ status: 500 })
    expect((await run(u, 'r3', 'a', async () => answer(201, 'second'))).body.toString()).toBe('second')
    await expect(run(u, 'r4', 'a', async () => { throw new ApiError(504, 'WhatsApp API timeout') })).rejects.toMatchObject({ status: 504 })
    const kept = await run(u, 'r4', 'a', async () => answer(201))
    expect([kept.status, JSON.parse(kept.body.toString())]).toEqual([504, { error: 'WhatsApp API timeout' }])
    expect([storable(200), storable(404), storable(503), storable(504)]).toEqual([true, true, false, true])
  })
})

describe('parseIdempotencyKey', () => {
  it('absent is undefined; quoted is unquoted; empty or over 255 is 400', () => {
    expect(parseIdempotencyKey(undefined)).toBeUndefined()
    expect(parseIdempotencyKey('"abc"')).toBe('abc')
    expect(parseIdempotencyKey('x'.repeat(255))).toHaveLength(255)
    for (const bad of ['', '   ', '""', 'x'.repeat(256)]) expect(() => parseIdempotencyKey(bad)).toThrow(BAD_KEY)
  })
})
