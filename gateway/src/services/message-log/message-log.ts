/**
 * @module services/message-log
 * The buffered message_logs writer (D13, docs/decisions.md#d13): sends are logged without a Postgres round trip on the
 * request path. Rows are batched (every `flushMs` or `maxBatch` rows) into one multi-row INSERT; a failed
 * batch is retried once, then logged with its size (never silently dropped); shutdown flushes through
 * deps.shutdownHooks. `on conflict do nothing` keeps a scheduled-message duplicate from failing a batch.
 */
import type { Logger } from 'pino'
import type { Db } from '../../db/client.js'
import { insertLogBatch, type MessageLogRow } from '../../db/queries/message-log-writes.js'

export type { MessageLogRow }

export type MessageLogOptions = { flushMs?: number; maxBatch?: number; retryDelayMs?: number }

export class MessageLogWriter {
  private buffer: MessageLogRow[] = []
  private timer: NodeJS.Timeout | undefined
  private inflight = new Set<Promise<void>>()
  private readonly flushMs: number
  private readonly maxBatch: number
  private readonly retryDelayMs: number

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    opts: MessageLogOptions = {},
  ) {
    this.flushMs = opts.flushMs ?? 200
    this.maxBatch = opts.maxBatch ?? 100
    this.retryDelayMs = opts.retryDelayMs ?? 500
  }

  /** Queues a row (now owned by the writer); it reaches the table within `flushMs` (or at once when the batch is full). */
  add(row: MessageLogRow): void {
    // The caller's row is taken over (not copied): only over-long values are cut to the columns' sizes.
    if (row.instance_name.length > 255) row.instance_name = row.instance_name.slice(0, 255)
    if (row.phone_number.length > 128) row.phone_number = row.phone_number.slice(0, 128)
    if (row.message_type.length > 20) row.message_type = row.message_type.slice(0, 20)
    row.scheduled_message_id ??= null
    this.buffer.push(row)
    if (this.buffer.length >= this.maxBatch) this.flushNow()
    else this.timer ??= setTimeout(() => this.flushNow(), this.flushMs)
  }

  /** Writes everything queued so far and waits for every batch in flight. */
  async flush(): Promise<void> {
    this.flushNow()
    while (this.inflight.size) await Promise.all([...this.inflight])
  }

  /** Rows waiting in memory (for /health/detailed and tests). */
  pending(): number {
    return this.buffer.length
  }

  private flushNow(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    if (this.buffer.length === 0) return
    const rows = this.buffer
    this.buffer = []
    const p = this.write(rows).finally(() => this.inflight.delete(p))
    this.inflight.add(p)
  }

  private async write(rows: MessageLogRow[]): Promise<void> {
    for (let attempt = 1; attempt <= 2; attempt++) {
      try {
        await this.insert(rows)
        return
      } catch (err) {
        if (attempt === 2) {
          // The rows go into the log line itself so an operator can replay them.
          this.log.error({ err: (err as Error).message, rows: rows.length, lost: rows }, 'message log batch lost after retry')
          return
        }
        this.log.warn({ err: (err as Error).message, rows: rows.length }, 'message log batch failed; retrying')
        await new Promise((r) => setTimeout(r, this.retryDelayMs))
      }
    }
  }

  /** The batch as one statement (db/queries/message-log-writes explains its shape). */
  private insert(rows: MessageLogRow[]): Promise<unknown> {
    return insertLogBatch(this.db, rows)
  }
}
