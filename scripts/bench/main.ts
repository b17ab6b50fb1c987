/**
 * @module scripts/bench/main
 * `npm run bench`: boots the bench stack and measures, with the same connections and duration each,
 *   (a) the fast responder directly, (n) a bare Node proxy to it, (b) the gateway's authenticated
 *   POST /message/sendText/{owned instance} with every check on, (c) GET /api/templates,
 *   (d) POST /api/auth/login (fewer connections: argon2 is CPU-bound by design, see README),
 *   (b2) = (b) with GATEWAY_WORKERS=2, and (a)/(b) at a fixed 1,000 req/s; (m) a minimal hand-written
 *   proxy doing only the per-send work any design needs (minimal-checked-proxy.ts), as a second yardstick.
 * Prints req/s, p50/p99, errors and peak RSS, the ratios and the targets; writes bench-results.json.
 *   npm run bench -- [--connections 50] [--duration 10] [--only a,n,b,m,c,d,b2,rate] [--cpu-prof] [--alloc-prof] [--mem-log] [--source] [--priority=-10] [--rounds 3] [--out f]
 *   npm run bench -- --scheduled [--single-row]   (scheduled.ts: 10,000-recipient scheduled send)
 *   npm run bench -- --replicas 3 [--bench-instances 12]   (replicas.ts: (b) against 1 vs N real upstream replicas)
 *   npm run bench -- --sessions 1000 [--replicas 3]   (sessions.ts: placement convergence, failover, RSS)
 */
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { errorMessage, say } from '../lib/log.js'
import { REPO_ROOT } from '../lib/paths.js'
import { runOrThrow } from '../lib/proc.js'
import type { GatewayProcess } from '../lib/stack.js'
import { median, runLoad, warmUp, type LoadResult, type LoadSpec } from './load.js'
import { print, targets, writeJson, type Results } from './report.js'
import { helper, INSTANCE, LOG_DIR, prioritize, seed, startBenchGateway, startBenchStack, USER_PASSWORD, type BenchStack } from './stack.js'

const { values: args } = parseArgs({
  options: {
    connections: { type: 'string', default: '50' },
    duration: { type: 'string', default: '10' },
    'login-connections': { type: 'string', default: '2' },
    only: { type: 'string', default: 'a,n,b,m,c,d,rate,b2' },
    out: { type: 'string', default: 'bench-results.json' },
    'cpu-prof': { type: 'boolean', default: false },
    'mem-log': { type: 'boolean', default: false },
    'alloc-prof': { type: 'boolean', default: false },
    source: { type: 'boolean', default: false },
    priority: { type: 'string', default: '0' },
    rounds: { type: 'string', default: '1' },
    scheduled: { type: 'boolean', default: false },
    // Read by scheduled.ts.
    'single-row': { type: 'boolean', default: false },
    recipients: { type: 'string', default: '10000' },
    // Read by replicas.ts / sessions.ts.
    replicas: { type: 'string' },
    sessions: { type: 'string' },
    'bench-instances': { type: 'string', default: '12' },
  },
})

if (args.scheduled) {
  await import('./scheduled.js')
} else if (args.sessions !== undefined) {
  await import('./sessions.js')
} else if (args.replicas !== undefined) {
  await import('./replicas.js')
} else {
  await main()
}

