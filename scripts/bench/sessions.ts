/**
 * @module scripts/bench/sessions
 * `npm run bench -- --sessions 1000 [--replicas 3] [--source]`: placement at scale with the DEFAULT
 * timings (LEASE_TTL_MS 15000, PLACEMENT_INTERVAL_MS 2000: the honest figures, not a test's short ones).
 *   1. one empty replica: its RSS (the baseline of "RSS per idle instance");
 *   2. N sandbox instances created on it through the upstream API (global key, integration EVOLUTION:
 *      no pairing, the session opens at create), then that replica stops (SIGTERM: leases released);
 *   3. cold start of the replicas at once: time until every instance has a live owner and is open in
 *      PostgreSQL ("owned"), and until each one's session answers open through the API ("open");
 *   4. RSS per replica (process tree from /proc, and the worker's own from GET /placement), and per
 *      idle instance (the delta over the empty replica, divided by the instances it runs);
 *   5. kill -9 of the last replica (primary and worker): time until every instance is owned by and open
 *      on a survivor.
 * Targets: converge <= 15 s from cold start, failover <= 30 s. Everything it starts is stopped at the end.
 */
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { errorMessage, say } from '../lib/log.js'
import { REPO_ROOT } from '../lib/paths.js'
import { runOrThrow, sleep } from '../lib/proc.js'
import { pool, spread, startCluster, treeRssBytes, upstreamEntry, waitPlaced, type Cluster, type PlacementView } from './cluster.js'
import { LOG_DIR } from './stack.js'

