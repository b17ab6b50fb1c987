/**
 * @module db/client
 * The one postgres.js pool of a gateway process. timestamptz columns come back as Date, which JSON
 * renders as ISO 8601 UTC with `Z` (D11, docs/decisions.md#d11); bigint counts are parsed to numbers.
 */
import postgres, { type Sql, type TransactionSql } from 'postgres'

export type Db = Sql
/** A pool or a transaction: query modules accept either so calls compose inside `sql.begin`. */
export type Queryable = Sql | TransactionSql

export function createDb(url: string, max: number): Db {
  return postgres(url, {
    max,
    idle_timeout: 30,
    connect_timeout: 10,
    onnotice: () => undefined,
    // count(*) is int8 and round()/avg() are numeric: small enough here to be plain JSON numbers.
    types: {
      count: { to: 20, from: [20, 1700], serialize: (x: number) => String(x), parse: (x: string) => Number(x) },
    },
    connection: { application_name: 'taguato-gateway', TimeZone: 'UTC' },
  })
}
