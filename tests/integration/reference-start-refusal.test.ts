/**
 * @module tests/integration/reference-start-refusal
 * Issue 32's first symptom: `npm start` on a TAGUATO-SEND database started, reported healthy and then
 * answered 500 to every login. Now the gateway process stops before it listens, with one message that
 * names the import command, and leaves the database as it found it. The same for a schema it does not
 * recognise, and for an import that has not finished.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listMigrations } from '../../db/migrate.js'
import { inspectSchema } from '../../gateway/src/db/schema-check.js'
import { createTestDatabase, type TestDatabase } from '../support/db.js'
import { createReferenceDatabase, fingerprint } from '../support/reference-db.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

type Exit = { code: number | null; output: string }

/** Runs the gateway's real entry on `url` until it exits (or 60 s pass: then it is killed and fails the test). */
function startGateway(url: string): Promise<Exit> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'gateway/src/server.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '', DATABASE_URL: url, REDIS_URL, AUTHENTICATION_API_KEY: 'refusal-test-key-0123456789abcdef',
        UPSTREAM_URL: 'http://127.0.0.1:9', GATEWAY_PORT: '0', GATEWAY_WORKERS: '1', LOG_LEVEL: 'info', WORKERS_ENABLED: 'false',
        ADMIN_PASSWORD: 'Admin_Test_123',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr.on('data', (d: Buffer) => (output += d.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, output })
    })
  })
}

const dbs: TestDatabase[] = []
let reference: TestDatabase

beforeAll(async () => {
  reference = await createReferenceDatabase({ rows: false })
  dbs.push(reference)
})
afterAll(async () => {
  for (const d of dbs) await d.drop()
})

describe('the gateway on a database it must not serve', () => {
  it('a TAGUATO-SEND database: exits before listening, naming the import command, and changes nothing', async () => {
    const before = await fingerprint(reference.url, ['taguato'])
    const r = await startGateway(reference.url)
    expect(r.code).toBe(1)
    expect(r.output).toContain('gateway refused to start')
    expect(r.output).toContain("TAGUATO-SEND's migrations (versions 1-14")
    expect(r.output).toContain('npm run import:reference -- --dry-run')
    expect(r.output).toContain('Migrating from TAGUATO-SEND')
    expect(r.output).not.toContain('gateway listening')
    expect(r.output).not.toMatch(/at .*\.ts:\d+/) // a message, not a stack trace
    expect(await fingerprint(reference.url, ['taguato'])).toEqual(before)
  })

  it("a schema it does not recognise: another program's schema_migrations, or tables without any", async () => {
    const other = await createTestDatabase()
    dbs.push(other)
    const sql = postgres(other.url, { max: 1, onnotice: () => undefined })
    await sql`create schema taguato`
    await sql`create table taguato.schema_migrations (version int primary key, filename varchar(255) not null)`
    await sql`insert into taguato.schema_migrations values (1, 'create_widgets')`
    const r = await startGateway(other.url)
    expect(r.code).toBe(1)
    expect(r.output).toContain('was not made by taguato-send')
    expect(r.output).toContain('version 1 is recorded as "create_widgets", ours is "init"')
    await sql`drop table taguato.schema_migrations`
    await sql`create table taguato.widgets (id int)`
    const ours = await listMigrations(fileURLToPath(new URL('../../db/migrations', import.meta.url)))
    expect(await inspectSchema(sql, ours)).toEqual({ kind: 'unknown', why: 'schema taguato has tables (widgets) but no migration history' })
    await sql.end()
  })

  it('reference tables without a migration history (init.sql ran, its gateway never did) are the reference too', async () => {
    const bare = await createReferenceDatabase({ rows: false })
    dbs.push(bare)
    const sql = postgres(bare.url, { max: 1, onnotice: () => undefined })
    await sql`delete from taguato.schema_migrations`
    const ours = await listMigrations(fileURLToPath(new URL('../../db/migrations', import.meta.url)))
    expect((await inspectSchema(sql, ours)).kind).toBe('reference')
    await sql.end()
  })
})
