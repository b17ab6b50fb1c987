/**
 * @module scripts/import-reference/db/source
 * Reads the reference's tables (schema `taguato` of a TAGUATO-SEND database, or `taguato_reference`
 * once renamed in place). Rows come as JSON (`to_jsonb`), so TIMESTAMP columns arrive as the wall-clock
 * text the reference stored; the target session's TimeZone gives them their instant (./target).
 */
import type { Sql, TransactionSql } from 'postgres'

export type Db = Sql | TransactionSql
export type Json = Record<string, unknown>

const at = (db: Db, schema: string, table: string) => db(`${schema}.${table}`)

export async function tableExists(db: Db, schema: string, table: string): Promise<boolean> {
  const [row] = await db<{ ok: boolean }[]>`select to_regclass(${`${schema}.${table}`}) is not null as ok`
  return row!.ok
}

/** Up to `limit` rows with id > `after`, in id order (keyset pages, so a big message_logs never sits in memory). */
export async function readPage(db: Db, schema: string, table: string, after: number, limit: number): Promise<Json[]> {
  const rows = await db<{ row: Json }[]>`
    select to_jsonb(t) as row from ${at(db, schema, table)} t where t.id > ${after} order by t.id limit ${limit}`
  return rows.map((r) => r.row)
}

/** Every row of a small table without an id (the incident and maintenance junctions). */
export async function readAll(db: Db, schema: string, table: string): Promise<Json[]> {
  const rows = await db<{ row: Json }[]>`select to_jsonb(t) as row from ${at(db, schema, table)} t`
  return rows.map((r) => r.row)
}

export async function countRows(db: Db, schema: string, table: string): Promise<number> {
  const [row] = await db<{ n: number }[]>`select count(*)::int as n from ${at(db, schema, table)}`
  return row!.n
}

/** Rows with id <= `upTo`: those an earlier run handled. */
export async function countUpTo(db: Db, schema: string, table: string, upTo: number): Promise<number> {
  const [row] = await db<{ n: number }[]>`select count(*)::int as n from ${at(db, schema, table)} where id <= ${upTo}`
  return row!.n
}

/**
 * The server's own TimeZone (not this session's): the zone the reference's NOW() defaults and
 * comparisons ran in, so the zone its wall-clock timestamps mean.
 */
export async function serverTimeZone(db: Db): Promise<string> {
  const [row] = await db<{ tz: string }[]>`select coalesce(reset_val, setting) as tz from pg_settings where name = 'TimeZone'`
  return row!.tz
}
