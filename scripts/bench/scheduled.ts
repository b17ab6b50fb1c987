/**
 * @module scripts/bench/scheduled
 * `npm run bench -- --scheduled [--single-row] [--recipients 10000]`: scheduled sends at scale against
 * the sandbox upstream with pacing 0. Default: 20 scheduled messages of 500 recipients through
 * POST /api/scheduled (the API's limit); --single-row inserts ONE 10,000-recipient row by SQL instead.
 * Waits until the worker is done, then checks the sandbox's sent messages and message_logs: every
 * recipient sent exactly once (0 duplicates, 0 lost). Prints the time taken; exit 1 on any mismatch.
 */
import crypto from 'node:crypto'
import path from 'node:path'
import { parseArgs } from 'node:util'
import postgres from 'postgres'
import { currentEnv, readLauncherEnv } from '../lib/env.js'
import { errorMessage, say } from '../lib/log.js'
import { dropDatabase, ensureDatabase, withDatabase } from '../lib/pg-admin.js'
import { dataDir } from '../lib/paths.js'
import { ensureServices } from '../lib/services.js'
import { startStack, type Stack } from '../lib/stack.js'
import { LOG_DIR } from './stack.js'

const { values: args } = parseArgs({
  options: { scheduled: { type: 'boolean' }, 'single-row': { type: 'boolean', default: false }, recipients: { type: 'string', default: '10000' } },
  strict: false,
})
const TOTAL = Number(args.recipients)
const PER_MESSAGE = 500
const INSTANCE = `bench_sched_${crypto.randomBytes(3).toString('hex')}`
/** Unique numbers the sandbox accepts (>= 8 digits, not ending in 0000). */
const numbers = Array.from({ length: TOTAL }, (_, i) => `59598${String(i + 1).padStart(6, '0')}1`)

async function call(url: string, method: string, body?: unknown, apikey?: string): Promise<{ status: number; json: any }> {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...(apikey ? { apikey } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, json: await res.json().catch(() => null) }
}

