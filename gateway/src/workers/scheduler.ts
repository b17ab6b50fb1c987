/**
 * @module workers/scheduler
 * Runs cron jobs so that each runs once per tick across all replicas and never overlaps itself (D12, docs/decisions.md#d12):
 *  - the tick is claimed by inserting (job, tick) into taguato.job_runs (primary key: one winner);
 *  - a Postgres advisory lock held for the run stops a slow run from overlapping the next tick's;
 *  - outcome, duration and summary are written back to the row, read by /health/detailed.
 * A job never captures request context; it gets deps and logs its own start, end and failure.
 */
import { hostname } from 'node:os'
import cron, { type ScheduledTask } from 'node-cron'
import type { Deps } from '../deps.js'

export type JobContext = { deps: Deps; tick: Date }
export type JobResult = Record<string, unknown> | void

export type Job = {
  /** Short stable name (also the advisory-lock seed). */
  name: string
  /** node-cron expression (5 or 6 fields). */
  schedule: string
  run: (ctx: JobContext) => Promise<JobResult>
}

export type JobRunRecord = {
  job: string
  tick: Date
  owner: string
  started_at: Date
  finished_at: Date | null
  duration_ms: number | null
  outcome: 'running' | 'ok' | 'failed' | 'skipped'
  summary: Record<string, unknown> | null
  error: string | null
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

  constructor(private readonly deps: Deps) {}

  add(job: Job): void {
    this.jobs.set(job.name, job)
  }

  list(): Job[] {
    return [...this.jobs.values()]
  }

  start(): void {
    for (const job of this.jobs.values()) {
      // ctx.date is the scheduled instant, identical on every replica: the claim key for this tick.
      const task = cron.schedule(job.schedule, (ctx) => this.track(this.runOnce(job, roundToSecond(ctx.date))), {
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
    void p.finally(() => this.running.delete(p))
    return p
  }

  private async runOnce(job: Job, tick: Date): Promise<JobRunRecord | null> {
    const { sql, log } = this.deps
    const claimed = await sql<JobRunRecord[]>`
      insert into taguato.job_runs (job, tick, owner) values (${job.name}, ${tick}, ${OWNER})
      on conflict do nothing returning *`.catch((err: Error) => {
      log.warn({ job: job.name, err: err.message }, 'job claim failed')
      return []
    })
    if (claimed.length === 0) return null // another replica took this tick
    const conn = await sql.reserve()
    const started = performance.now()
    try {
      const [{ locked }] = (await conn`select pg_try_advisory_lock(${jobLockKey(job.name)}) as locked`) as unknown as [{ locked: boolean }]
      if (!locked) return await this.finish(job, tick, 'skipped', started, { reason: 'previous run still in progress' }, null)
      const slot = { again: false }
      this.active.set(job.name, slot)
      try {
        log.debug({ job: job.name }, 'job started')
        const summary = (await job.run({ deps: this.deps, tick })) ?? {}
        log.info({ job: job.name, ms: Math.round(performance.now() - started), ...summary }, 'job finished')
        return await this.finish(job, tick, 'ok', started, summary, null)
      } catch (err) {
        log.error({ job: job.name, err: (err as Error).message }, 'job failed')
        return await this.finish(job, tick, 'failed', started, null, (err as Error).message)
      } finally {
        await conn`select pg_advisory_unlock(${jobLockKey(job.name)})`.catch(() => undefined)
        // After the unlock: a nudge from here on either sees the slot (and asks again) or gets the lock.
        if (this.active.get(job.name) === slot) this.active.delete(job.name)
        if (slot.again && !this.stopped) void this.track(this.runOnce(job, new Date()))
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
    const [row] = await this.deps.sql<JobRunRecord[]>`
      update taguato.job_runs
      set finished_at = now(), duration_ms = ${ms}, outcome = ${outcome},
          summary = ${summary === null ? null : this.deps.sql.json(summary as never)}, error = ${error}
      where job = ${job.name} and tick = ${tick} returning *`
    return row ?? null
  }
}

function roundToSecond(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000)
}

/** Latest run of each job, for /health/detailed. */
export async function lastRuns(deps: Deps): Promise<JobRunRecord[]> {
  return deps.sql<JobRunRecord[]>`
    select distinct on (job) * from taguato.job_runs order by job, started_at desc`
}
