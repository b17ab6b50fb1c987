/**
 * @module scripts/bench/replicas
 * `npm run bench -- --replicas 3 [--bench-instances 12] [--connections 50] [--duration 10] [--source]`:
 * (b) - the gateway's authenticated POST /message/sendText with every check on - against REAL sandbox
 * upstreams instead of the fast responder: first one upstream, then N replicas with owner routing (the
 * gateway polls GET /placement and sends each instance's request to its owner). Each deployment is
 * fresh (its own database); the bench user creates the instances through the gateway, so placement
 * spreads them; every connection cycles over all of them. Prints req/s, latency, errors, gateway CPU
 * per send and whole-deployment CPU per send (gateway + every upstream process), and N-vs-1 ratios.
 * Placement settings are the defaults (LEASE_TTL_MS 15000, PLACEMENT_INTERVAL_MS 2000,
 * UPSTREAM_PLACEMENT_REFRESH_MS 2000).
 */
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import postgres from 'postgres'
import { errorMessage, say } from '../lib/log.js'
import { REPO_ROOT } from '../lib/paths.js'
import { runOrThrow, sleep } from '../lib/proc.js'
import type { GatewayProcess } from '../lib/stack.js'
import { spread, startCluster, upstreamEntry, waitPlaced, type Cluster } from './cluster.js'
import { runLoad, warmUp, type LoadResult } from './load.js'
import { LOG_DIR, seed, startBenchGateway } from './stack.js'

