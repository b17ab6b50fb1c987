/**
 * @module tests/integration/scheduler-nudge
 * Against real PostgreSQL: a nudge that arrives while this process runs the job is not lost to the
 * advisory lock (it would otherwise wait for the next cron tick): the job runs once more right after.
 * A nudge with no run in progress runs the job at once.
 */
import { fileURLToPath } from 'node:url'
import { pino } from 'pino'
import type postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate } from '../../db/migrate.js'
import { createDb } from '../../gateway/src/db/client.js'
import { Scheduler } from '../../gateway/src/workers/scheduler.js'
import { createTestDatabase, type TestDatabase } from '../support/db.js'

const MIGRATIONS = fileURLToPath(new URL('../../db/migrations', import.meta.url))

let db: TestDatabase
let sql: postgres.Sql

beforeAll(async () => {
  db = await createTestDatabase()
  sql = createDb(db.url, 4)
  await migrate(sql, { dir: MIGRATIONS, schema: 'taguato', lockKey: 727_001 })
})

afterAll(async () => {
  await sql?.end()
  await db?.drop()
})

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10))
}

describe('Scheduler.nudge', () => {
  it('runs at once when idle, and once more after the current run when nudged during it', async () => {
    const scheduler = new Scheduler({ sql, log: pino({ level: 'silent' }) })
    const gate = deferred()
    let runs = 0
    scheduler.add({
      name: 'nudge-test',
      schedule: '0 0 1 1 *',
      run: async () => {
        runs++
        if (runs === 1) await gate.promise
        return { runs }
      },
    })
    const first = scheduler.nudge('nudge-test')
    await until(() => runs === 1)
    expect(runs).toBe(1)
    // Two nudges during the run ask for one more run, not two.
    await scheduler.nudge('nudge-test')
    await scheduler.nudge('nudge-test')
    gate.resolve()
    await first
    await until(() => runs === 2)
    await scheduler.stop() // waits for the rerun
    expect(runs).toBe(2)
    const rows = await sql<{ outcome: string }[]>`select outcome from taguato.job_runs where job = 'nudge-test' order by started_at`
    expect(rows.map((r) => r.outcome)).toEqual(['ok', 'ok'])
  })
})
