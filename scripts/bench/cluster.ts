/**
 * @module scripts/bench/cluster
 * Upstream replicas for the bench (`--replicas`, `--sessions`): sandbox-driver upstreams on one fresh
 * database of their own, each with its UPSTREAM_NODE_ID (up-1, up-2...) and loopback advertise URL, as
 * scripts/cluster-extra.ts boots them for the e2e test. Also what the two runs observe: GET /placement,
 * the in-memory connection state of every instance, RSS of a replica's process tree, and kill -9.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { startService, type RunningService } from '../lib/child.js'
import { currentEnv, mallocEnv, readLauncherEnv, type Env } from '../lib/env.js'
import { dropDatabase, ensureDatabase, withDatabase } from '../lib/pg-admin.js'
import { dataDir } from '../lib/paths.js'
import { freePort } from '../lib/ports.js'
import { isAlive, signal, sleep } from '../lib/proc.js'
import { ensureServices } from '../lib/services.js'
import { processTree } from './load.js'
import { LOG_DIR, prioritize } from './stack.js'

export type Replica = { nodeId: string; url: string; service: RunningService; killed: boolean }

export type PlacementView = {
  replicas: { nodeId: string; url: string; live: boolean; instances: number; rssBytes: number }[]
  instances: { name: string; nodeId: string | null; connectionStatus: string }[]
}

export type Cluster = {
  databaseUrl: string
  /** What every replica got (the gateway reuses DATABASE_URL, REDIS_URL, the keys). */
  env: Env
  apiKey: string
  replicas: Replica[]
  /** Spawns replica `nodeId`; resolves once its /health/ready says 200 (joined placement, took its share). */
  add: (nodeId: string) => Promise<Replica>
  /** kill -9 of the replica's cluster primary and its worker at once: no drain, no goodbye. */
  kill9: (r: Replica) => Promise<void>
  /** GET /placement from the first live replica that answers (null when none does). */
  placement: () => Promise<PlacementView | null>
  /** Every replica (SIGTERM, then SIGKILL of the group), then the database. Idempotent. */
  stop: () => Promise<void>
}

/** Upstream entry: compiled (production-like) unless `--source`. */
export const upstreamEntry = (source: boolean) => (source ? 'upstream/src/server.ts' : 'dist/upstream/src/server.js')

export async function startCluster(opts: { entry: string; overrides?: Env; tag: string }): Promise<Cluster> {
  const services = await ensureServices({ launcher: readLauncherEnv(), scope: 'test', dataDir: dataDir() })
  const databaseUrl = withDatabase(services.databaseUrl, `taguato_bench_${crypto.randomBytes(4).toString('hex')}`)
  await ensureDatabase(databaseUrl)
  const redis = new URL(services.redisUrl)
  redis.pathname = '/7'
  const apiKey = crypto.randomBytes(24).toString('hex')
  const env: Env = {
    ...currentEnv(),
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.toString(),
    AUTHENTICATION_API_KEY: apiKey,
    ADMIN_USERNAME: 'admin',
    ADMIN_PASSWORD: `Adm_${crypto.randomBytes(8).toString('hex')}`,
    LOG_LEVEL: process.env.LOG_LEVEL || 'info',
    UPSTREAM_DRIVER: 'sandbox',
    // No receipts and no global webhook: the run measures sends and placement, not event delivery.
    SANDBOX_ACK_DELAY_MS: '-1',
    SANDBOX_AUTOCONNECT_MS: '100',
    WEBHOOK_GLOBAL_URL: '',
    ...mallocEnv({}),
    ...opts.overrides,
  }
  const replicas: Replica[] = []
  let stopped: Promise<void> | null = null

  const add = async (nodeId: string): Promise<Replica> => {
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    const logFile = path.join(LOG_DIR, `${opts.tag}-${nodeId}.log`)
    fs.rmSync(logFile, { force: true })
    const service = await startService({
      name: `upstream ${nodeId} :${port}`,
      entry: opts.entry,
      env: { ...env, UPSTREAM_PORT: String(port), UPSTREAM_HOST: '127.0.0.1', UPSTREAM_NODE_ID: nodeId, UPSTREAM_ADVERTISE_URL: url, UPSTREAM_SERVER_URL: url },
      logFile,
      readyUrl: `${url}/health/ready`,
      readyTimeoutMs: 180_000,
    })
    prioritize(service.pid)
    const r: Replica = { nodeId, url, service, killed: false }
    replicas.push(r)
    return r
  }

  const kill9 = async (r: Replica): Promise<void> => {
    r.killed = true
    for (const pid of processTree(r.service.pid)) signal(pid, 'SIGKILL')
    while (isAlive(r.service.pid)) await sleep(50)
  }

  const placement = async (): Promise<PlacementView | null> => {
    for (const r of replicas) {
      if (r.killed) continue
      try {
        const res = await fetch(`${r.url}/placement`, { headers: { apikey: apiKey }, signal: AbortSignal.timeout(10_000) })
        if (res.status === 200) return (await res.json()) as PlacementView
        await res.body?.cancel()
      } catch {
        // this replica is not answering: ask the next one
      }
    }
    return null
  }

  return {
    databaseUrl,
    env,
    apiKey,
    replicas,
    add,
    kill9,
    placement,
    stop: () =>
      (stopped ??= (async () => {
        await Promise.allSettled(replicas.map((r) => r.service.stop(20_000)))
        await dropDatabase(databaseUrl).catch(() => undefined)
        await services.stop()
      })()),
  }
}

