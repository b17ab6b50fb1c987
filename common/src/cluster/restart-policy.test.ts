/** @module common/cluster/restart-policy tests: no wait after a stable run, doubling waits in a crash loop, capped. */
import { describe, expect, it } from 'vitest'
import { DEFAULT_RESTART_RULE, RestartPolicy } from './restart-policy.js'

describe('RestartPolicy', () => {
  it('restarts a one-off crash at once, then backs off while the process keeps dying young', () => {
    const p = new RestartPolicy()
    const waits = Array.from({ length: 8 }, () => p.next(100))
    expect(waits).toEqual([0, 250, 500, 1000, 2000, 4000, 5000, 5000])
    expect(p.consecutive).toBe(8)
  })

  it('forgets the crash loop once a process lived stableMs', () => {
    const p = new RestartPolicy()
    p.next(10)
    p.next(10)
    expect(p.next(10)).toBe(500)
    expect(p.next(DEFAULT_RESTART_RULE.stableMs)).toBe(0)
    expect(p.consecutive).toBe(1)
    expect(p.next(10)).toBe(250)
  })

  it('follows a custom rule', () => {
    const p = new RestartPolicy({ backoff: { initialDelayMs: 10, maxDelayMs: 30 }, stableMs: 1000 })
    expect([p.next(0), p.next(0), p.next(0), p.next(0)]).toEqual([0, 10, 20, 30])
  })
})
