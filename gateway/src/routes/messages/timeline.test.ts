/** @module routes/messages/timeline tests: the status timeline History's detail shows. */
import { describe, expect, it } from 'vitest'
import { timelineOf } from './timeline.js'

const t0 = new Date('2026-01-01T10:00:00Z')
const at = (s: number) => new Date(t0.getTime() + s * 1000)
const base = { status: 'sent', error_message: null, created_at: t0, sent_at: null, delivered_at: null, read_at: null, failed_at: null }

describe('timelineOf', () => {
  it('lists queued, sent, delivered and read with their times', () => {
    const out = timelineOf({ ...base, status: 'read', sent_at: at(1), delivered_at: at(5), read_at: at(9) })
    expect(out.map((e) => [e.status, e.at])).toEqual([['queued', t0], ['sent', at(1)], ['delivered', at(5)], ['read', at(9)]])
  })
  it('gives a failure its reason', () => {
    const out = timelineOf({ ...base, status: 'failed', failed_at: at(2), error_message: 'not on WhatsApp' })
    expect(out.at(-1)).toEqual({ status: 'failed', at: at(2), reason: 'not on WhatsApp' })
    expect(out.map((e) => e.status)).toEqual(['queued', 'failed'])
  })
  it('shows an older row (no per-status times) at its creation time', () => {
    expect(timelineOf({ ...base, status: 'delivered', delivered_at: at(3) }).map((e) => [e.status, e.at])).toEqual([['queued', t0], ['sent', t0], ['delivered', at(3)]])
  })
  it('keeps a send still in flight at queued', () => {
    expect(timelineOf({ ...base, status: 'sending' }).map((e) => e.status)).toEqual(['queued'])
  })
})
