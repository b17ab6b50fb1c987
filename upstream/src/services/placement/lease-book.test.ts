import { describe, expect, it } from 'vitest'
import { LeaseBook, LeaseLostError } from './lease-book.js'

describe('LeaseBook (fencing on the local clock)', () => {
  it('a lease is trusted until t0 + TTL - margin, measured from before the statement started', () => {
    let t = 1000
    const book = new LeaseBook(10_000, () => t)
    book.grant('i1', 3n, 1000)
    expect(book.marginMs).toBe(2000)
    t = 8999
    expect(book.assertHeld('i1')).toEqual({ instanceId: 'i1', generation: 3n })
    t = 9000
    expect(book.holds('i1')).toBe(false)
    expect(() => book.assertHeld('i1')).toThrow(LeaseLostError)
    expect(book.lapsed()).toEqual(['i1'])
  })

  it('a renewal moves the deadline forward, never back', () => {
    let t = 0
    const book = new LeaseBook(6000, () => t)
    book.grant('i1', 1n, 0)
    book.renewed('i1', 3000)
    t = 7000
    expect(book.holds('i1')).toBe(true)
    book.renewed('i1', 100)
    expect(book.holds('i1')).toBe(true)
    t = 7800
    expect(book.holds('i1')).toBe(false)
  })

  it('a lease lost mid-send cannot send: once the deadline passed (no renewal), assertHeld refuses', () => {
    let t = 0
    const book = new LeaseBook(5000, () => t)
    book.grant('i1', 7n, 0)
    // The send starts with the lease held...
    expect(() => book.assertHeld('i1')).not.toThrow()
    // ...its media download takes long, renewals fail meanwhile (PostgreSQL unreachable)...
    t = 4000
    // ...so at the moment of sending the lease is no longer trusted, before PostgreSQL's expiry (t >= 5000)
    // would let another replica acquire it.
    expect(() => book.assertHeld('i1')).toThrow(LeaseLostError)
  })
})
