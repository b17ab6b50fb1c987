/**
 * @module upstream/services/retention
 * MESSAGE_RETENTION_DAYS: deletes chat-store messages whose WhatsApp time is older than the retention
 * (their status history goes with them) and status history rows written before it. Started by
 * startDeps, stopped by closeDeps; off when the setting is 0. It first runs a minute after start (not
 * during boot, when sessions resume), then hourly, in batches so no statement locks much of a table.
 * Several replicas may run it at once: a delete is harmless to repeat.
 */
import type { Logger } from 'pino'
import type { Tx } from '../db/instances.js'
import { deleteMessagesBefore, deleteMessageUpdatesBefore } from '../db/retention.js'

export type RetentionOptions = { days: number; firstRunMs?: number; intervalMs?: number; batch?: number }

const DAY_SECONDS = 86_400

export class RetentionJob {
  private timer: NodeJS.Timeout | null = null
  private run: Promise<unknown> | null = null
  private started = false
  /** Set by stop(): a run in progress ends after its current batch. */
  private closing = false
  private readonly firstRunMs: number
  private readonly intervalMs: number
  private readonly batch: number

  constructor(
    private readonly sql: Tx,
    private readonly opts: RetentionOptions,
    private readonly log: Logger,
  ) {
    this.firstRunMs = opts.firstRunMs ?? 60_000
    this.intervalMs = opts.intervalMs ?? 3_600_000
    this.batch = opts.batch ?? 5000
  }

  /** True while the timer is armed (retention on and not stopped). */
  get active(): boolean {
    return this.started && !this.closing
  }

  start(): void {
    if (this.opts.days <= 0 || this.started) return
    this.started = true
    this.schedule(this.firstRunMs)
  }

  /** Disarms the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    this.closing = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    await this.run
  }

  /** One pass; `now` is injectable for tests. Returns how many messages and status rows were deleted. */
  async runOnce(now = new Date()): Promise<{ messages: number; updates: number }> {
    if (this.opts.days <= 0) return { messages: 0, updates: 0 }
    const cutoffSeconds = Math.floor(now.getTime() / 1000) - this.opts.days * DAY_SECONDS
    const messages = await this.drain(() => deleteMessagesBefore(this.sql, cutoffSeconds, this.batch))
    const updates = await this.drain(() => deleteMessageUpdatesBefore(this.sql, new Date(cutoffSeconds * 1000), this.batch))
    if (messages || updates) this.log.info({ messages, updates, days: this.opts.days }, 'retention: old messages deleted')
    return { messages, updates }
  }

  /** Repeats a batch delete until a batch comes back short; the total deleted. */
  private async drain(deleteBatch: () => Promise<number>): Promise<number> {
    let total = 0
    let n: number
    do {
      n = await deleteBatch()
      total += n
    } while (n === this.batch && !this.closing)
    return total
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      this.timer = null
      this.run = this.runOnce()
        .catch((err: Error) => this.log.error({ err }, 'retention run failed'))
        .finally(() => {
          this.run = null
          if (!this.closing) this.schedule(this.intervalMs)
        })
    }, ms)
    this.timer.unref()
  }
}
