/**
 * @module services/status/probes
 * The four live checks shared by /api/status, the uptime job and /health/detailed: Gateway (this
 * process: event-loop turn), Evolution API (upstream GET /, 200 = up), PostgreSQL (select 1), Redis
 * (PING). Each resolves, never throws, with its latency in ms.
 */
import type { Deps } from '../../deps.js'
import { ping } from '../../db/queries/server.js'
import type { ServiceState } from './overall.js'

export const SERVICE_NAMES = ['Gateway', 'Evolution API', 'PostgreSQL', 'Redis'] as const
export type ServiceName = (typeof SERVICE_NAMES)[number]
export type ProbeResult = { name: ServiceName; status: ServiceState; response_time: number; error: string | null }

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timeout after ${ms} ms`)), ms).unref())])

async function timed(name: ServiceName, fn: () => Promise<string | null>): Promise<ProbeResult> {
  const t = performance.now()
  let error: string | null
  try {
    error = await fn()
  } catch (err) {
    error = (err as Error).message
  }
  return { name, status: error === null ? 'operational' : 'major_outage', response_time: Math.round(performance.now() - t), error }
}

export function probeUpstream(deps: Deps, timeoutMs: number): Promise<ProbeResult> {
  return timed('Evolution API', async () => {
    const res = await deps.upstream.request('GET', '/', undefined, { timeoutMs })
    return res.status === 200 ? null : `status ${res.status}`
  })
}

export function probeDb(deps: Deps, timeoutMs: number): Promise<ProbeResult> {
  return timed('PostgreSQL', async () => {
    await withTimeout(ping(deps.sql), timeoutMs)
    return null
  })
}

export function probeRedis(deps: Deps, timeoutMs: number): Promise<ProbeResult> {
  return timed('Redis', async () => {
    const pong = await withTimeout(deps.redis.ping(), timeoutMs)
    return pong === 'PONG' ? null : `unexpected reply ${pong}`
  })
}

/** The gateway is the process answering; its latency is one event-loop turn (a stalled loop shows). */
export function probeGateway(): Promise<ProbeResult> {
  return timed('Gateway', () => new Promise((resolve) => setImmediate(() => resolve(null))))
}

export async function probeAll(deps: Deps, timeoutMs = 3000): Promise<ProbeResult[]> {
  return Promise.all([probeGateway(), probeUpstream(deps, timeoutMs), probeDb(deps, timeoutMs), probeRedis(deps, timeoutMs)])
}
