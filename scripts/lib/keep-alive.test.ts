/** @module scripts/lib/keep-alive tests: restart after an exit, backoff in a crash loop, failed restarts, stop. */
import { describe, expect, it } from 'vitest'
import { keepAlive } from './keep-alive.js'

/** A fake service whose process "exits" when the test says so; time moves only through sleep(). */
function harness(opts: { failRestarts?: number } = {}) {
  let clock = 0
  let exit!: (code: number) => void
  let exited = new Promise<number>((r) => (exit = r))
  let stopped = false
  let failures = opts.failRestarts ?? 0
  const waits: number[] = []
  const said: string[] = []
  let restarts = 0
  let onRestart: (() => void) | null = null
  const keeping = keepAlive({
    name: 'gateway',
    exited: () => exited,
    restart: async () => {
      restarts++
      if (failures-- > 0) throw new Error('gateway :1 exited with code 1 before it was ready.\nlast lines')
      exited = new Promise<number>((r) => (exit = r))
      onRestart?.()
    },
    stopped: () => stopped,
    say: (m) => said.push(m),
    sleep: async (ms) => {
      waits.push(ms)
      clock += ms
    },
    now: () => clock,
  })
  const restarted = () => new Promise<void>((r) => (onRestart = r))
  return {
    keeping, waits, said,
    restarts: () => restarts,
    restarted,
    crash: (code: number, livedMs = 100) => { clock += livedMs; exit(code) },
    stop: () => { stopped = true },
  }
}

describe('keepAlive', () => {
  it('restarts a crashed service at once, then backs off while it keeps crashing young', async () => {
    const h = harness()
    for (let i = 0; i < 4; i++) {
      const back = h.restarted()
      h.crash(1)
      await back
    }
    await new Promise((r) => setImmediate(r))
    expect(h.waits).toEqual([0, 250, 500, 1000])
    expect(h.said[0]).toBe('gateway exited unexpectedly (code 1); restarting')
    expect(h.said).toContain('gateway exited unexpectedly (code 1); restarting in 250 ms')
    expect(h.said.filter((m) => m === 'gateway restarted')).toHaveLength(4)
    // A long healthy run resets the backoff.
    const back = h.restarted()
    h.crash(137, 60_000)
    await back
    expect(h.waits.at(-1)).toBe(0)
    h.stop()
  })

  it('keeps trying, with backoff, when a restart does not become ready', async () => {
    const h = harness({ failRestarts: 2 })
    const back = h.restarted()
    h.crash(1)
    await back
    expect(h.restarts()).toBe(3)
    expect(h.waits).toEqual([0, 250, 500])
    expect(h.said[1]).toBe('gateway did not come back (gateway :1 exited with code 1 before it was ready.); restarting in 250 ms')
    h.stop()
  })

  it('ends without restarting when the launcher is stopping', async () => {
    const h = harness()
    h.stop()
    h.crash(143)
    await h.keeping
    expect(h.restarts()).toBe(0)
    expect(h.said).toEqual([])
  })
})