async function main(): Promise<void> {
  if (args.priority !== '0') {
    process.env.BENCH_PRIORITY = args.priority
    prioritize(process.pid)
  }
  const connections = Number(args.connections)
  const durationS = Number(args.duration)
  const loginConnections = Number(args['login-connections'])
  const only = new Set(args.only.split(','))
  const results: Results = {}
  const sendBody = JSON.stringify({ number: '595981000000', text: 'bench message' })
  const json = { 'content-type': 'application/json' }
  let stack: BenchStack | null = null
  let gw: GatewayProcess | null = null
  let minimal: Awaited<ReturnType<typeof helper>> | null = null
  const profile = { cpuProfile: args['cpu-prof'], memLog: args['mem-log'], allocProfile: args['alloc-prof'] }

  const rounds = Math.max(1, Number(args.rounds))
  const all: Record<string, LoadResult[]> = {}
  const measure = async (key: string, spec: Omit<LoadSpec, 'name' | 'connections' | 'durationS'> & { connections?: number }, label: string) => {
    const full: LoadSpec = { name: label, connections: spec.connections ?? connections, durationS, ...spec }
    say(`measuring ${label} (${full.connections} connections, ${durationS} s${full.rate ? `, ${full.rate} req/s` : ''})`)
    await warmUp(full)
    const r = await runLoad(full)
    ;(all[key] ??= []).push(r)
    results[key] = median(all[key]!)
  }

  try {
    fs.mkdirSync(LOG_DIR, { recursive: true })
    say('starting PostgreSQL/Redis, the fast responder and the bare proxy')
    let entry = 'gateway/src/server.ts'
    if (!args.source) {
      // Production runs compiled JS (Docker CMD): measure that, not tsx's on-the-fly transform.
      say('building (npm run build)')
      await runOrThrow('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT })
      entry = 'dist/gateway/src/server.js'
    }
    stack = await startBenchStack(entry)
    const send = `/message/sendText/${INSTANCE}`
    const direct = { method: 'POST' as const, headers: json, body: sendBody }

    say('starting the gateway (1 process)')
    gw = await startBenchGateway(stack, {}, 'gateway-1', profile)
    const { token, username } = await seed(stack, gw.url)
    const authed = { ...json, apikey: token }
    const sendSpec = { url: gw.url + send, method: 'POST' as const, headers: authed, body: sendBody, pid: gw.pid }
    if (only.has('m')) {
      const env = { BENCH_TARGET: stack.responder.url, BENCH_REDIS_URL: stack.env.REDIS_URL!, BENCH_TOKEN: token, BENCH_LOG: path.join(LOG_DIR, 'minimal-requests.log'), BENCH_CPU_PROFILE: profile.cpuProfile ? '1' : '', BENCH_PROFILE_DIR: path.join(LOG_DIR, 'profiles') }
      minimal = await helper('minimal-checked-proxy.ts', env, 'minimal-checked-proxy')
    }
    // Every process is up and idle; with --rounds N the runs alternate N times (a n b m c d, a n b m c d,
    // ...) and each figure is the median round, so a machine that changes speed between minutes
    // disturbs the ratios less than N sequential runs of one kind would.
    for (let round = 1; round <= rounds; round++) {
      if (rounds > 1) say(`round ${round} of ${rounds}`)
      if (only.has('a')) await measure('a', { ...direct, url: stack.responder.url + send, pid: stack.responder.service.pid }, '(a) responder direct')
      if (only.has('n')) await measure('n', { ...direct, url: stack.bare.url + send, pid: stack.bare.service.pid }, '(n) bare node proxy')
      if (only.has('b')) await measure('b', sendSpec, '(b) gateway sendText')
      if (minimal) await measure('m', { ...sendSpec, url: minimal.url + send, pid: minimal.service.pid }, '(m) minimal checked proxy')
      if (only.has('c')) await measure('c', { url: `${gw.url}/api/templates`, headers: { apikey: token }, pid: gw.pid }, '(c) gateway GET /api/templates')
      if (only.has('d')) {
        const body = JSON.stringify({ username, password: USER_PASSWORD })
        await measure('d', { url: `${gw.url}/api/auth/login`, method: 'POST', headers: json, body, pid: gw.pid, connections: loginConnections }, '(d) gateway login')
      }
    }
    if (only.has('rate')) {
      // The same fixed rate through each layer: where latency (not throughput) is added.
      await measure('a@1000', { ...direct, url: stack.responder.url + send, rate: 1000 }, '(a) responder @1000/s')
      await measure('n@1000', { ...direct, url: stack.bare.url + send, rate: 1000, pid: stack.bare.service.pid }, '(n) bare proxy @1000/s')
      if (minimal) await measure('m@1000', { ...sendSpec, url: minimal.url + send, rate: 1000, pid: minimal.service.pid }, '(m) minimal proxy @1000/s')
      await measure('b@1000', { ...sendSpec, rate: 1000 }, '(b) gateway sendText @1000/s')
    }
    await minimal?.service.stop()
    minimal = null
    await gw.stop()
    gw = null

    if (only.has('b2')) {
      say('starting the gateway with GATEWAY_WORKERS=2')
      gw = await startBenchGateway(stack, { GATEWAY_WORKERS: '2' }, 'gateway-2w', profile)
      await measure('b2', { ...sendSpec, url: gw.url + send, pid: gw.pid }, '(b2) gateway sendText, 2 workers')
      await gw.stop()
      gw = null
    }

    const tg = targets(results, loginConnections)
    print(results, tg)
    if (rounds > 1) process.stdout.write(perRoundRatios(all))
    const out = path.resolve(REPO_ROOT, args.out)
    writeJson(out, results, tg, { connections, durationS, rounds, loginConnections, logLevel: stack.env.LOG_LEVEL, allRounds: all })
    say(`results written to ${path.relative(REPO_ROOT, out)}; gateway logs in ${path.relative(REPO_ROOT, LOG_DIR)}`)
  } catch (err) {
    say(`bench failed: ${errorMessage(err)}`)
    process.exitCode = 1
  } finally {
    await minimal?.service.stop().catch(() => undefined)
    await gw?.stop().catch(() => undefined)
    await stack?.stop().catch(() => undefined)
  }
}

/** b/n, b/m and m/n of each round (same minute, so comparable), and their medians. */
function perRoundRatios(all: Record<string, LoadResult[]>): string {
  const lines: string[] = []
  for (const [x, y] of [['b', 'n'], ['b', 'm'], ['m', 'n']] as const) {
    const xs = all[x]
    const ys = all[y]
    if (!xs || !ys) continue
    const ratios = xs.map((r, i) => r.rps / (ys[i]?.rps ?? NaN)).filter(Number.isFinite)
    const sorted = [...ratios].sort((p, q) => p - q)
    const mid = sorted[Math.floor((sorted.length - 1) / 2)]
    lines.push(`${x}/${y} per round: ${ratios.map((r) => r.toFixed(2)).join(', ')} (median ${mid?.toFixed(2)})`)
  }
  return lines.length ? lines.join('\n') + '\n\n' : ''
}
