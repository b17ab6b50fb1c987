/**
 * @module tests/support/reference-db
 * A TAGUATO-SEND (reference) database for the import tests, built as a real one is: its init.sql, then
 * its 14 migrations each recorded in taguato.schema_migrations under the reference's names (what its
 * migrate worker does on a fresh volume), then optionally the fixture rows. Files in
 * tests/fixtures/reference/.
 */
import { readFile, readdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import { createTestDatabase, type TestDatabase } from './db.js'

const DIR = fileURLToPath(new URL('../fixtures/reference/', import.meta.url))
const MIGRATION = /^(\d+)_([a-z0-9_]+)\.sql$/

export async function createReferenceDatabase(opts: { rows?: boolean; prefix?: string } = {}): Promise<TestDatabase> {
  const db = await createTestDatabase(opts.prefix ?? 'taguato_ref')
  const sql = postgres(db.url, { max: 1, onnotice: () => undefined })
  try {
    // Fixture files hold several statements each: loaded as trusted text, as a migration runner does.
    await sql.unsafe(await readFile(`${DIR}init.sql`, 'utf8'))
    const files = (await readdir(`${DIR}migrations`)).filter((f) => MIGRATION.test(f)).sort()
    for (const file of files) {
      const [, version, name] = MIGRATION.exec(file)!
      const text = await readFile(`${DIR}migrations/${file}`, 'utf8')
      await sql.begin(async (tx) => {
        await tx.unsafe(text)
        await tx`insert into taguato.schema_migrations (version, filename) values (${Number(version)}, ${name!})`
      })
    }
    if (opts.rows !== false) await sql.unsafe(await readFile(`${DIR}rows.sql`, 'utf8'))
  } finally {
    await sql.end()
  }
  return db
}

/**
 * Everything a database holds, as one comparable value: its schemas, and per table of the schemas
 * given the md5 of all its rows. Two equal fingerprints mean nothing was written in between.
 */
export async function fingerprint(url: string, schemas: string[]): Promise<Record<string, string>> {
  const sql = postgres(url, { max: 1, onnotice: () => undefined })
  try {
    const out: Record<string, string> = {}
    const all = await sql<{ nspname: string }[]>`select nspname from pg_namespace where nspname not like 'pg\\_%' and nspname <> 'information_schema' order by 1`
    out['(schemas)'] = all.map((r) => r.nspname).join(',')
    const tables = await sql<{ s: string; t: string }[]>`
      select n.nspname as s, c.relname as t from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where c.relkind = 'r' and n.nspname = any(${schemas}) order by 1, 2`
    for (const { s, t } of tables) {
      const [row] = await sql<{ h: string }[]>`select md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as h from ${sql(`${s}.${t}`)} x`
      out[`${s}.${t}`] = row!.h
    }
    return out
  } finally {
    await sql.end()
  }
}