function must(r: { status: number; json: unknown }, ok: number, what: string): any {
  if (r.status !== ok) throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.json).slice(0, 300)}`)
  return r.json
}

const services = await ensureServices({ launcher: readLauncherEnv(), scope: 'test', dataDir: dataDir() })
const databaseUrl = withDatabase(services.databaseUrl, `taguato_bench_${crypto.randomBytes(4).toString('hex')}`)
let stack: Stack | null = null
let sql: postgres.Sql | null = null
try {
  await ensureDatabase(databaseUrl)
  const adminPassword = `Adm_${crypto.randomBytes(8).toString('hex')}`
  const apiKey = crypto.randomBytes(24).toString('hex')
  say(`starting upstream (sandbox) + gateway; ${TOTAL} recipients, pacing 0`)
  stack = await startStack({
    env: {
      ...currentEnv(),
      DATABASE_URL: databaseUrl,
      REDIS_URL: services.redisUrl,
      AUTHENTICATION_API_KEY: apiKey,
      ADMIN_PASSWORD: adminPassword,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_DEFAULT: '0',
      WORKERS_ENABLED: 'true',
      SCHEDULED_PACING_MS: '0',
      SCHEDULED_CRON: '* * * * * *',
      SANDBOX_ACK_DELAY_MS: '-1',
    },
    logDir: path.join(LOG_DIR, 'scheduled'),
  })
  const gw = stack.gatewayUrl
  const admin = must(await call(`${gw}/api/auth/login`, 'POST', { username: 'admin', password: adminPassword }), 200, 'admin login').token
  const username = `bench_${crypto.randomBytes(3).toString('hex')}`
  must(await call(`${gw}/admin/users`, 'POST', { username, password: 'Bench_Passw0rd', max_instances: 1 }, admin), 201, 'create user')
  const token = must(await call(`${gw}/api/auth/login`, 'POST', { username, password: 'Bench_Passw0rd' }), 200, 'user login').token
  must(await call(`${gw}/instance/create`, 'POST', { instanceName: INSTANCE, integration: 'WHATSAPP-BAILEYS' }, token), 201, 'create instance')
  must(await call(`${stack.upstreamUrl}/sandbox/instances/${INSTANCE}/scan`, 'POST', undefined, apiKey), 200, 'scan')
  sql = postgres(databaseUrl, { max: 2, onnotice: () => undefined })

  const started = performance.now()
  if (args['single-row']) {
    const [u] = await sql<{ id: number }[]>`select id from taguato.users where username = ${username}`
    await sql`insert into taguato.scheduled_messages (user_id, instance_name, message_type, message_content, recipients, scheduled_at)
      values (${u!.id}, ${INSTANCE}, 'text', 'bench scheduled message', ${JSON.stringify(numbers)}, now())`
  } else {
    for (let i = 0; i < TOTAL; i += PER_MESSAGE) {
      const body = { instance_name: INSTANCE, message_content: 'bench scheduled message', recipients: numbers.slice(i, i + PER_MESSAGE), scheduled_at: 'now' }
      must(await call(`${gw}/api/scheduled`, 'POST', body, token), 201, 'schedule')
    }
  }
  say(args['single-row'] ? 'inserted one scheduled row; waiting for the worker' : `scheduled ${Math.ceil(TOTAL / PER_MESSAGE)} messages; waiting for the worker`)
  const deadline = Date.now() + 15 * 60_000
  let last = -1
  for (;;) {
    const [p] = await sql<{ open: number; logged: number }[]>`
      select (select count(*)::int from taguato.scheduled_messages where instance_name = ${INSTANCE} and status in ('pending', 'processing')) as open,
             (select count(*)::int from taguato.message_logs where instance_name = ${INSTANCE}) as logged`
    if (p!.logged !== last) say(`  ${p!.logged} / ${TOTAL} logged`)
    last = p!.logged
    if (p!.open === 0) break
    if (Date.now() > deadline) throw new Error('scheduled sends did not finish within 15 minutes')
    await new Promise((r) => setTimeout(r, 2000))
  }
  const seconds = (performance.now() - started) / 1000

  const sent = must(await call(`${stack.upstreamUrl}/sandbox/messages?instance=${INSTANCE}`, 'GET', undefined, apiKey), 200, 'sandbox messages')
  const got = (sent.messages as { number: string }[]).map((m) => m.number)
  const distinct = new Set(got)
  const lost = numbers.filter((n) => !distinct.has(n)).length
  const [logs] = await sql<{ total: number; sent: number; distinct: number }[]>`
    select count(*)::int as total, count(*) filter (where status = 'sent')::int as sent, count(distinct phone_number)::int as distinct
    from taguato.message_logs where instance_name = ${INSTANCE}`
  const ok = got.length === TOTAL && distinct.size === TOTAL && lost === 0 && logs!.total === TOTAL && logs!.sent === TOTAL && logs!.distinct === TOTAL
  process.stdout.write(
    [
      '',
      `scheduled send of ${TOTAL} recipients (${args['single-row'] ? 'one row by SQL' : `${Math.ceil(TOTAL / PER_MESSAGE)} x ${PER_MESSAGE} via the API`})`,
      `  time: ${seconds.toFixed(1)} s (${Math.round(TOTAL / seconds)} sends/s)`,
      `  sandbox: ${got.length} sends, ${got.length - distinct.size} duplicates, ${lost} lost`,
      `  message_logs: ${logs!.total} rows, ${logs!.sent} sent, ${logs!.distinct} distinct numbers`,
      `  ${ok ? 'OK' : 'MISMATCH'}`,
      '',
    ].join('\n'),
  )
  if (!ok) process.exitCode = 1
} catch (err) {
  say(`scheduled bench failed: ${errorMessage(err)}`)
  process.exitCode = 1
} finally {
  await sql?.end().catch(() => undefined)
  await stack?.stop().catch(() => undefined)
  await dropDatabase(databaseUrl).catch(() => undefined)
  await services.stop()
}
