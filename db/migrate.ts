/**
 * @module db/migrate
 * Applies the plain SQL files of one folder in name order, each in its own transaction, recorded in
 * `<schema>.schema_migrations`. An advisory lock serialises concurrent starters (two gateways booting
 * together): the second waits, then finds everything applied.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Sql } from 'postgres'

export type MigrateOptions = {
  /** Folder holding `NNNN_name.sql` files. */
  dir: string
  /** Schema that owns the tracking table (created when missing). */
  schema: string
  /** Advisory-lock key; one per schema so the gateway and the upstream never wait on each other. */
  lockKey: number
}

const FILE_RE = /^(\d+)_([\w-]+)\.sql$/

export type Migration = { version: number; name: string; file: string }

/** Lists the migrations of a folder in version order; rejects duplicate versions. */
export async function listMigrations(dir: string): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => FILE_RE.test(f))
  const out = files.map((file) => {
    const m = FILE_RE.exec(file)!
    return { version: Number(m[1]), name: m[2]!, file }
  })
  out.sort((a, b) => a.version - b.version)
  for (let i = 1; i < out.length; i++) {
    if (out[i]!.version === out[i - 1]!.version) throw new Error(`duplicate migration version ${out[i]!.version} in ${dir}`)
  }
  return out
}

/** Applies pending migrations; returns the names applied. */
export async function migrate(sql: Sql, opts: MigrateOptions): Promise<string[]> {
  const migrations = await listMigrations(opts.dir)
  const applied: string[] = []
  // reserve() pins one connection: advisory locks belong to a session.
  const conn = await sql.reserve()
  try {
    await conn`select pg_advisory_lock(${opts.lockKey})`
    const table = conn(`${opts.schema}.schema_migrations`)
    await conn`create schema if not exists ${conn(opts.schema)}`
    await conn`create table if not exists ${table} (
      version int primary key, filename varchar(255) not null, applied_at timestamptz not null default now())`
    const done = new Set((await conn`select version from ${table}`).map((r) => Number(r.version)))
    for (const m of migrations) {
      if (done.has(m.version)) continue
      const text = await readFile(join(opts.dir, m.file), 'utf8')
      await conn`begin`
      try {
        // A migration file is trusted SQL with several statements: the one place `unsafe` is right.
        await conn.unsafe(text)
        await conn`insert into ${table} (version, filename) values (${m.version}, ${m.name})`
        await conn`commit`
      } catch (err) {
        await conn`rollback`
        throw new Error(`migration ${m.file} failed: ${(err as Error).message}`)
      }
      applied.push(m.file)
    }
  } finally {
    await conn`select pg_advisory_unlock(${opts.lockKey})`.catch(() => undefined)
    conn.release()
  }
  return applied
}