const { values: args } = parseArgs({
  options: {
    replicas: { type: 'string', default: '3' },
    'bench-instances': { type: 'string', default: '12' },
    connections: { type: 'string', default: '50' },
    duration: { type: 'string', default: '10' },
    source: { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench-results-replicas.json' },
  },
  strict: false,
})

const N = Number(args.replicas)
const M = Number(args['bench-instances'])
const connections = Number(args.connections)
const durationS = Number(args.duration)
const SEND_BODY = JSON.stringify({ number: '595981234561', text: 'bench message' })
/** The gateway's owner map refreshes every UPSTREAM_PLACEMENT_REFRESH_MS (default 2000): wait two of them. */
const MAP_SETTLE_MS = 4500

type Run = LoadResult & { replicas: number; spread: Record<string, number> }

async function api(url: string, method: string, token: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json', apikey: token }, body: body === undefined ? undefined : JSON.stringify(body) })
  return { status: res.status, json: await res.json().catch(() => null) }
}

/** One deployment: `replicas` upstreams + 1 gateway, M instances created through the gateway, one measured (b). */
async function measure(replicas: number, build: { gatewayEntry: string; upstream: string }): Promise<Run> {
  let cluster: Cluster | null = null
  let gw: GatewayProcess | null = null
  try {
    say(`(b) with ${replicas} upstream replica${replicas > 1 ? 's' : ''}: starting`)
    cluster = await startCluster({ entry: build.upstream, tag: `replicas${replicas}` })
    await Promise.all(Array.from({ length: replicas }, (_, k) => cluster!.add(`up-${k + 1}`)))
    const c = cluster
    gw = await startBenchGateway(
      {
        gatewayEntry: build.gatewayEntry,
        env: { ...c.env, GATEWAY_WORKERS: '1', UPSTREAM_URL: c.replicas[0]!.url, MESSAGE_IP_RATE: '10000000', MESSAGE_IP_BURST: '10000000' },
      },
      {},
      `replicas${replicas}-gateway`,
    )
    const { token } = await seed({ env: c.env, databaseUrl: c.databaseUrl }, gw.url)
    const sql = postgres(c.databaseUrl, { max: 1, onnotice: () => undefined })
    try {
      await sql`update taguato.users set max_instances = ${M + 10}`
    } finally {
      await sql.end()
    }
    const names = Array.from({ length: M }, (_, i) => `bench_rep_${i + 1}`)
    for (const name of names) {
      // EVOLUTION: no pairing step, the session opens at create (create-instance.ts).
      const r = await api(`${gw.url}/instance/create`, 'POST', token, { instanceName: name, integration: 'EVOLUTION' })
      if (r.status !== 201) throw new Error(`create ${name} through the gateway: HTTP ${r.status} ${JSON.stringify(r.json).slice(0, 300)}`)
    }
    const placed = await waitPlaced(c, names, performance.now(), { timeoutMs: 60_000 })
    const where = spread(placed.view, new Set(names))
    say(`instances per replica: ${JSON.stringify(where)}`)
    await sleep(MAP_SETTLE_MS)
    const headers = { 'content-type': 'application/json', apikey: token }
    const spec = {
      name: `(b) gateway sendText, ${replicas} upstream${replicas > 1 ? 's' : ''}`,
      url: `${gw.url}/message/sendText/${names[0]}`,
      paths: names.map((n) => `/message/sendText/${n}`),
      method: 'POST' as const,
      headers,
      body: SEND_BODY,
      connections,
      durationS,
      pid: gw.pid,
      alsoPids: c.replicas.map((r) => r.service.pid),
    }
    say(`measuring ${spec.name} (${connections} connections, ${durationS} s, ${M} instances)`)
    await warmUp(spec)
    const r = await runLoad(spec)
    return { ...r, replicas, spread: where }
  } finally {
    await gw?.stop().catch(() => undefined)
    await cluster?.stop().catch(() => undefined)
  }
}

const pad = (s: string | number | null | undefined, n: number) => String(s ?? '-').padStart(n)
const ratio = (x: number | null | undefined, y: number | null | undefined) => (x && y ? (x / y).toFixed(2) : '-')

try {
  fs.mkdirSync(LOG_DIR, { recursive: true })
  if (!(N >= 2)) throw new Error('--replicas wants a number >= 2')
  let build = { gatewayEntry: 'gateway/src/server.ts', upstream: upstreamEntry(true) }
  if (!args.source) {
    say('building (npm run build)')
    await runOrThrow('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT })
    build = { gatewayEntry: 'dist/gateway/src/server.js', upstream: upstreamEntry(false) }
  }
  const one = await measure(1, build)
  const many = await measure(N, build)
  const rows = [one, many]
  const out = [
    '',
    `${'run'.padEnd(38)}${pad('req/s', 8)}${pad('p50 ms', 8)}${pad('p99 ms', 8)}${pad('errors', 8)}${pad('gw µs/send', 12)}${pad('all µs/send', 13)}  instances per replica`,
    ...rows.map(
      (x) =>
        `${x.name.padEnd(38)}${pad(x.rps, 8)}${pad(x.p50, 8)}${pad(x.p99, 8)}${pad(x.errors, 8)}${pad(x.cpuUsPerReq, 12)}${pad(x.totalCpuUsPerReq, 13)}  ${JSON.stringify(x.spread)}`,
    ),
    '',
    `${N} replicas / 1 upstream: req/s ${ratio(many.rps, one.rps)}, gateway CPU per send ${ratio(many.cpuUsPerReq, one.cpuUsPerReq)}, whole-deployment CPU per send ${ratio(many.totalCpuUsPerReq, one.totalCpuUsPerReq)}`,
    `target req/s ratio >= 0.95: ${many.rps / one.rps >= 0.95 && many.errors === 0 ? 'MET' : 'MISSED'}`,
    '',
  ]
  process.stdout.write(out.join('\n') + '\n')
  const file = path.resolve(REPO_ROOT, args.out as string)
  fs.writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), replicas: N, instances: M, connections, durationS, runs: rows }, null, 2) + '\n')
  say(`results written to ${path.relative(REPO_ROOT, file)}; logs in ${path.relative(REPO_ROOT, LOG_DIR)}`)
} catch (err) {
  say(`bench failed: ${errorMessage(err)}`)
  process.exitCode = 1
}
