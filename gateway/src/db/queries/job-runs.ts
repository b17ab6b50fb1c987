/**
 * @module db/queries/job-runs
 * taguato.job_runs and the advisory locks behind workers/scheduler (D12, docs/decisions.md#d12): a tick is
 * claimed by inserting (job, tick) (primary key: one winner across replicas), a run holds an advisory
 * lock so it never overlaps the next tick's, and its outcome is written back for /health/detailed.
 */
import type { Queryable } from '../client.js'

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

/** Claims a tick; undefined when another replica already took it. */
export async function claimJobRun(db: Queryable, job: string, tick: Date, owner: string): Promise<JobRunRecord | undefined> {
  const [row] = await db<JobRunRecord[]>`
    insert into taguato.job_runs (job, tick, owner) values (${job}, ${tick}, ${owner})
    on conflict do nothing returning *`
  return row
}

/** Session-level advisory lock: `db` must be one reserved connection, released only after the unlock. */
export async function tryAdvisoryLock(db: Queryable, key: number): Promise<boolean> {
  const [{ locked }] = (await db`select pg_try_advisory_lock(${key}) as locked`) as unknown as [{ locked: boolean }]
  return locked
}

export async function advisoryUnlock(db: Queryable, key: number): Promise<void> {
  await db`select pg_advisory_unlock(${key})`
}

/** Writes a run's outcome; the row, or undefined when the claim row is gone. */
export async function finishJobRun(
  db: Queryable,
  run: { job: string; tick: Date; outcome: JobRunRecord['outcome']; durationMs: number; summary: Record<string, unknown> | null; error: string | null },
): Promise<JobRunRecord | undefined> {
  const [row] = await db<JobRunRecord[]>`
    update taguato.job_runs
    set finished_at = now(), duration_ms = ${run.durationMs}, outcome = ${run.outcome},
        summary = ${run.summary === null ? null : db.json(run.summary as never)}, error = ${run.error}
    where job = ${run.job} and tick = ${run.tick} returning *`
  return row
}

/** Latest run of each job, for /health/detailed and /admin/workers. */
export async function lastJobRuns(db: Queryable): Promise<JobRunRecord[]> {
  return db<JobRunRecord[]>`
    select distinct on (job) * from taguato.job_runs order by job, started_at desc`
}
