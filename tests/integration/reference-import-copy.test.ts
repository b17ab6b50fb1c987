/**
 * @module tests/integration/reference-import-copy
 * `npm run import:reference -- --from <url>`: the reference database is only read; its rows land in a
 * new database, which the gateway then accepts. A target that already holds users no import wrote
 * (a gateway started on it seeded its admin) is refused rather than mixed.
 */
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listMigrations, migrate } from '../../db/migrate.js'
import { inspectSchema } from '../../gateway/src/db/schema-check.js'
import { readOptions } from '../../scripts/import-reference/options.js'
import { ImportRefused, runImport } from '../../scripts/import-reference/run.js'
import { createTestDatabase, type TestDatabase } from '../support/db.js'
import { createReferenceDatabase, fingerprint } from '../support/reference-db.js'

const MIGRATIONS = fileURLToPath(new URL('../../db/migrations', import.meta.url))
const dbs: TestDatabase[] = []
let source: TestDatabase

const run = (target: string, extra: string[] = []) => {
  const o = readOptions(['--from', source.url, ...extra], { DATABASE_URL: target })
  if (o === 'help') throw new Error('help')
  return runImport(o, () => undefined)
}

beforeAll(async () => {
  source = await createReferenceDatabase()
  dbs.push(source)
})
afterAll(async () => {
  for (const d of dbs) await d.drop()
})

describe('--from', () => {
  it('copies into a new database, reading the reference only', async () => {
    const target = await createTestDatabase()
    dbs.push(target)
    const before = await fingerprint(source.url, ['taguato'])
    const dry = await run(target.url, ['--dry-run'])
    expect(dry.tables.users!.imported).toBe(5)
    expect((await fingerprint(target.url, ['taguato']))['(schemas)']).not.toContain('taguato')
    const report = await run(target.url)
    expect(report.mode).toBe('copy')
    expect([report.tables.users!.imported, report.tables.message_logs!.imported, report.backup]).toEqual([5, 6, null])
    expect(await fingerprint(source.url, ['taguato'])).toEqual(before)
    const sql = postgres(target.url, { max: 1, onnotice: () => undefined })
    try {
      expect((await inspectSchema(sql, await listMigrations(MIGRATIONS))).kind).toBe('ours')
      const [u] = await sql<{ n: number }[]>`select count(*)::int as n from taguato.users where password_hash like '$2a$%'`
      expect(u!.n).toBe(5)
    } finally {
      await sql.end()
    }
    const again = await run(target.url)
    expect([again.tables.users!.imported, again.tables.users!.present]).toEqual([0, 5])
    // --revoke-sessions on a later run ends the sessions an earlier run kept.
    const revoked = await run(target.url, ['--revoke-sessions'])
    expect(revoked.revoked).toBe(1)
    const check = postgres(target.url, { max: 1, onnotice: () => undefined })
    try {
      const [s] = await check<{ n: number }[]>`select count(*)::int as n from taguato.sessions where is_active`
      expect(s!.n).toBe(0)
    } finally {
      await check.end()
    }
  })

  it('refuses a target that already holds users of its own', async () => {
    const target = await createTestDatabase()
    dbs.push(target)
    const sql = postgres(target.url, { max: 1, onnotice: () => undefined })
    await migrate(sql, { dir: MIGRATIONS, schema: 'taguato', lockKey: 727_000 })
    await sql`insert into taguato.users (username, password_hash, api_token) values ('admin', 'x', md5(random()::text))`
    await sql.end()
    await expect(run(target.url)).rejects.toBeInstanceOf(ImportRefused)
    await expect(run(target.url)).rejects.toThrow('already holds 1 user(s) that no import wrote')
  })

  it('refuses a source that is not TAGUATO-SEND, and an in-place run with nothing to import', async () => {
    const empty = await createTestDatabase()
    dbs.push(empty)
    const o = readOptions(['--from', empty.url], { DATABASE_URL: empty.url })
    if (o === 'help') throw new Error('help')
    await expect(runImport(o, () => undefined)).rejects.toThrow('--from: that database holds no TAGUATO-SEND schema (it is empty)')
    const inPlace = readOptions([], { DATABASE_URL: empty.url })
    if (inPlace === 'help') throw new Error('help')
    await expect(runImport(inPlace, () => undefined)).rejects.toThrow('DATABASE_URL holds no TAGUATO-SEND schema to import')
  })
})