const { values: args } = parseArgs({
  options: {
    sessions: { type: 'string', default: '1000' },
    replicas: { type: 'string', default: '3' },
    source: { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench-results-sessions.json' },
  },
  strict: false,
})

const S = Number(args.sessions)
const N = Number(args.replicas ?? '3')
const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10
const kb = (bytes: number) => Math.round(bytes / 1024)

/**
 * Creates every instance; answers the seconds taken and the creates answered 503 "moving between
 * replicas" on a single replica (a placement race, see docs/benchmarks.md round 8): the row exists
 * then, and placement takes the lease back on its next pass, so the run goes on and counts them.
 */
async function createAll(c: Cluster, names: string[]): Promise<{ seconds: number; moving503: string[] }> {
  const t0 = performance.now()
  const moving503: string[] = []
  const url = c.replicas[0]!.url
  let done = 0
  await pool(names, 16, async (name) => {
    const res = await fetch(`${url}/instance/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', apikey: c.apiKey },
      body: JSON.stringify({ instanceName: name, integration: 'EVOLUTION' }),
    })
    const text = await res.text()
    if (res.status === 503 && text.includes('moving between replicas')) moving503.push(name)
    else if (res.status !== 201) throw new Error(`create ${name}: HTTP ${res.status} ${text.slice(0, 300)}`)
    if (++done % 250 === 0) say(`  ${done}/${names.length} created`)
  })
  return { seconds: (performance.now() - t0) / 1000, moving503 }
}

/** Waits until the placement counts stop changing for two placement intervals (handovers done). */
async function settled(c: Cluster, names: Set<string>): Promise<PlacementView> {
  let prev = ''
  let same = 0
  for (let i = 0; i < 60; i++) {
    const v = await c.placement()
    const now = v ? JSON.stringify(spread(v, names)) : ''
    same = now && now === prev ? same + 1 : 0
    prev = now
    if (same >= 4 && v) return v
    await sleep(1000)
  }
  const v = await c.placement()
  if (!v) throw new Error('no replica answers /placement')
  return v
}

let cluster: Cluster | null = null
try {
  fs.mkdirSync(LOG_DIR, { recursive: true })
  if (!(S >= 1) || !(N >= 2)) throw new Error('--sessions wants a number >= 1 and --replicas one >= 2')
  let entry = upstreamEntry(true)
  if (!args.source) {
    say('building (npm run build)')
    await runOrThrow('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT })
    entry = upstreamEntry(false)
  }
  cluster = await startCluster({ entry, tag: 'sessions' })
  const c = cluster
  const names = Array.from({ length: S }, (_, i) => `bench_s_${String(i + 1).padStart(5, '0')}`)
  const nameSet = new Set(names)

  say('one empty replica (the RSS baseline)')
  const seedReplica = await c.add('up-1')
  await sleep(5000)
  const emptyTree = treeRssBytes(seedReplica.service.pid)
  const emptyWorker = (await c.placement())?.replicas.find((r) => r.nodeId === 'up-1')?.rssBytes ?? 0
  say(`empty replica: ${mb(emptyTree)} MB (primary + worker), worker ${mb(emptyWorker)} MB`)

  say(`creating ${S} sandbox instances on it (upstream API, EVOLUTION integration)`)
  const created = await createAll(c, names)
  const createS = created.seconds
  say(`created in ${createS.toFixed(1)} s (${created.moving503.length} answered 503 "moving": ${created.moving503.slice(0, 5).join(', ')}); stopping that replica (SIGTERM)`)
  await seedReplica.service.stop(30_000)
  c.replicas.splice(0, c.replicas.length)

  say(`cold start of ${N} replicas at once (LEASE_TTL_MS and PLACEMENT_INTERVAL_MS at their defaults)`)
  const t0 = performance.now()
  const readyS: Record<string, number> = {}
  const starting = Array.from({ length: N }, (_, k) => c.add(`up-${k + 1}`).then((r) => void (readyS[r.nodeId] = (performance.now() - t0) / 1000)))
  // Poll while they boot: /placement answers as soon as one replica listens.
  const cold = await waitPlaced(c, names, t0, { timeoutMs: 180_000 })
  await Promise.all(starting)
  say(`cold start: all owned after ${cold.ownedS.toFixed(1)} s, all sessions open after ${cold.openS.toFixed(1)} s (ready: ${JSON.stringify(readyS)})`)

  const steady = await settled(c, nameSet)
  await sleep(5000)
  const view = (await c.placement()) ?? steady
  const perReplica = c.replicas.map((r) => {
    const row = view.replicas.find((x) => x.nodeId === r.nodeId)
    const count = row?.instances ?? 0
    const tree = treeRssBytes(r.service.pid)
    return {
      nodeId: r.nodeId,
      instances: count,
      treeRssMb: mb(tree),
      workerRssMb: mb(row?.rssBytes ?? 0),
      perInstanceKb: count ? kb((tree - emptyTree) / count) : null,
      perInstanceWorkerKb: count && row ? kb((row.rssBytes - emptyWorker) / count) : null,
    }
  })
  say(`settled: ${JSON.stringify(spread(view, nameSet))}`)

  const victim = c.replicas[c.replicas.length - 1]!
  const lost = view.instances.filter((i) => i.nodeId === victim.nodeId).length
  say(`kill -9 ${victim.nodeId} (primary and worker; it runs ${lost} instances)`)
  const t1 = performance.now()
  await c.kill9(victim)
  const fail = await waitPlaced(c, names, t1, { excluded: victim.nodeId, timeoutMs: 120_000 })
  const after = spread(fail.view, nameSet)

  const out = [
    '',
    `sessions: ${S} sandbox instances over ${N} replicas (LEASE_TTL_MS 15000, PLACEMENT_INTERVAL_MS 2000: defaults)`,
    `  created (upstream API, 16 at a time, one replica): ${createS.toFixed(1)} s; answered 503 "moving" on a single replica: ${created.moving503.length}`,
    `  cold start -> every instance owned + open in PostgreSQL: ${cold.ownedS.toFixed(1)} s; every session answering open: ${cold.openS.toFixed(1)} s (replicas ready at ${Object.entries(readyS).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(', ')})`,
    `  target converge <= 15 s: ${cold.openS <= 15 ? 'MET' : 'MISSED'}`,
    `  kill -9 ${victim.nodeId} (${lost} instances) -> all owned by survivors: ${fail.ownedS.toFixed(1)} s; all open: ${fail.openS.toFixed(1)} s; now ${JSON.stringify(after)}`,
    `  target failover <= 30 s: ${fail.openS <= 30 ? 'MET' : 'MISSED'}`,
    `  empty replica RSS: ${mb(emptyTree)} MB (primary + worker), worker ${mb(emptyWorker)} MB`,
    ...perReplica.map(
      (r) => `  ${r.nodeId}: ${r.instances} instances, RSS ${r.treeRssMb} MB (primary + worker), worker ${r.workerRssMb} MB; per idle instance ${r.perInstanceKb ?? '-'} KB (worker ${r.perInstanceWorkerKb ?? '-'} KB)`,
    ),
    '',
  ]
  process.stdout.write(out.join('\n') + '\n')
  const file = path.resolve(REPO_ROOT, args.out as string)
  const doc = { at: new Date().toISOString(), sessions: S, replicas: N, createS, createMoving503: created.moving503, cold: { ownedS: cold.ownedS, openS: cold.openS, readyS }, failover: { victim: victim.nodeId, lost, ownedS: fail.ownedS, openS: fail.openS, after }, emptyTreeRssBytes: emptyTree, emptyWorkerRssBytes: emptyWorker, perReplica }
  fs.writeFileSync(file, JSON.stringify(doc, null, 2) + '\n')
  say(`results written to ${path.relative(REPO_ROOT, file)}; logs in ${path.relative(REPO_ROOT, LOG_DIR)}`)
} catch (err) {
  say(`bench failed: ${errorMessage(err)}`)
  process.exitCode = 1
} finally {
  await cluster?.stop().catch(() => undefined)
}
