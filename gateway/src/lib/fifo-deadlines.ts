/**
 * @module lib/fifo-deadlines
 * Many deadlines of the same length on ONE timer. Entries expire in the order they were added (same
 * length, so insertion order is expiry order): `add` and `remove` are a Set insert and delete, and the
 * single timer only ever looks at the oldest entries.
 *
 * Why: the upstream hop's whole-request deadline for sends and the breaker's slow-call detection need a
 * deadline per in-flight request; a timer per request was a measurable share of a send's CPU (issue 16),
 * so they share one timer each instead.
 */
export type Expire = () => void

type Entry = { at: number; expire: Expire }

export class FifoDeadlines {
  private readonly entries = new Set<Entry>()
  private timer: NodeJS.Timeout | undefined

  /** `ms` is every entry's lifetime; `ms <= 0` disables the queue (add returns a no-op handle). */
  constructor(private readonly ms: number) {}

  get enabled(): boolean {
    return this.ms > 0
  }

  /** Number of entries still waiting (expired ones are gone). */
  get size(): number {
    return this.entries.size
  }

  /** Calls `expire` once after `ms`, unless the returned handle is passed to `remove` first. */
  add(expire: Expire): object {
    if (this.ms <= 0) return NOOP
    const e: Entry = { at: Date.now() + this.ms, expire }
    this.entries.add(e)
    if (this.timer === undefined) this.arm(e.at)
    return e
  }

  remove(handle: object): void {
    this.entries.delete(handle as Entry)
  }

  /** Expires every entry whose time has come, then re-arms for the oldest one left. */
  private readonly tick = (): void => {
    this.timer = undefined
    const now = Date.now()
    for (const e of this.entries) {
      if (e.at > now) return this.arm(e.at)
      this.entries.delete(e)
      try {
        e.expire()
      } catch {
        // An expiry handler must not stop the others; they only ever destroy a request or count.
      }
    }
  }

  private arm(at: number): void {
    this.timer = setTimeout(this.tick, Math.max(0, at - Date.now()))
    this.timer.unref()
  }

  /** Stops the timer; pending entries never expire. */
  close(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    this.entries.clear()
  }
}

const NOOP = {}
