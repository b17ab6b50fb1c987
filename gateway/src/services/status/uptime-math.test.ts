import { describe, expect, it } from 'vitest'
import { dailyBuckets, uptimePct } from './uptime-math.js'

describe('uptimePct', () => {
  it('floors to 2 decimals and never rounds up to 100', () => {
    expect(uptimePct(99999, 100000)).toBe(99.99)
    expect(uptimePct(2, 3)).toBe(66.66)
    expect(uptimePct(5, 5)).toBe(100)
    expect(uptimePct(0, 4)).toBe(0)
  })
  it('is null without data', () => {
    expect(uptimePct(0, 0)).toBeNull()
  })
})

describe('dailyBuckets', () => {
  const today = new Date('2025-03-02T15:00:00Z')
  it('returns N consecutive days ending today, oldest first, null where empty', () => {
    const b = dailyBuckets([{ day: '2025-03-01', ok: 287, total: 288 }, { day: '2025-03-02', ok: 10, total: 10 }], today, 90)
    expect(b).toHaveLength(90)
    expect(b[89]).toEqual({ day: '2025-03-02', pct: 100 })
    expect(b[88]).toEqual({ day: '2025-03-01', pct: 99.65 })
    expect(b[87]).toEqual({ day: '2025-02-28', pct: null })
    expect(b[0]!.day).toBe('2024-12-03')
  })
  it('ignores rows outside the window', () => {
    const b = dailyBuckets([{ day: '2020-01-01', ok: 1, total: 1 }], today, 3)
    expect(b.map((x) => x.pct)).toEqual([null, null, null])
    expect(b.map((x) => x.day)).toEqual(['2025-02-28', '2025-03-01', '2025-03-02'])
  })
})
