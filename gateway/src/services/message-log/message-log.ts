/**
 * @module services/message-log
 * The message_logs writer (D13, docs/decisions.md#d13): every send's row is durable before the send's
 * answer is written, and reaches PostgreSQL in the background, exactly once, whatever dies meanwhile
 * (issue 31; docs/operations.md, "Message log durability").
 *
 *  - `add(row)` gives the row a `log_key` (a UUID: the table's unique key for it) and its send time, then
 *    appends it to the shared Redis list (./redis-buffer.ts) and resolves once Redis holds it: the send
 *    path awaits this before writing the answer, so a `kill -9` after the answer keeps the row. When
 *    Redis does not take it (down, refused, timed out), it is appended to this process's local journal
 *    (./journal.ts) instead: a synchronous write, durable against the process dying. Only when the disk
 *    refuses too does the row stay in memory (logged as at risk): the send already happened, so
 *    refusing its answer would not undo it.
 *  - A flusher (every `flushMs`, in every process, one at a time across all of them through a Redis
 *    lease) moves the list's head to PostgreSQL in batches and trims a batch only after its INSERT
 *    committed; journal files (this process's, and those of processes that died on this host) go back
 *    to Redis, or straight to PostgreSQL when Redis is still down. `on conflict do nothing` on the
 *    log_key makes every replay idempotent. While PostgreSQL is down, rows wait in the list, in order.
 *  - Bounded: MESSAGE_LOG_BUFFER_MAX rows pending (list + journal + memory). At 80 % an alert goes out
 *    (deps.alerts, kind service_down "message log buffer") and a warning is logged; when full, `full()`
 *    is true and the send path refuses new sends with 503 before they reach the upstream, so no
 *    answered send ever goes unlogged. `pending()` feeds the metric taguato_message_log_buffer_rows.
 */
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import * as v from 'valibot'
import type { Db } from '../../db/client.js'
import { insertLogBatch, type MessageLogRow } from '../../db/queries/message-log-writes.js'
import type { AlertEvent } from '../alerts/payload.js'
import { Journal, type ClaimedFile } from './journal.js'
import { RedisLogBuffer } from './redis-buffer.js'

export type { MessageLogRow }

export type MessageLogOptions = {
  /** The durable buffer; without it (and without a journal) rows wait in memory only (unit tests). */
  redis?: Redis | null
  /** Key prefix of the Redis list and lease (tests use a private one). */
  redisPrefix?: string
  /** Directory of the local append-only journal (used when Redis does not take a row); '' = none. */
  journalDir?: string
  /** Most rows pending before new sends are refused. */
  bufferMax?: number
  flushMs?: number
  maxBatch?: number
  /** The flusher lease: another process takes over a dead flusher's work after this long. */
  leaseMs?: number
  alerts?: { notify(e: AlertEvent): Promise<unknown> } | null
  /**
   * Longest wait for Redis to take a row before it is journaled instead (a stalled Redis must not hold
   * the send's answer). Should Redis take it later as well, the shared log_key keeps it to one row.
   */
  pushTimeoutMs?: number
  /** false = no background timer (tests call flush()). */
  autoFlush?: boolean
}

/** What a buffered row must look like to be inserted (it comes back from Redis or a file). */
const BufferedRow = v.object({
  user_id: v.pipe(v.number(), v.integer()),
  instance_name: v.string(),
  phone_number: v.string(),
  message_type: v.string(),
  // Absent in rows buffered before issue 28.
  message_text: v.optional(v.nullable(v.string())),
  status: v.picklist(['sent', 'failed', 'cancelled']),
  error_message: v.nullable(v.string()),
  wa_message_id: v.nullable(v.string()),
  scheduled_message_id: v.optional(v.nullable(v.number())),
  log_key: v.string(),
  created_at: v.string(),
})

const NEAR_FULL = 0.8

/** The promise, or a rejection after `ms`. */
function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), Math.max(0, ms))
  })
  return Promise.race([p, late]).finally(() => clearTimeout(timer))
}

/** SQLSTATE classes 22 (data exception) and 23 (integrity constraint): the row, not the connection. */
const rejectsData = (err: unknown): boolean => /^2[23]/.test(String((err as { code?: unknown }).code ?? ''))

/**
 * The buffer's Redis key prefix: one list per database (host, port and name of DATABASE_URL, never its
 * credentials), so gateways of different databases sharing a Redis never flush each other's rows.
 */
export function messageLogPrefix(databaseUrl: string): string {
  const u = new URL(databaseUrl)
  return `taguato:message-log:${u.hostname}:${u.port || '5432'}${u.pathname}`
}

