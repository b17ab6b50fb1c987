/**
 * @module scripts/deps/sql-placement.test
 * The other half of "SQL only in db/" (gateway/AGENTS.md, upstream/src/db/README.md). The dependency
 * rules gw-sql-only-in-db and up-postgres-only-in-db see imports, but code handed the pool as a type can
 * still call it as a tagged template; this looks for such calls (and `.unsafe(`) in gateway/src and
 * upstream/src outside their db/. Tests are left out: they set up rows with SQL of their own. Comment
 * lines are left out too: prose names the pool in backquotes (`sql`).
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../lib/paths.js'

/**
 * A tagged template on a name the code base uses for a pool, a transaction or a reserved connection
 * (`sql`, `db`, `tx`, `conn`, `q`, also as `this.db` or `deps.sql`), with an optional row type.
 */
const SQL_CALL = /(?<![\w$])(?:(?:this|deps|ctx)\.)?(?:sql|db|tx|conn|q)\s*(?:<[^`;]*?>)?`|\.unsafe\(/

const COMMENT = /^\s*(\/\/|\/\*|\*)/

/** `file:line: text` for each line of `<service>/src` (outside db/, tests and comments aside) that writes SQL. */
function sqlOutsideQueries(service: 'gateway' | 'upstream'): string[] {
  const root = path.join(REPO_ROOT, service, 'src')
  const hits: string[] = []
  for (const rel of fs.readdirSync(root, { recursive: true }).map(String).sort()) {
    const posix = rel.split(path.sep).join('/')
    if (!posix.endsWith('.ts') || posix.endsWith('.test.ts') || posix.startsWith('db/')) continue
    const lines = fs.readFileSync(path.join(root, rel), 'utf8').split('\n')
    lines.forEach((line, i) => {
      if (SQL_CALL.test(line) && !COMMENT.test(line)) hits.push(`${service}/src/${posix}:${i + 1}: ${line.trim()}`)
    })
  }
  return hits
}

describe('SQL only in db/', () => {
  it('recognises a statement however the pool is named', () => {
    for (const line of [
      'await sql`select 1`',
      'const [row] = await tx<{ id: number }[]>`',
      'this.db`update taguato.sessions`',
      'await deps.sql<JobRunRecord[]>`',
      'await conn`select pg_advisory_unlock(1)`',
      'db.unsafe(text)',
    ]) expect(SQL_CALL.test(line), line).toBe(true)
    for (const line of ['log.info(`job ${name}`)', 'const msg = `sql is ${x}`', 'await deps.sql.begin(async (tx) => f(tx))', 'html`<p>`']) {
      expect(SQL_CALL.test(line), line).toBe(false)
    }
  })

  it('finds no statement in the gateway outside db/', () => {
    expect(sqlOutsideQueries('gateway'), 'move these statements into a gateway/src/db/queries/<table>.ts function').toEqual([])
  })

  it('finds no statement in the upstream outside db/', () => {
    expect(sqlOutsideQueries('upstream'), 'move these statements into an upstream/src/db/<table>.ts function').toEqual([])
  })
})
