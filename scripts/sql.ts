/**
 * @module scripts/sql
 * `psql -At` stand-in for machines without the psql client (tests/e2e/helpers.bash falls back to it):
 * runs one SQL statement against DATABASE_URL (search_path taguato,public) and prints rows as
 * `a|b|c` lines, NULL as empty.
 *
 *   node --import tsx scripts/sql.ts "select count(*) from users"
 */
import postgres from 'postgres'

const query = process.argv[2]
const url = process.env.DATABASE_URL
if (!query || !url) {
  process.stderr.write('usage: DATABASE_URL=... sql.ts "SQL"\n')
  process.exit(2)
}
// Same search_path as the psql branch of psql_q, so tests need no schema prefix.
const sql = postgres(url, { max: 1, onnotice: () => undefined, connection: { search_path: 'taguato,public' } })
try {
  const rows = await sql.unsafe(query)
  for (const row of rows) {
    process.stdout.write(Object.values(row as Record<string, unknown>).map((v) => (v === null ? '' : v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v))).join('|') + '\n')
  }
} catch (err) {
  process.stderr.write(`ERROR: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exitCode = 1
} finally {
  await sql.end({ timeout: 2 })
}
