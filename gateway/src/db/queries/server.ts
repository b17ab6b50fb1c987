/**
 * @module db/queries/server
 * Questions to the PostgreSQL server itself rather than to a table: liveness and version.
 */
import type { Queryable } from '../client.js'

/**
 * One round trip (`select 1`). `.execute()` sends it at once: a caller racing it against a timeout
 * must not wait for the first `then` to start the query.
 */
export function ping(db: Queryable): Promise<unknown> {
  return db`select 1`.execute()
}

/** server_version_num, e.g. 160004 for 16.4 (pg_dump and psql must be at least that major). */
export async function serverVersionNum(db: Queryable): Promise<number> {
  const [row] = await db<{ v: string }[]>`select current_setting('server_version_num') as v`
  return Number(row!.v)
}