/** The journal's directory for this database under MESSAGE_LOG_JOURNAL_DIR (same reason as the prefix). */
export function messageLogJournalDir(base: string, databaseUrl: string): string {
  const u = new URL(databaseUrl)
  return join(base, `${u.hostname}_${u.port || '5432'}_${u.pathname.slice(1)}`.replace(/[^A-Za-z0-9_.-]/g, '_'))
}

export class MessageLogWriter {
  private memory: MessageLogRow[] = []
  private readonly buffer: RedisLogBuffer | null
  private readonly journal: Journal | null
  private readonly flushMs: number
  private readonly maxBatch: number
  private readonly bufferMax: number
  private timer: NodeJS.Timeout | undefined
  private running: Promise<void> | null = null
  /** The Redis list's length as last seen (a push's reply or the flusher's read). */
  private listLength = 0
  private ticks = 0
  private alerted = false
  private failing = false
  private drained = false

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly opts: MessageLogOptions = {},
  ) {
    this.flushMs = opts.flushMs ?? 200
    this.maxBatch = opts.maxBatch ?? 500
    this.bufferMax = opts.bufferMax ?? 100_000
    this.buffer = opts.redis ? new RedisLogBuffer(opts.redis, opts.redisPrefix ?? 'taguato:message-log', opts.leaseMs ?? 10_000) : null
    this.journal = opts.journalDir ? new Journal(opts.journalDir) : null
    if (opts.autoFlush !== false) {
      this.timer = setInterval(() => void this.tick(), this.flushMs)
      this.timer.unref()
    }
  }

  /**
   * Makes the row durable (Redis, else the local journal, else memory) and resolves when it is; never
   * rejects. The row is taken over: over-long values are cut to the columns' sizes.
   */
  async add(row: MessageLogRow): Promise<void> {
    if (row.instance_name.length > 255) row.instance_name = row.instance_name.slice(0, 255)
    if (row.phone_number.length > 128) row.phone_number = row.phone_number.slice(0, 128)
    if (row.message_type.length > 20) row.message_type = row.message_type.slice(0, 20)
    row.scheduled_message_id ??= null
    row.log_key ??= randomUUID()
    row.created_at ??= new Date().toISOString()
    const line = JSON.stringify(row)
    if (this.buffer?.ready) {
      try {
        this.noteLength(await within(this.buffer.push([line]), this.opts.pushTimeoutMs ?? 1000))
        return
      } catch (err) {
        this.log.warn({ err: (err as Error).message }, 'message log: redis did not take a row; journaling it')
      }
    }
    if (this.journal) {
      try {
        this.journal.append(line)
        this.checkNearFull()
        return
      } catch (err) {
        this.log.error({ err: (err as Error).message }, 'message log: journal append failed; row kept in memory only')
      }
    }
    this.memory.push(row)
    if (this.memory.length >= this.maxBatch) void this.tick()
  }

  /** True when the buffer holds MESSAGE_LOG_BUFFER_MAX rows: the send path refuses new sends (503). */
  full(): boolean {
    return this.pendingNow() >= this.bufferMax
  }

  /** Rows not yet in PostgreSQL (Redis list + this process's journal and memory), for the metric. */
  async pending(): Promise<number> {
    if (this.buffer?.ready) {
      try {
        this.listLength = await this.buffer.length()
      } catch {
        // the last known length stands
      }
    }
    return this.pendingNow()
  }

  /**
   * Moves everything pending to PostgreSQL now (waits for a run in progress, retries a busy lease), for
   * at most `maxMs`: a stalled dependency must not hold the caller (a request, shutdown) for long.
   */
  async flush(maxMs = 2000): Promise<void> {
    const end = Date.now() + maxMs
    while (Date.now() < end) {
      const ok = await within(this.tick(true), end - Date.now()).then(() => true, () => false)
      if (!ok) return
      // Drained = this run held the lease and emptied the list as it stood: every row added before is in.
      if (this.failing || (this.drained && this.memory.length === 0 && (this.journal?.rows ?? 0) === 0)) return
      await new Promise((r) => setTimeout(r, 20))
    }
  }

  /** Stops the background flusher (shutdown, tests). */
  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
  }

  private pendingNow(): number {
    return this.listLength + (this.journal?.rows ?? 0) + this.memory.length
  }

  private tick(everything = false): Promise<void> {
    this.running ??= this.run(everything).finally(() => (this.running = null))
    return this.running
  }

  private async run(everything: boolean): Promise<void> {
    try {
      // Other processes' journals (a worker that died on this host) are looked at on the first run and every ~5 s.
      const all = everything || this.ticks++ % 25 === 0
      if (this.journal && (all || this.journal.rows > 0)) await this.drainJournal(all)
      if (this.memory.length) await this.drainMemory()
      this.drained = this.buffer?.ready ? await this.drainRedis() : true
      if (this.failing) this.log.info('message log: PostgreSQL takes rows again; buffer flushed')
      this.failing = false
    } catch (err) {
      if (!this.failing) this.log.warn({ err: (err as Error).message, pending: this.pendingNow() }, 'message log: flush failed; rows kept in the buffer')
      this.failing = true
    }
    this.checkNearFull()
  }

  /** True when it held the lease and left the list empty as it stood (rows added meanwhile aside). */
  private async drainRedis(): Promise<boolean> {
    const buf = this.buffer!
    const token = randomUUID()
    if (!(await buf.lease(token))) {
      this.listLength = await buf.length()
      return false
    }
    try {
      for (;;) {
        const lines = await buf.head(this.maxBatch)
        if (lines.length === 0) {
          this.listLength = 0
          return true
        }
        await this.insert(this.parse(lines))
        const left = await buf.trim(token, lines.length)
        if (left < 0) return false
        this.listLength = left
        if (lines.length < this.maxBatch) return true
      }
    } finally {
      await buf.release(token).catch(() => undefined)
    }
  }

  private async drainJournal(all: boolean): Promise<void> {
    for (const file of this.journal!.claim(all)) await this.handOn(file)
  }

  /** A claimed journal file goes back to Redis (in one command), else straight to PostgreSQL. */
  private async handOn(file: ClaimedFile): Promise<void> {
    if (file.lines.length && this.buffer?.ready) {
      try {
        this.noteLength(await this.buffer.push(file.lines))
        this.journal!.done(file)
        return
      } catch {
        // Redis refused: PostgreSQL below.
      }
    }
    const rows = this.parse(file.lines)
    for (let i = 0; i < rows.length; i += this.maxBatch) await this.insert(rows.slice(i, i + this.maxBatch))
    this.journal!.done(file)
  }

  private async drainMemory(): Promise<void> {
    const rows = this.memory
    this.memory = []
    try {
      if (this.buffer?.ready) this.noteLength(await this.buffer.push(rows.map((r) => JSON.stringify(r))))
      else await this.insert(rows)
    } catch (err) {
      this.memory = rows.concat(this.memory)
      throw err
    }
  }

  /**
   * One batch INSERT. A row PostgreSQL can never take (its user was deleted meanwhile: a foreign key; a
   * value it refuses) must not hold the queue back forever: the batch is then inserted row by row and
   * such a row is logged in full and skipped. Connection errors propagate (the rows stay buffered).
   */
  private async insert(rows: MessageLogRow[]): Promise<void> {
    try {
      await insertLogBatch(this.db, rows)
    } catch (err) {
      if (!rejectsData(err)) throw err
      for (const row of rows) {
        try {
          await insertLogBatch(this.db, [row])
        } catch (e) {
          if (!rejectsData(e)) throw e
          this.log.error({ err: (e as Error).message, row }, 'message log: row refused by PostgreSQL; skipped')
        }
      }
    }
  }

  /** Buffered lines back into rows; a line that is not a row (a torn journal tail) is logged and skipped. */
  private parse(lines: string[]): MessageLogRow[] {
    const rows: MessageLogRow[] = []
    for (const line of lines) {
      let value: unknown
      try {
        value = JSON.parse(line)
      } catch {
        value = undefined
      }
      const r = v.safeParse(BufferedRow, value)
      if (r.success) rows.push(r.output)
      else this.log.error({ line: line.slice(0, 200) }, 'message log: unreadable buffered row skipped')
    }
    return rows
  }

  private noteLength(n: number): void {
    this.listLength = n
    this.checkNearFull()
  }

  private checkNearFull(): void {
    const n = this.pendingNow()
    if (n >= this.bufferMax * NEAR_FULL) {
      if (this.alerted) return
      this.alerted = true
      const details = `${n} of ${this.bufferMax} message-log rows wait for PostgreSQL; sends are refused when it is full`
      this.log.warn({ pending: n, max: this.bufferMax }, 'message log buffer near full')
      void this.opts.alerts?.notify({ kind: 'service_down', service: 'message log buffer', details }).catch(() => undefined)
    } else if (n < this.bufferMax * NEAR_FULL * 0.5) this.alerted = false
  }
}
