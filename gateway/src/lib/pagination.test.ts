/** @module lib/pagination tests: clamping (R2, docs/decisions.md#r2) and the envelope math. */
import { describe, expect, it } from 'vitest'
import { pageEnvelope, parsePage } from './pagination.js'

describe('parsePage', () => {
  it.each([
    [{}, { page: 1, limit: 50, offset: 0 }],
    [{ page: '3', limit: '10' }, { page: 3, limit: 10, offset: 20 }],
    [{ page: '0', limit: '0' }, { page: 1, limit: 1, offset: 0 }],
    [{ page: '-4', limit: '-1' }, { page: 1, limit: 1, offset: 0 }],
    [{ page: 'x', limit: 'y' }, { page: 1, limit: 50, offset: 0 }],
    [{ page: '2', limit: '1000' }, { page: 2, limit: 100, offset: 100 }],
    // Found by the generated bad-input suite: OFFSET 2e+21 was a PostgreSQL error (500).
    [{ page: '99999999999999999999', limit: '100' }, { page: 2_147_483_647, limit: 100, offset: 214_748_364_600 }],
  ])('%j -> %j', (q, want) => expect(parsePage(q)).toEqual(want))
  it('takes a route default limit', () => expect(parsePage({}, 20).limit).toBe(20))
})

describe('pageEnvelope', () => {
  it('pages = ceil(total / limit), 0 when empty', () => {
    expect(pageEnvelope('users', [], 0, parsePage({}))).toEqual({ users: [], total: 0, page: 1, limit: 50, pages: 0 })
    expect(pageEnvelope('logs', [1], 101, parsePage({ limit: '50' })).pages).toBe(3)
    expect(pageEnvelope('logs', [1], 100, parsePage({ limit: '50' })).pages).toBe(2)
  })
})
