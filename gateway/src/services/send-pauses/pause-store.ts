/**
 * @module services/send-pauses/pause-store
 * Which instances may not send because of a ban signal, answered from memory on the send path (the send
 * gate must not query PostgreSQL per send, D12 docs/decisions.md#d12). The set is reloaded from
 * `send_pauses` every `refreshMs` and at once when any replica publishes a change on Redis (the
 * pattern of services/instances/instance-cache); the interval only bounds staleness when a broadcast
 * is missed (Redis down). A pause taken in this process is visible here before the call returns.
 */
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import type { Db } from '../../db/client.js'
import { closePause, insertPause, openPauses, type PauseRow, type PauseSignal } from '../../db/queries/send-pauses.js'

const CHANNEL = 'taguato:send-pauses:changed'

export type Pause = { signal: PauseSignal; reason: string; code: number | null; since: string }

const toPause = (r: PauseRow): Pause => ({ signal: r.signal, reason: r.reason, code: r.code, since: new Date(r.paused_at).toISOString() })

export class PauseStore {
  private paused = new Map<string, Pause>()
  private timer: NodeJS.Timeout | undefined
  private subscriber: Redis | undefined
  private loading: Promise<void> | undefined
  /** Bumped by every local change: a load that started before it must not overwrite it. */
  private generation = 0

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly redis: Redis | null,
    private readonly refreshMs = 3000,
  ) {}

  /** Starts the periodic reload and the Redis subscription (idempotent). */
  start(): void {
    if (this.timer) return
    void this.reload()
    this.timer = setInterval(() => void this.reload(), this.refreshMs)
    this.timer.unref()
    if (this.redis) {
      const sub = this.redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null })
      this.subscriber = sub
      sub.on('error', () => undefined) // the main connection already logs Redis outages
      sub.on('message', () => void this.reload())
      sub.on('ready', () => {
        void this.reload()
        sub.subscribe(CHANNEL).catch((err: Error) => this.log.warn({ err: err.message }, 'send-pauses subscribe failed'))
      })
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    this.subscriber?.disconnect()
    this.subscriber = undefined
  }

  /** The instance's pause, or undefined: a Map read. */
  get(instance: string): Pause | undefined {
    return this.paused.get(instance)
  }

  /** Reloads the whole set (a few rows: only paused instances). A failed load keeps the last set. */
  reload(): Promise<void> {
    const gen = this.generation
    this.loading ??= openPauses(this.db)
      .then((rows) => {
        if (gen === this.generation) this.paused = new Map(rows.map((r) => [r.instance_name, toPause(r)]))
      })
      .catch((err: Error) => this.log.warn({ err: err.message }, 'send-pauses reload failed'))
      .finally(() => (this.loading = undefined))
    return this.loading
  }

  /** Pauses the instance; the new pause, or null when it was already paused. */
  async pause(instance: string, signal: PauseSignal, reason: string, code: number | null): Promise<Pause | null> {
    const row = await insertPause(this.db, { instance, signal, reason, code })
    if (!row) return null
    const p = toPause(row)
    this.generation++
    this.paused.set(instance, p)
    this.broadcast()
    return p
  }

  /** Resumes sending; the pause it ended, or null when there was none. */
  async resume(instance: string, userId: number | null): Promise<Pause | null> {
    const row = await closePause(this.db, instance, userId)
    this.generation++
    this.paused.delete(instance)
    this.broadcast()
    return row ? toPause(row) : null
  }

  private broadcast(): void {
    this.redis?.publish(CHANNEL, '*').catch(() => undefined)
  }
}
