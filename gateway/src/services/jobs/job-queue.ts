/**
 * @module services/jobs/job-queue
 * The gateway's durable job queue: pg-boss on the PostgreSQL we already run (schema `pgboss`), for work
 * that must survive a gateway restart and run once across replicas: queued sends and webhook deliveries.
 * Why pg-boss rather than our own claim-and-lease tables: it already does leases (an active job whose
 * worker died expires and runs again), retries with exponential backoff, dead-letter queues, singleton
 * keys (one active job per key: per-instance ordering) and archiving, all in SQL transactions; on
 * PostgreSQL because that is where the data the jobs act on lives, and it is durable (Redis is not
 * required to be).
 *
 * One instance per gateway process, started on first use (so nothing that never queues pays for it).
 * Queues are created by the services that own them (`ensureQueue`), workers registered with `work`. Errors from pg-boss's
 * own pool (PostgreSQL down) are logged, never thrown at the process.
 */
import type { Logger } from 'pino'
import PgBoss from 'pg-boss'

export type QueueOptions = {
  /** Attempts after the first (pg-boss retryLimit). */
  retryLimit: number
  /** First retry delay in seconds; doubles per attempt with retryBackoff. */
  retryDelaySeconds: number
  retryBackoff: boolean
  /** An active job not completed within this is retried (its worker died). */
  expireInSeconds: number
  /** Where a job goes after its last failed attempt. */
  deadLetter?: string
  policy?: 'standard' | 'short' | 'singleton' | 'stately'
}

export type JobHandler<T> = (job: { id: string; data: T; retryCount: number }) => Promise<void>

export class JobQueue {
  readonly boss: PgBoss
  private started = false
  private starting: Promise<void> | null = null
  private readonly queues = new Map<string, Promise<void>>()
  private creating: Promise<void> = Promise.resolve()

  constructor(
    databaseUrl: string,
    private readonly log: Logger,
    opts: { poolMax?: number } = {},
  ) {
    this.boss = new PgBoss({
      connectionString: databaseUrl,
      schema: 'pgboss',
      max: opts.poolMax ?? 3,
      application_name: 'taguato-gateway-jobs',
      // Completed jobs stay a day (delivery logs read our own tables, not these).
      deleteAfterDays: 1,
    })
    this.boss.on('error', (err) => this.log.warn({ err: { message: err.message, code: (err as { code?: string }).code } }, 'job queue error'))
  }

  /** Starts pg-boss once (its schema is created or upgraded by pg-boss itself); every use awaits it. */
  start(): Promise<void> {
    this.starting ??= this.boss.start().then(
      () => {
        this.started = true
      },
      (err: unknown) => {
        this.starting = null
        throw err
      },
    )
    return this.starting
  }

  get isStarted(): boolean {
    return this.started
  }

  /** Creates the queue once per process (idempotent in pg-boss too), one creation at a time. */
  ensureQueue(name: string, o: QueueOptions): Promise<void> {
    let p = this.queues.get(name)
    if (!p) {
      // pg-boss's createQueue run concurrently (two services starting their workers) can deadlock in
      // PostgreSQL: creations wait for each other.
      p = this.creating.catch(() => undefined).then(async () => {
        await this.start()
        if (o.deadLetter) await this.boss.createQueue(o.deadLetter, { name: o.deadLetter })
        const q = { name, retryLimit: o.retryLimit, retryDelay: o.retryDelaySeconds, retryBackoff: o.retryBackoff, expireInSeconds: o.expireInSeconds, policy: o.policy ?? 'standard' }
        await this.boss.createQueue(name, o.deadLetter ? { ...q, deadLetter: o.deadLetter } : q)
      })
      this.creating = p
      p.catch(() => this.queues.delete(name))
      this.queues.set(name, p)
    }
    return p
  }

  async send<T extends object>(name: string, data: T, options: PgBoss.SendOptions = {}): Promise<string | null> {
    await this.start()
    return this.boss.send(name, data, options)
  }

  /** Runs `handler` for each job of `name`, one at a time per worker; a throw is a failed attempt. */
  async work<T extends object>(name: string, opts: { pollingIntervalSeconds?: number; batchSize?: number }, handler: JobHandler<T>): Promise<string> {
    await this.start()
    return this.boss.work<T>(name, { pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 1, batchSize: opts.batchSize ?? 1, includeMetadata: true }, async (jobs) => {
      for (const j of jobs) await handler({ id: j.id, data: j.data, retryCount: j.retryCount })
    })
  }

  /** Stops fetching and waits (bounded) for the jobs in hand: they are retried later if cut short. */
  async stop(timeoutMs = 8000): Promise<void> {
    if (this.starting) await this.starting.catch(() => undefined)
    if (!this.started) return
    this.started = false
    await this.boss.stop({ graceful: true, wait: true, timeout: timeoutMs }).catch((err: unknown) => this.log.warn({ err }, 'job queue stop failed'))
  }
}
