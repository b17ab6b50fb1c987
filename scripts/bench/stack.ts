/**
 * @module scripts/bench/stack
 * What the benchmark runs against: PostgreSQL/Redis (the harness's, private throwaway ones when none
 * answers), a fresh database, the fast responder as the upstream, the bare proxy, and gateways started
 * with every check on. Data is seeded the way a user would get it (admin API), ownership rows by SQL.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import postgres from 'postgres'
import { startService, type RunningService } from '../lib/child.js'
import { currentEnv, mallocEnv, readLauncherEnv, type Env } from '../lib/env.js'
import { dropDatabase, ensureDatabase, withDatabase } from '../lib/pg-admin.js'
import { ARTIFACTS_DIR, dataDir } from '../lib/paths.js'
import { freePort } from '../lib/ports.js'
import { ensureServices, type Services } from '../lib/services.js'
import type { GatewayProcess } from '../lib/stack.js'

export const LOG_DIR = path.join(ARTIFACTS_DIR, 'bench')
export const INSTANCE = 'bench_instance'
export const USER_PASSWORD = 'Bench_Passw0rd'

export type BenchStack = {
  databaseUrl: string
  /** Gateway entry: the compiled dist/ (production-like) unless --source. */
  gatewayEntry: string
  env: Env
  responder: { url: string; service: RunningService }
  bare: { url: string; service: RunningService }
  stop: () => Promise<void>
}

export async function helper(file: string, env: Env, name: string): Promise<{ url: string; service: RunningService }> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const service = await startService({
    name,
    entry: `scripts/bench/${file}`,
    env: { ...currentEnv(), ...env, BENCH_PORT: String(port) },
    logFile: path.join(LOG_DIR, `${name}.log`),
    readyUrl: `${url}/`,
    readyTimeoutMs: 30_000,
  })
  prioritize(service.pid)
  return { url, service }
}

export async function startBenchStack(gatewayEntry: string): Promise<BenchStack> {
  const launcher = readLauncherEnv()
  const services: Services = await ensureServices({ launcher, scope: 'test', dataDir: dataDir() })
  const databaseUrl = withDatabase(services.databaseUrl, `taguato_bench_${crypto.randomBytes(4).toString('hex')}`)
  await ensureDatabase(databaseUrl)
  // Own Redis logical database: the bench's user ids must not share rate-limit keys with a test run.
  const redis = new URL(services.redisUrl)
  redis.pathname = '/7'
  const responder = await helper('responder.ts', {}, 'responder')
  const bare = await helper('bare-proxy.ts', { BENCH_TARGET: responder.url }, 'bare-proxy')
  const env: Env = {
    ...currentEnv(),
    NODE_ENV: 'production',
    GATEWAY_WORKERS: '1',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.toString(),
    UPSTREAM_URL: responder.url,
    AUTHENTICATION_API_KEY: crypto.randomBytes(24).toString('hex'),
    ADMIN_USERNAME: 'admin',
    ADMIN_PASSWORD: `Adm_${crypto.randomBytes(8).toString('hex')}`,
    LOG_LEVEL: process.env.LOG_LEVEL || 'info',
    ...mallocEnv({}),
    // The per-IP /message/* limit stays on but out of reach: every bench request comes from 127.0.0.1.
    MESSAGE_IP_RATE: '10000000',
    MESSAGE_IP_BURST: '10000000',
  }
  return {
    databaseUrl,
    gatewayEntry,
    env,
    responder,
    bare,
    stop: async () => {
      await bare.service.stop().catch(() => undefined)
      await responder.service.stop().catch(() => undefined)
      await dropDatabase(databaseUrl).catch(() => undefined)
      await services.stop()
    },
  }
}

export type Instruments = { cpuProfile?: boolean; memLog?: boolean; allocProfile?: boolean }

