/**
 * @module upstream/services/deferred-writes
 * What a send writes (its stored message and chat, its acks, the webhooks that follow those rows) must
 * not be lost, nor block the send, while PostgreSQL is unreachable: a write that fails because the
 * database is unavailable is kept here, in memory, in order, and written again (backoff 250 ms to 5 s)
 * until PostgreSQL answers. Later writes queue behind it so an ack never overtakes its message.
 *
 * Retried writes must be idempotent on the message key id (db/messages.ts: a send's insert is an upsert
 * on (instance, key id), an ack only moves a status forward), so a write whose commit was lost with its
 * connection is not doubled when it runs again.
 *
 * Bounded (`max`, 10,000 by default): a send claims its room (`reserve`) before it goes to WhatsApp and is
 * answered 503 when there is none, so nothing sent goes unrecorded; any other write (an ack) that finds
 * no room is dropped with a log line. A warning is logged when the queue passes 80 % of its bound.
 * Memory only: if the process dies with writes queued they are lost (docs/operations.md says what that
 * costs; the gateway's message log keeps its own row of every send).
 */
import type { Logger } from 'pino'
import { isDatabaseUnavailable } from '../../../common/src/db/pg-resilience.js'
import { databaseUnavailable } from '../lib/errors.js'

export type DeferredWritesOptions = {
  /** Most writes queued (and claimed by sends in flight) at once. */
  max?: number
  /** First and longest wait between attempts of the queue's head while PostgreSQL is unavailable. */
  minDelayMs?: number
  maxDelayMs?: number
}

/** Room claimed by a send before it leaves: used by its write, or given back. */
export type Slot = { release: () => void; used: boolean }

type Entry = { key: string; run: () => Promise<void>; slot: Slot | null }

export type DeferredStats = { queued: number; reserved: number; max: number; dropped: number; written: number }

const NEAR_FULL = 0.8

export class DeferredWrites {
  private readonly queue: Entry[] = []
  private reserved = 0
  private dropped = 0
  private written = 0
  private draining: Promise<void> | null = null
  private warned = false
  private stopped = false
  private timer: NodeJS.Timeout | null = null
  private wake: (() => void) | null = null
  private readonly max: number
  private readonly minDelayMs: number
  private readonly maxDelayMs: number

  constructor(
    private readonly log: Logger,
    opts: DeferredWritesOptions = {},
  ) {
    this.max = opts.max ?? 10_000
    this.minDelayMs = opts.minDelayMs ?? 250
    this.maxDelayMs = opts.maxDelayMs ?? 5000
  }

  stats(): DeferredStats {
    return { queued: this.queue.length, reserved: this.reserved, max: this.max, dropped: this.dropped, written: this.written }
  }

  /** Claims room for one send's write; a full queue is Evolution's 503 "Database unavailable", before anything is sent. */
  reserve(): Slot {
    if (this.queue.length + this.reserved >= this.max) {
      this.log.warn({ queued: this.queue.length, max: this.max }, 'deferred writes full: send refused')
      throw databaseUnavailable()
    }
    this.reserved += 1
    const slot: Slot = {
      used: false,
      release: () => {
        if (slot.used) return
        slot.used = true
        this.reserved -= 1
      },
    }
    return slot
  }

  /**
   * Runs `run` now, or queues it when PostgreSQL is unavailable (or earlier writes still wait, so order
   * holds). Resolves `written` or `deferred`; any other failure is the caller's. `key` names the write in
   * log lines (e.g. `send:<instance>:<key id>`).
   */
  async write(key: string, run: () => Promise<void>, slot: Slot | null = null): Promise<'written' | 'deferred'> {
    if (this.queue.length === 0) {
      try {
        await run()
        slot?.release()
        this.written += 1
        return 'written'
      } catch (err) {
        if (!isDatabaseUnavailable(err)) {
          slot?.release()
          throw err
        }
      }
    }
    this.enqueue({ key, run, slot })
    return 'deferred'
  }

  /** Resolves once every queued write has been written or dropped (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining
  }

  /** Resolves once the queue is empty or `ms` have passed (shutdown: a last chance to write what waits). */
  async settle(ms: number): Promise<void> {
    if (!this.draining) return
    let timer: NodeJS.Timeout | undefined
    // Try the head now rather than after the current backoff.
    this.wake?.()
    await Promise.race([this.idle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))])
    clearTimeout(timer)
  }

  /** Stops retrying; returns how many writes were still queued (they are lost, and logged). */
  close(): number {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.wake?.()
    const lost = this.queue.length
    if (lost > 0) this.log.error({ lost }, 'deferred writes lost at shutdown: PostgreSQL still unavailable')
    for (const e of this.queue.splice(0)) e.slot?.release()
    return lost
  }

  private enqueue(e: Entry): void {
    // A send's write has its room already; anything else needs free room.
    if (!e.slot && this.queue.length + this.reserved >= this.max) {
      this.dropped += 1
      this.log.error({ write: e.key, max: this.max }, 'deferred write dropped: queue full')
      return
    }
    if (e.slot && !e.slot.used) {
      // The claim moves from "reserved" to "queued": the total stays the same.
      e.slot.used = true
      this.reserved -= 1
    }
    this.queue.push(e)
    if (this.queue.length === 1) this.log.warn({ write: e.key }, 'PostgreSQL unavailable: writes deferred until it is back')
    if (!this.warned && this.queue.length >= this.max * NEAR_FULL) {
      this.warned = true
      this.log.warn({ queued: this.queue.length, max: this.max }, 'deferred writes near full')
    }
    this.draining ??= this.drain()
  }

  /** Writes the head until the queue is empty; waits (with backoff) while PostgreSQL is unavailable. */
  private async drain(): Promise<void> {
    try {
      await this.drainLoop()
    } finally {
      // In the same turn as the loop's last "empty" check: a write queued after it starts a new drain.
      this.draining = null
    }
  }

  private async drainLoop(): Promise<void> {
    let delay = this.minDelayMs
    while (this.queue.length > 0 && !this.stopped) {
      await this.sleep(delay)
      if (this.stopped) return
      const head = this.queue[0]!
      try {
        await head.run()
        this.written += 1
      } catch (err) {
        if (isDatabaseUnavailable(err)) {
          delay = Math.min(delay * 2, this.maxDelayMs)
          continue
        }
        // A write PostgreSQL refuses will be refused again: drop it rather than block the rest.
        this.dropped += 1
        this.log.error({ err, write: head.key }, 'deferred write failed: dropped')
      }
      this.queue.shift()
      delay = 0
      if (this.queue.length < this.max * NEAR_FULL / 2) this.warned = false
    }
    if (!this.stopped) this.log.info({ written: this.written }, 'deferred writes flushed')
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve()
    return new Promise((resolve) => {
      this.wake = resolve
      this.timer = setTimeout(resolve, ms)
      this.timer.unref()
    })
  }
}
