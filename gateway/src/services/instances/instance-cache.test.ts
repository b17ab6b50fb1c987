/**
 * The cache's answer while PostgreSQL is unreachable (issue 31): an expired entry is still served, an
 * invalidated one never is, and other errors are not hidden. The database is a stand-in tagged template
 * here because the rule is about how the cache treats the query's outcome; the query itself is covered by
 * the access tests against the real database.
 */
import { describe, expect, it } from 'vitest'
import type { Db } from '../../db/client.js'
import { InstanceCache } from './instance-cache.js'

type Mode = 'ok' | 'down' | 'broken'

function fakeDb() {
  const state: { mode: Mode; calls: number } = { mode: 'ok', calls: 0 }
  const db = (() => {
    state.calls += 1
    if (state.mode === 'down') return Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))
    if (state.mode === 'broken') return Promise.reject(Object.assign(new Error('syntax'), { code: '42601' }))
    return Promise.resolve([{ user_id: 7, channel_type: 'baileys', grantees: [9] }])
  }) as unknown as Db
  return { db, state }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('InstanceCache while the database is unavailable', () => {
  it('answers an expired entry instead of failing', async () => {
    const { db, state } = fakeDb()
    const cache = new InstanceCache(db, { ttlMs: 20 })
    expect((await cache.get('a'))?.owner).toBe(7)
    await sleep(30)
    state.mode = 'down'
    const entry = await cache.get('a')
    expect(entry?.owner).toBe(7)
    expect([...(entry?.grantees ?? [])]).toEqual([9])
    expect(state.calls).toBe(2) // it did try the database first
  })

  it('never serves an invalidated entry, and fails when nothing was cached', async () => {
    const { db, state } = fakeDb()
    const cache = new InstanceCache(db, { ttlMs: 20 })
    await cache.get('a')
    cache.invalidate('a')
    state.mode = 'down'
    await expect(cache.get('a')).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    await expect(cache.get('b')).rejects.toMatchObject({ code: 'ECONNREFUSED' })
  })

  it('does not hide errors that are not an outage', async () => {
    const { db, state } = fakeDb()
    const cache = new InstanceCache(db, { ttlMs: 20 })
    await cache.get('a')
    await sleep(30)
    state.mode = 'broken'
    await expect(cache.get('a')).rejects.toMatchObject({ code: '42601' })
  })
})