/** A gateway with the bench environment plus `overrides`, optionally instrumented (instrumented-gateway.ts). */
export async function startBenchGateway(stack: Pick<BenchStack, 'env' | 'gatewayEntry'>, overrides: Env, logName: string, inst: Instruments = {}): Promise<GatewayProcess> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const logFile = path.join(LOG_DIR, `${logName}.log`)
  fs.rmSync(logFile, { force: true })
  const svc = await startService({
    name: `gateway :${port}`,
    entry: inst.cpuProfile || inst.memLog || inst.allocProfile ? 'scripts/bench/instrumented-gateway.ts' : stack.gatewayEntry,
    env: {
      ...stack.env,
      ...overrides,
      GATEWAY_PORT: String(port),
      BENCH_PROFILE_DIR: path.join(LOG_DIR, 'profiles'),
      BENCH_CPU_PROFILE: inst.cpuProfile ? '1' : '',
      BENCH_MEMLOG: inst.memLog ? '1' : '',
      BENCH_ALLOC_PROFILE: inst.allocProfile ? '1' : '',
      BENCH_GATEWAY_MODULE: stack.gatewayEntry,
    },
    logFile,
    readyUrl: `${url}/health/ready`,
    readyTimeoutMs: 120_000,
    nodeArgs: gatewayNodeArgs(),
  })
  prioritize(svc.pid)
  return { url, port, pid: svc.pid, logFile, exited: svc.exited, stop: svc.stop, kill: svc.kill }
}

/** V8 flags of the gateway process only (cluster workers inherit them): BENCH_GATEWAY_NODE_ARGS overrides. */
export function gatewayNodeArgs(): string[] {
  const raw = process.env.BENCH_GATEWAY_NODE_ARGS
  return (raw ?? '').split(/\s+/).filter(Boolean)
}

/**
 * --priority N (niceness, e.g. -10 as root): the bench's processes get the CPU first on a shared box, so
 * other work on the machine disturbs the figures less. Applied to the whole process group (cluster
 * workers are forked later and inherit it from the primary).
 */
export function prioritize(pid: number): void {
  const nice = Number(process.env.BENCH_PRIORITY ?? '0')
  if (!nice) return
  try {
    os.setPriority(pid, nice)
  } catch {
    // Not permitted (not root): run at normal priority.
  }
}

async function post(url: string, body: unknown, token?: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { apikey: token } : {}) },
    body: JSON.stringify(body),
  })
  return { status: res.status, json: (await res.json().catch(() => ({}))) as Record<string, unknown> }
}

export type Seeded = { username: string; token: string }

/** Admin creates the bench user (huge rate limit); it owns INSTANCE and a few templates. */
export async function seed(stack: Pick<BenchStack, 'env' | 'databaseUrl'>, gatewayUrl: string): Promise<Seeded> {
  const admin = await post(`${gatewayUrl}/api/auth/login`, { username: 'admin', password: stack.env.ADMIN_PASSWORD })
  if (admin.status !== 200) throw new Error(`admin login failed: ${admin.status} ${JSON.stringify(admin.json)}`)
  const username = `bench_${crypto.randomBytes(3).toString('hex')}`
  const created = await post(`${gatewayUrl}/admin/users`, { username, password: USER_PASSWORD, rate_limit: 1_000_000_000, max_instances: 5 }, admin.json.token as string)
  if (created.status !== 201) throw new Error(`creating the bench user failed: ${created.status} ${JSON.stringify(created.json)}`)
  const userId = (created.json.user as { id: number }).id
  const sql = postgres(stack.databaseUrl, { max: 1, onnotice: () => undefined })
  try {
    await sql`update taguato.users set must_change_password = false where id = ${userId}`
    await sql`insert into taguato.user_instances (user_id, instance_name) values (${userId}, ${INSTANCE})`
    for (let i = 1; i <= 5; i++) {
      await sql`insert into taguato.message_templates (user_id, name, content) values (${userId}, ${`Template ${i}`}, ${`Hola {{name}}, mensaje ${i}`})`
    }
  } finally {
    await sql.end()
  }
  const login = await post(`${gatewayUrl}/api/auth/login`, { username, password: USER_PASSWORD })
  if (login.status !== 200) throw new Error(`bench user login failed: ${login.status}`)
  return { username, token: login.json.token as string }
}
