/**
 * @module tests/fuzz/bad-input
 * The generated bad-input suite (issue 14): walks GET /api/openapi.json and sends fast-check-generated
 * bad requests to every route, as anonymous, a bogus token, user A, "other user" B and the admin, and
 * checks on every answer: never a 5xx, X-Request-ID present, 4xx bodies are JSON {error}, and a refused
 * request changed no row (row checksum of the taguato tables before and after, see row-checksum.ts).
 *
 *   node --import tsx tests/fuzz/bad-input.ts [--seed N] [--runs N]     (or FUZZ_SEED / FUZZ_RUNS)
 *     [--skip REGEX]   triage: do not send requests whose "METHOD target" matches (e.g. a known bug)
 *     FUZZ_LOG=file    triage: one line per request sent (status, actor, method, target, body size)
 *
 * Needs the stack `npm test` boots (GATEWAY_URL, DATABASE_URL, ADMIN_USERNAME, ADMIN_PASSWORD; UPSTREAM_URL
 * and AUTHENTICATION_API_KEY to connect the sandbox instances). tests/e2e/90-generated-bad-input.bats runs
 * it inside `npm test`. Prints how many requests it sent and how many of each status it saw; on a failure,
 * the shrunk request (method, path, headers, body) to keep as a regular test. Exit 1 on failure.
 */
import fc from 'fast-check'
import fs from 'node:fs'
import { parseArgs } from 'node:util'
import postgres from 'postgres'
import { violations } from './invariants.js'
import { fetchOperations } from './openapi-walk.js'
import { closeConnections, send } from './raw-http.js'
import { caseArb, describe, render, type Case } from './requests.js'
import { RowChecksum, type Checksum } from './row-checksum.js'
import { Tenants } from './world.js'

export const DEFAULT_SEED = 424242
export const DEFAULT_RUNS = 5000

function need(name: string): string {
  const v = process.env[name]
  if (!v) throw new Error(`${name} is not set: run through npm test (tests/e2e/90-generated-bad-input.bats)`)
  return v
}

/** Answers after which one of the fuzzer's own sessions may have ended (logout, revocation). */
const mayEndSession = (c: Case, status: number) => status < 300 && /^\/(api\/auth|api\/sessions|admin\/sessions|admin\/users)/.test(c.op.path)

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { seed: { type: 'string' }, runs: { type: 'string' }, skip: { type: 'string' } } })
  // --skip REGEX (triage only): requests whose "METHOD target" matches are not sent.
  const skip = values.skip ? new RegExp(values.skip) : null
  // FUZZ_LOG=file (triage): one line per request sent, in order.
  const trace = process.env.FUZZ_LOG ? fs.openSync(process.env.FUZZ_LOG, 'w') : null
  const seed = Number(values.seed ?? process.env.FUZZ_SEED ?? DEFAULT_SEED)
  const runs = Number(values.runs ?? process.env.FUZZ_RUNS ?? DEFAULT_RUNS)
  const gatewayUrl = need('GATEWAY_URL')
  const base = new URL(gatewayUrl)
  const sql = postgres(need('DATABASE_URL'), { max: 1, onnotice: () => {} })
  const tenants = new Tenants({
    gatewayUrl,
    upstreamUrl: process.env.UPSTREAM_URL ?? null,
    upstreamKey: process.env.AUTHENTICATION_API_KEY ?? null,
    adminUser: process.env.ADMIN_USERNAME ?? 'admin',
    adminPassword: need('ADMIN_PASSWORD'),
  })
  const histogram = new Map<number, number>()
  let sent = 0
  const spent = { requests: 0, checksums: 0 }
  try {
    const ops = await fetchOperations(gatewayUrl)
    const world = await tenants.setUp()
    const checksum = new RowChecksum(sql)
    let last: Checksum = await checksum.take()
    const property = fc.asyncProperty(caseArb(ops, world), async (c) => {
      const req = render(c, tenants.tokens)
      fc.pre(!skip?.test(`${req.method} ${req.target}`))
      const before = last
      const t0 = performance.now()
      const res = await send(base, req).catch((err: unknown) => {
        throw new Error(`no answer (${err instanceof Error ? err.message : String(err)})\n${describe(req, c.actor)}`)
      })
      sent++
      spent.requests += performance.now() - t0
      if (trace !== null) fs.writeSync(trace, `${res.status} ${Math.round(performance.now() - t0)}ms ${c.actor} ${req.method} ${req.target.slice(0, 200)} body=${req.body?.length ?? 0}B ${c.body.kind}\n`)
      histogram.set(res.status, (histogram.get(res.status) ?? 0) + 1)
      const t1 = performance.now()
      last = await checksum.take()
      spent.checksums += performance.now() - t1
      const found = violations(req.method, res, before, last)
      if (mayEndSession(c, res.status) && (await tenants.revive())) last = await checksum.take()
      if (found.length) throw new Error(`${found.join('; ')}\n${describe(req, c.actor)}\n  answer: ${res.status} ${JSON.stringify(res.body.subarray(0, 300).toString('utf8'))}`)
    })
    const out = await fc.check(property, { seed, numRuns: runs })
    const ops5 = `${ops.length} operations`
    process.stdout.write(`generated bad-input suite: seed ${seed}, ${runs} runs, ${sent} requests sent, ${ops5}\n`)
    process.stdout.write(`time in requests ${(spent.requests / 1000).toFixed(1)} s, in row checksums ${(spent.checksums / 1000).toFixed(1)} s\n`)
    process.stdout.write(`statuses: ${[...histogram.entries()].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}: ${n}`).join(', ')}\n`)
    if (out.failed) {
      const err = out.errorInstance instanceof Error ? out.errorInstance.message : String(out.errorInstance)
      process.stdout.write(`FAILED after ${out.numRuns} runs (${out.numShrinks} shrinks); minimal request:\n${err}\n`)
      process.stdout.write(`replay: --seed ${seed} --runs ${runs}  (fast-check path ${out.counterexamplePath ?? '?'})\n`)
      return 1
    }
    return 0
  } finally {
    closeConnections()
    await sql.end({ timeout: 5 })
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`)
    process.exit(2)
  },
)
