/**
 * @module db/queries/schema-inspection
 * Read-only look at what schema `taguato` holds before anything is migrated: its tables, its recorded
 * migration history, the columns of `users`, and the reference import's bookkeeping. Used at start
 * (db/schema-check) and by the import tool (scripts/import-reference).
 */
import type { Queryable } from '../client.js'

export async function schemaExists(db: Queryable, schema: string): Promise<boolean> {
  const [row] = await db<{ ok: boolean }[]>`select exists (select 1 from pg_namespace where nspname = ${schema}) as ok`
  return row!.ok
}

/** Ordinary tables of a schema, by name. */
export async function tablesOf(db: Queryable, schema: string): Promise<string[]> {
  const rows = await db<{ name: string }[]>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = ${schema} and c.relkind in ('r', 'p') order by c.relname`
  return rows.map((r) => r.name)
}

export async function columnsOf(db: Queryable, schema: string, table: string): Promise<string[]> {
  const rows = await db<{ name: string }[]>`
    select column_name as name from information_schema.columns
     where table_schema = ${schema} and table_name = ${table} order by ordinal_position`
  return rows.map((r) => r.name)
}

/** `schema_migrations` rows of a schema; [] when the table is missing. */
export async function recordedMigrations(db: Queryable, schema: string): Promise<{ version: number; filename: string }[]> {
  const [t] = await db<{ ok: boolean }[]>`select to_regclass(${`${schema}.schema_migrations`}) is not null as ok`
  if (!t!.ok) return []
  const rows = await db<{ version: number; filename: string }[]>`
    select version, filename from ${db(schema)}.schema_migrations order by version`
  return rows.map((r) => ({ version: Number(r.version), filename: r.filename }))
}

export type ImportState = { runs: number; lastFinished: boolean }

/**
 * Runs of the reference import recorded in taguato.reference_imports (none before that migration).
 * Only the latest run matters: a rerun that completes makes an earlier interrupted one moot.
 */
export async function referenceImportState(db: Queryable): Promise<ImportState> {
  const [t] = await db<{ ok: boolean }[]>`select to_regclass('taguato.reference_imports') is not null as ok`
  if (!t!.ok) return { runs: 0, lastFinished: false }
  const [row] = await db<{ runs: number; last_finished: boolean | null }[]>`
    select count(*)::int as runs,
           (select finished_at is not null from taguato.reference_imports order by id desc limit 1) as last_finished
      from taguato.reference_imports`
  return { runs: row!.runs, lastFinished: row!.last_finished === true }
}
