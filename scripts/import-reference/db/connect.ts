/**
 * @module scripts/import-reference/db/connect
 * The import's connections: plain pools (no type transforms, so every row reads as the database has it).
 */
import postgres, { type Sql } from 'postgres'

export function connect(url: string): Sql {
  return postgres(url, { max: 4, connect_timeout: 10, onnotice: () => undefined, connection: { application_name: 'taguato-import-reference' } })
}