/** Summed VmRSS of a process and its direct children (a replica: primary + worker), in bytes. */
export function treeRssBytes(pid: number): number {
  let kb = 0
  for (const p of processTree(pid)) {
    try {
      const m = fs.readFileSync(`/proc/${p}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m)
      kb += m ? Number(m[1]) : 0
    } catch {
      // gone
    }
  }
  return kb * 1024
}

/** Runs `fn` over `items`, `limit` at a time. */
export async function pool<T>(items: T[], limit: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!)
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}

/** The instances (by name) whose in-memory session (GET /instance/connectionState, forwarded to the owner) is not open. */
export async function notOpen(cluster: Cluster, names: string[], concurrency = 16): Promise<string[]> {
  const live = cluster.replicas.filter((r) => !r.killed)
  const bad: string[] = []
  let k = 0
  await pool(names, concurrency, async (name) => {
    const base = live[k++ % live.length]!.url
    try {
      const res = await fetch(`${base}/instance/connectionState/${encodeURIComponent(name)}`, { headers: { apikey: cluster.apiKey }, signal: AbortSignal.timeout(15_000) })
      const body = (await res.json().catch(() => null)) as { instance?: { state?: string } } | null
      if (res.status !== 200 || body?.instance?.state !== 'open') bad.push(name)
    } catch {
      bad.push(name)
    }
  })
  return bad
}

/**
 * Polls until every named instance has a live owner outside `excluded` with status open in PostgreSQL,
 * then until each one's session answers open (the owner really resumed it). Returns the seconds to
 * each of the two, measured from `t0` (performance.now()).
 */
export async function waitPlaced(
  cluster: Cluster,
  names: string[],
  t0: number,
  opts: { excluded?: string; timeoutMs: number; pollMs?: number },
): Promise<{ ownedS: number; openS: number; view: PlacementView }> {
  const wanted = new Set(names)
  const deadline = performance.now() + opts.timeoutMs
  let view: PlacementView | null = null
  let last = ''
  for (;;) {
    view = await cluster.placement()
    if (view) {
      const ok = view.instances.filter((i) => wanted.has(i.name) && i.nodeId !== null && i.nodeId !== opts.excluded && i.connectionStatus === 'open').length
      last = `${ok}/${names.length} owned`
      if (ok === names.length) break
    }
    if (performance.now() > deadline) throw new Error(`not placed after ${opts.timeoutMs / 1000} s (${last || 'no /placement answer'})`)
    await sleep(opts.pollMs ?? 250)
  }
  const ownedS = (performance.now() - t0) / 1000
  let pending = names
  while (pending.length > 0) {
    pending = await notOpen(cluster, pending)
    if (pending.length === 0) break
    if (performance.now() > deadline) throw new Error(`${pending.length} sessions not open after ${opts.timeoutMs / 1000} s (e.g. ${pending.slice(0, 3).join(', ')})`)
    await sleep(250)
  }
  const final = (await cluster.placement()) ?? view
  return { ownedS, openS: (performance.now() - t0) / 1000, view: final }
}

/** "up-1 334, up-2 333, ..." for the named instances of a placement view. */
export function spread(view: PlacementView, names?: Set<string>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const i of view.instances) if (i.nodeId && (!names || names.has(i.name))) out[i.nodeId] = (out[i.nodeId] ?? 0) + 1
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)))
}
