/**
 * @module workers/scheduler
 * Runs cron jobs so that each runs once per tick across all replicas and never overlaps itself (D12, docs/decisions.md#d12):
 *  - the tick is claimed by inserting (job, tick) into taguato.job_runs (primary key: one winner);
 *  - a Postgres advisory lock held for the run stops a slow run from overlapping the next tick's;
 *  - outcome, duration and summary are written back to the row, read by /health/detailed.
 * A job never captures request context: its factory (workers/<job>.ts) is given the deps it needs, and
 * the scheduler logs each run's start, end and failure.
 *
 * The scheduler itself needs only the pool, the logger and the metrics, not the whole Deps: deps.ts
 * builds it from those before the Deps object exists, so nothing is patched in afterwards, and this
 * file does not import deps.ts back.
 */
import { hostname } from 'node:os'
import cron, { type ScheduledTask } from 'node-cron'
import type { Logger } from 'pino'
import type { Db } from '../db/client.js'
import { advisoryUnlock, claimJobRun, finishJobRun, tryAdvisoryLock, type JobRunRecord } from '../db/queries/job-runs.js'
import type { Metrics } from '../services/metrics/index.js'

/** What the scheduler uses. `metrics` is optional so a test can run jobs without a registry. */
export type SchedulerDeps = { sql: Db; log: Logger; metrics?: Pick<Metrics, 'jobFinished'> }
export type JobContext = { tick: Date }
export type JobResult = Record<string, unknown> | void

export type Job = {
  /** Short stable name (also the advisory-lock seed). */
  name: string
  /** node-cron expression (5 or 6 fields). */
  schedule: string
  run: (ctx: JobContext) => Promise<JobResult>
}

const OWNER = `${hostname()}:${process.pid}`

/** Stable 31-bit key per job name for pg advisory locks. */
export function jobLockKey(name: string): number {
  let h = 7
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) | 0
  return 800_000_000 + (Math.abs(h) % 100_000_000)
}

export class Scheduler {
  private readonly tasks: ScheduledTask[] = []
  private readonly jobs = new Map<string, Job>()
  private readonly running = new Set<Promise<unknown>>()
  /** This process's runs in progress, by job: a nudge during one asks for one more run after it. */
  private readonly active = new Map<string, { again: boolean }>()
  private stopped = false

  constructor(private readonly deps: SchedulerDeps) {}

  add(job: Job): void {
    this.jobs.set(job.name, job)
  }

  list(): Job[] {
    return [...this.jobs.values()]
  }

  start(): void {
    for (const job of this.jobs.values()) {
      // ctx.date is the scheduled instant, identical on every replica: the claim key for this tick.
      const task = cron.schedule(job.schedule, (ctx) =>
        this.track(this.runOnce(job, roundToSecond(ctx.date))).catch((err: Error) => {
          this.deps.log.warn({ job: job.name, err: err.message }, 'job run failed')
          return null
        }), {
        name: job.name,
        noOverlap: true,
      })
      this.tasks.push(task)
    }
  }

  /** Runs a job now (tests, operators); the tick is "now", so it never collides with a cron tick. */
  async runNow(name: string): Promise<JobRunRecord | null> {
    const job = this.jobs.get(name)
    if (!job) return null
    return this.track(this.runOnce(job, new Date()))
  }

  /**
   * Asks for a run soon: at once when this process runs none of the job, else once more right after
   * the current run. Without the second case, work that arrives while a run makes its last claim
   * would find the lock taken and wait for the next cron tick (a minute for scheduled messages).
   */
  async nudge(name: string): Promise<void> {
    const current = this.active.get(name)
    if (current) {
      current.again = true
      return
    }
    await this.runNow(name)
  }

  /** Stops scheduling and waits for runs in progress (graceful shutdown). */
  async stop(): Promise<void> {
    this.stopped = true
    for (const t of this.tasks) await t.stop()
    await Promise.allSettled([...this.running])
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.running.add(p)
    // The derived promise rejects with p: handled here (p's own callers see the error), or a job that
    // failed (PostgreSQL down) would end the process as an unhandled rejection.
    void p.finally(() => this.running.delete(p)).catch(() => undefined)
    return p
  }

  private async runOnce(job: Job, tick: Date): Promise<JobRunRecord | null> {
    const { sql, log } = this.deps
    const claimed = await claimJobRun(sql, job.name, tick, OWNER).catch((err: Error) => {
      log.warn({ job: job.name, err: err.message }, 'job claim failed')
      return undefined
    })
    if (!claimed) return null // another replica took this tick
    const conn = await sql.reserve()
    const started = performance.now()
    try {
      if (!(await tryAdvisoryLock(conn, jobLockKey(job.name)))) return await this.finish(job, tick, 'skipped', started, { reason: 'previous run still in progress' }, null)
      const slot = { again: false }
      this.active.set(job.name, slot)
      try {
        log.debug({ job: job.name }, 'job started')
        const summary = (await job.run({ tick })) ?? {}
        log.info({ job: job.name, ms: Math.round(performance.now() - started), ...summary }, 'job finished')
        return await this.finish(job, tick, 'ok', started, summary, null)
      } catch (err) {
        log.error({ job: job.name, err: (err as Error).message }, 'job failed')
        return await this.finish(job, tick, 'failed', started, null, (err as Error).message)
      } finally {
        await advisoryUnlock(conn, jobLockKey(job.name)).catch(() => undefined)
        // After the unlock: a nudge from here on either sees the slot (and asks again) or gets the lock.
        if (this.active.get(job.name) === slot) this.active.delete(job.name)
        if (slot.again && !this.stopped) {
          void this.track(this.runOnce(job, new Date())).catch((err: Error) => log.warn({ job: job.name, err: err.message }, 'job run failed'))
        }
      }
    } finally {
      conn.release()
    }
  }

  private async finish(
    job: Job,
    tick: Date,
    outcome: JobRunRecord['outcome'],
    started: number,
    summary: Record<string, unknown> | null,
    error: string | null,
  ): Promise<JobRunRecord | null> {
    const ms = Math.round(performance.now() - started)
    this.deps.metrics?.jobFinished(job.name, outcome, ms)
    const row = await finishJobRun(this.deps.sql, { job: job.name, tick, outcome, durationMs: ms, summary, error })
    return row ?? null
  }
}

function roundToSecond(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000)
}
