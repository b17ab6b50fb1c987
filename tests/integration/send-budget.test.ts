/**
 * @module tests/integration/send-budget
 * The budget script on a real Redis (services/send-budget/budget): per-minute counting, the daily set of
 * distinct recipients (a known recipient costs nothing), refusals that count nothing, Retry-After.
 */
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import pino from 'pino'
import { afterAll, describe, expect, it } from 'vitest'
import { SendBudget } from '../../gateway/src/services/send-budget/budget.js'
import { TEST_REDIS_URL } from '../support/gateway.js'

const redis = new Redis(TEST_REDIS_URL)
const prefix = `test:send-budget:${randomUUID()}`
const budget = new SendBudget(redis, pino({ level: 'silent' }), prefix)

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`)
  if (keys.length) await redis.del(...keys)
  redis.disconnect()
})

describe('send budget (Redis)', () => {
  it('messages per minute: the 6th of 5 is refused with the seconds left in the minute, then the next minute allows', async () => {
    const t0 = Date.UTC(2026, 0, 1, 12, 0, 15)
    for (let i = 0; i < 5; i++) expect(await budget.take('a', `59598100000${i}`, { perMinute: 5, perDay: 0 }, t0)).toEqual({ ok: true })
    const refused = await budget.take('a', '595981000009', { perMinute: 5, perDay: 0 }, t0)
    expect(refused).toMatchObject({ ok: false, retryAfterSeconds: 45 })
    expect(refused.ok ? '' : refused.reason).toMatch(/5 messages per minute/)
    expect(await budget.take('a', '595981000009', { perMinute: 5, perDay: 0 }, t0 + 60_000)).toEqual({ ok: true })
  })

  it('new recipients per day: a known recipient is free, a new one over budget is refused until the next UTC day', async () => {
    const t0 = Date.UTC(2026, 0, 1, 23, 0, 0)
    const l = { perMinute: 0, perDay: 2 }
    expect((await budget.take('b', '+595 981 1', l, t0)).ok).toBe(true)
    expect((await budget.take('b', '5959812@s.whatsapp.net', l, t0)).ok).toBe(true)
    expect((await budget.take('b', '5959811@s.whatsapp.net', l, t0)).ok).toBe(true) // same as +595 981 1
    const refused = await budget.take('b', '5959813', l, t0)
    expect(refused).toMatchObject({ ok: false, retryAfterSeconds: 3600 })
    expect((await budget.take('b', '5959813', l, t0 + 3600_000)).ok).toBe(true)
  })

  it('a refused send counts nothing; no limits = no Redis call', async () => {
    const t0 = Date.UTC(2026, 0, 1, 12, 0, 1)
    expect((await budget.take('c', '1', { perMinute: 1, perDay: 1 }, t0)).ok).toBe(true)
    expect((await budget.take('c', '2', { perMinute: 1, perDay: 1 }, t0)).ok).toBe(false) // minute spent: '2' not added to the day
    expect((await budget.take('c', '2', { perMinute: 1, perDay: 1 }, t0 + 60_000)).ok).toBe(false) // day: '1' only; '2' is new
    expect((await budget.take('c', '1', { perMinute: 1, perDay: 1 }, t0 + 60_000)).ok).toBe(true)
    const off = new SendBudget(null as unknown as Redis, pino({ level: 'silent' }), prefix)
    expect(await off.take('c', '3', { perMinute: 0, perDay: 0 })).toEqual({ ok: true })
  })
})
