/**
 * @module tests/support/pg-crash-child
 * Child process of common/src/db/pg-resilience.test.ts: drives postgres.js through PostgreSQL fast stops the way
 * the gateway does (queries in flight, a transaction whose callback goes on after its connection died,
 * a reserved connection used after it closed while idle) and reports whether the pool came back. Run in
 * a child because the failure being tested (postgres.js' null-socket write) kills the whole process.
 * argv: <database url> <raw|guarded> <cycles>. The parent stops and starts PostgreSQL on request (IPC).
 */
import postgres from 'postgres'
import { withResilience } from '../../common/src/db/pg-resilience.js'

const [url, mode, cyclesArg] = process.argv.slice(2) as [string, 'raw' | 'guarded', string]
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const ask = (what: 'stop' | 'start') =>
  new Promise<void>((resolve) => {
    process.once('message', () => resolve())
    process.send!(what)
  })

const options = { connect_timeout: 1, backoff: (n: number) => Math.min(0.1 * n, 0.5), onnotice: () => undefined }
const sql =
  mode === 'raw'
    ? postgres(url, { ...options, max: 6 })
    : withResilience(postgres(url, { ...options, max: 6 }), {
        reserve: (onClose) => postgres(url, { ...options, max: 1, idle_timeout: 0, onclose: onClose }),
      }).sql

const errors: Record<string, number> = {}
const count = (e: unknown) => {
  const code = String((e as { code?: unknown }).code ?? (e as Error).message)
  errors[code] = (errors[code] ?? 0) + 1
}

async function cycle(): Promise<boolean> {
  const conn = await sql.reserve()
  await conn`select 1`
  let stop = false
  const load = Array.from({ length: 12 }, async () => {
    while (!stop) await sql`select pg_sleep(0.005), ${'x'.repeat(20)}::text`.catch(async (e: unknown) => (count(e), await sleep(20)))
  })
  // The callback outlives its connection: its next query goes to a connection without a socket.
  const tx = sql.begin(async (t) => {
    await t`select 1`
    await sleep(700)
    await t`select 2`
  }).catch(count)
  await sleep(200)
  await ask('stop')
  await tx
  await sleep(900)
  // Reserved and idle while PostgreSQL went away, then used.
  await conn`select 3`.catch(count)
  await ask('start')
  await conn`select 4`.catch(count)
  conn.release()
  stop = true
  await Promise.all(load)
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(100)) {
    if (await sql`select 1`.then(() => true, () => false)) return true
  }
  return false
}

let recovered = true
for (let i = 0; i < Number(cyclesArg); i++) recovered = (await cycle()) && recovered
process.send!({ recovered, errors })
await sql.end({ timeout: 1 })
process.exit(0)
