/** @module services/scheduled/pacing tests: per-driver rules on a fake clock (no real waiting). */
import { describe, expect, it } from 'vitest'
import { CLOUD_API, SendPacer, type Clock } from './pacing.js'

const BAILEYS = 'WHATSAPP-BAILEYS'

/** A clock whose sleep advances time at once and remembers every wait. */
function fakeClock(start = 1_000_000): Clock & { t: number; slept: number[] } {
  const c = {
    t: start,
    slept: [] as number[],
    now: () => c.t,
    sleep: async (ms: number) => {
      c.slept.push(ms)
      c.t += ms
    },
  }
  return c
}

const cfg = { instanceGapMs: 1000, cloudMaxPerSecond: 3, cloudRecipientGapMs: 6000 }

describe('SendPacer, Baileys', () => {
  it('waits the configured gap after the end of the previous send on the instance', async () => {
    const clock = fakeClock()
    const p = new SendPacer(cfg, clock)
    expect(p.waitMs('a', BAILEYS, '1')).toBe(0)
    p.started('a', '1')
    clock.t += 300 // the send took 300 ms
    p.finished('a')
    expect(p.waitMs('a', BAILEYS, '2')).toBe(1000)
    clock.t += 400
    expect(p.waitMs('a', BAILEYS, '2')).toBe(600)
    expect(p.waitMs('b', BAILEYS, '2')).toBe(0) // other instances are independent
    expect(await p.wait('a', BAILEYS, '2')).toBe(true)
    expect(clock.t).toBe(1_000_000 + 300 + 1000)
  })

  it('has no per-second or per-recipient limit', () => {
    const clock = fakeClock()
    const p = new SendPacer({ ...cfg, instanceGapMs: 0 }, clock)
    for (let i = 0; i < 10; i++) {
      expect(p.waitMs('a', BAILEYS, '595981000001')).toBe(0)
      p.started('a', '595981000001')
      p.finished('a')
    }
  })
})

describe('SendPacer, Cloud API', () => {
  it('lets at most cloudMaxPerSecond starts into any 1 s window', async () => {
    const clock = fakeClock()
    const p = new SendPacer(cfg, clock)
    const starts: number[] = []
    for (let i = 0; i < 10; i++) {
      await p.wait('c', CLOUD_API, `59598100000${i}`)
      starts.push(clock.t)
      p.started('c', `59598100000${i}`)
      clock.t += 10
      p.finished('c')
    }
    for (let i = 0; i < starts.length; i++) {
      expect(starts.filter((s) => s >= starts[i]! && s < starts[i]! + 1000).length).toBeLessThanOrEqual(3)
    }
    // 3 per second: the 4th start comes 1 s after the 1st, the 7th 1 s after the 4th.
    expect(starts[3]! - starts[0]!).toBe(1000)
    expect(starts[6]! - starts[3]!).toBe(1000)
    // the Baileys gap does not apply to Cloud instances
    expect(starts[1]! - starts[0]!).toBe(10)
  })

  it('keeps cloudRecipientGapMs between two sends to the same recipient, whatever its spelling', async () => {
    const clock = fakeClock()
    const p = new SendPacer(cfg, clock)
    p.started('c', '595981000001')
    p.finished('c')
    clock.t += 1000
    expect(p.waitMs('c', CLOUD_API, '+595 981 000001')).toBe(5000)
    expect(p.waitMs('c', CLOUD_API, '595981000001@s.whatsapp.net')).toBe(5000)
    expect(p.waitMs('c', CLOUD_API, '595981000002')).toBe(0)
    expect(p.waitMs('other', CLOUD_API, '595981000001')).toBe(0)
    expect(await p.wait('c', CLOUD_API, '595981000001')).toBe(true)
    expect(clock.t - 1_000_000).toBe(6000)
    // sleeps are sliced so a stop request is noticed within a second
    expect(Math.max(...clock.slept)).toBeLessThanOrEqual(1000)
  })

  it('returns false without waiting further once asked to stop', async () => {
    const clock = fakeClock()
    const p = new SendPacer(cfg, clock)
    p.started('c', '595981000001')
    let calls = 0
    expect(await p.wait('c', CLOUD_API, '595981000001', () => ++calls > 2)).toBe(false)
    expect(clock.t - 1_000_000).toBe(2000)
  })

  it('forgets idle instances and recipients so memory stays bounded', () => {
    const clock = fakeClock()
    const p = new SendPacer(cfg, clock)
    for (let i = 0; i < 1000; i++) p.started(`i${i}`, '1')
    clock.t += 7000
    p.started('fresh', '1')
    expect(p.size()).toBe(1)
  })
})

describe('SendPacer, send budget', () => {
  it('once the local pacing says go, waits for the instance budget (and passes the stop signal)', async () => {
    const clock = fakeClock()
    const asked: string[] = []
    let allow = false
    const p = new SendPacer(cfg, clock, async (instance, to, stop) => {
      asked.push(`${instance}:${to}`)
      return allow && !stop()
    })
    expect(await p.wait('a', BAILEYS, '1')).toBe(false)
    allow = true
    expect(await p.wait('a', BAILEYS, '2')).toBe(true)
    expect(await p.wait('a', BAILEYS, '3', () => true)).toBe(false) // stopped: the budget is not even asked
    expect(asked).toEqual(['a:1', 'a:2'])
  })
})
