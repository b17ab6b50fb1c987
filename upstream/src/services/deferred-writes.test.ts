/**
 * @module upstream/services/deferred-writes tests: writes that meet an unavailable database are kept in
 * order and written once it answers; the bound refuses a send (503) before it leaves and drops other
 * writes with a log line; a write PostgreSQL refuses for another reason is the caller's error.
 */
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { DatabaseUnavailableError } from '../../../common/src/db/pg-resilience.js'
import { EvoError } from '../lib/errors.js'
import { DeferredWrites } from './deferred-writes.js'

const silent = pino({ level: 'silent' })

/** A fake database: down until `up = true`; records what was written. */
function fakeDb() {
  const db = { up: false, written: [] as string[] }
  const write = (what: string) => async () => {
    if (!db.up) throw new DatabaseUnavailableError(1)
    db.written.push(what)
  }
  return { db, write }
}

describe('DeferredWrites', () => {
  it('writes at once while the database is up', async () => {
    const { db, write } = fakeDb()
    db.up = true
    const q = new DeferredWrites(silent)
    expect(await q.write('a', write('a'))).toBe('written')
    expect(db.written).toEqual(['a'])
    expect(q.stats()).toMatchObject({ queued: 0, reserved: 0, written: 1 })
  })

  it('keeps writes in order while it is down and writes each once when it is back', async () => {
    const { db, write } = fakeDb()
    const q = new DeferredWrites(silent, { minDelayMs: 5, maxDelayMs: 20 })
    for (const w of ['a', 'b', 'c']) expect(await q.write(w, write(w), q.reserve())).toBe('deferred')
    // A later write queues behind them even if it could run: order holds.
    expect(await q.write('d', async () => void db.written.push('d'))).toBe('deferred')
    await new Promise((r) => setTimeout(r, 60))
    expect(db.written).toEqual([])
    db.up = true
    await q.idle()
    expect(db.written).toEqual(['a', 'b', 'c', 'd'])
    expect(q.stats()).toMatchObject({ queued: 0, reserved: 0, dropped: 0 })
  })

  it('is bounded: a send finds no room (503 before it leaves), another write is dropped', async () => {
    const { write } = fakeDb()
    const q = new DeferredWrites(silent, { max: 3, minDelayMs: 1000 })
    await q.write('a', write('a'), q.reserve())
    await q.write('b', write('b'), q.reserve())
    const held = q.reserve() // a send in flight holds the last room
    let refused: unknown
    try {
      q.reserve()
    } catch (err) {
      refused = err
    }
    expect(refused).toBeInstanceOf(EvoError)
    expect((refused as EvoError).toJSON()).toEqual({ status: 503, error: 'Service Unavailable', response: { message: ['Database unavailable'] } })
    expect(await q.write('ack', write('ack'))).toBe('deferred')
    expect(q.stats()).toMatchObject({ queued: 2, reserved: 1, dropped: 1 })
    // The send that failed gives its room back.
    held.release()
    held.release()
    expect(q.stats().reserved).toBe(0)
    expect(() => q.reserve().release()).not.toThrow()
    expect(q.close()).toBe(2)
  })

  it('at shutdown waits a bounded time for what is queued, then reports what is lost', async () => {
    const { db, write } = fakeDb()
    const q = new DeferredWrites(silent, { minDelayMs: 5000, maxDelayMs: 5000 })
    await q.write('a', write('a'), q.reserve())
    const t = performance.now()
    await q.settle(50)
    expect(performance.now() - t).toBeLessThan(1000)
    expect(q.close()).toBe(1)
    expect(db.written).toEqual([])
    // Back up before the deadline: written at once, not after the 5 s backoff.
    const r = new DeferredWrites(silent, { minDelayMs: 5000, maxDelayMs: 5000 })
    await r.write('b', write('b'), r.reserve())
    db.up = true
    await r.settle(2000)
    expect(db.written).toEqual(['b'])
    expect(r.close()).toBe(0)
  })

  it('passes any other failure to the caller and gives the room back', async () => {
    const q = new DeferredWrites(silent)
    const slot = q.reserve()
    await expect(q.write('bad', async () => Promise.reject(new Error('syntax error')), slot)).rejects.toThrow('syntax error')
    expect(q.stats()).toMatchObject({ queued: 0, reserved: 0 })
  })
})
