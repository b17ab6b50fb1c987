/**
 * @module scripts/lib/stack
 * Boots the two services as child processes: the Evolution-compatible upstream first, then the gateway
 * in front of it (so the gateway's readiness can count on its upstream). Also starts extra gateways
 * against the same database and Redis, for tests that need replicas or different settings.
 */
import path from 'node:path'
import { startService, type RunningService } from './child.js'
import { mallocEnv, type Env } from './env.js'
import { ARTIFACTS_DIR } from './paths.js'
import { freePort } from './ports.js'
import { globalReceiverUrl } from '../../gateway/src/services/webhooks/tokens.js'

/** Entry files; TAGUATO_*_ENTRY override them (to test the launcher against stand-ins). */
export const UPSTREAM_ENTRY = process.env.TAGUATO_UPSTREAM_ENTRY || 'upstream/src/server.ts'
export const GATEWAY_ENTRY = process.env.TAGUATO_GATEWAY_ENTRY || 'gateway/src/server.ts'

export type ProcessOptions = {
  /** Fixed port; a free one is picked when absent. */
  port?: number
  /** Directory for the log file (default test-artifacts/logs). */
  logDir?: string
  /** Log file base name, without `.log`. */
  logName?: string
  /** Copy the output to the terminal as well. */
  echo?: boolean
  readyTimeoutMs?: number
  /** Let the calling process exit while this one runs on (CLI use). */
  detachFully?: boolean
}

export type GatewayProcess = {
  url: string
  port: number
  pid: number
  logFile: string
  exited: Promise<number>
  stop: (graceMs?: number) => Promise<void>
  kill: (sig?: NodeJS.Signals) => void
}

export type StackOptions = {
  /** Full environment for both children (process.env is NOT added: pass it in if wanted). */
  env: Env
  gatewayPort?: number
  upstreamPort?: number
  logDir?: string
  echo?: boolean
  readyTimeoutMs?: number
  /** Runs between "upstream ready" and "gateway starting" (e.g. the panel build). */
  beforeGateway?: () => Promise<void>
}

export type Stack = {
  gatewayUrl: string
  upstreamUrl: string
  /** The environment the gateway got (UPSTREAM_URL and ports filled in); reuse it for extra gateways. */
  env: Env
  logs: { gateway: string; upstream: string }
  gateway: GatewayProcess
  upstream: RunningService
  /**
   * Starts a fresh gateway or upstream (after it exited) with the same port, environment and log file;
   * `gateway`/`upstream` then name the new process. Throws when it does not become ready, or once the
   * stack is stopping.
   */
  restart: (which: 'gateway' | 'upstream') => Promise<void>
  /** Gateway first, then upstream (the current ones, after a restart still under way). Idempotent. */
  stop: () => Promise<void>
}

const DEFAULT_READY_MS = 120_000

/** Starts one gateway with `env` (GATEWAY_PORT set to the chosen port) and waits for /health/ready. */
export async function startGateway(env: Env, opts: ProcessOptions = {}): Promise<GatewayProcess> {
  const port = opts.port ?? (await freePort())
  const logFile = path.join(opts.logDir ?? path.join(ARTIFACTS_DIR, 'logs'), `${opts.logName ?? `gateway-${port}`}.log`)
  const url = `http://127.0.0.1:${port}`
  const svc = await startService({
    name: `gateway :${port}`,
    entry: GATEWAY_ENTRY,
    env: { ...env, ...mallocEnv(env), GATEWAY_PORT: String(port) },
    logFile,
    readyUrl: `${url}/health/ready`,
    readyTimeoutMs: opts.readyTimeoutMs ?? DEFAULT_READY_MS,
    echo: opts.echo,
    detachFully: opts.detachFully,
  })
  return { url, port, pid: svc.pid, logFile, exited: svc.exited, stop: svc.stop, kill: svc.kill }
}

/** Starts the upstream with `env` and waits for `GET /` to answer 200. */
export async function startUpstream(env: Env, opts: ProcessOptions = {}): Promise<{ url: string; port: number; service: RunningService }> {
  const port = opts.port ?? (await freePort())
  const url = `http://127.0.0.1:${port}`
  const service = await startService({
    name: `upstream :${port}`,
    entry: UPSTREAM_ENTRY,
    env: { ...env, UPSTREAM_PORT: String(port) },
    logFile: path.join(opts.logDir ?? path.join(ARTIFACTS_DIR, 'logs'), `${opts.logName ?? `upstream-${port}`}.log`),
    readyUrl: `${url}/`,
    readyTimeoutMs: opts.readyTimeoutMs ?? DEFAULT_READY_MS,
    echo: opts.echo,
    detachFully: opts.detachFully,
  })
  return { url, port, service }
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const upstreamPort = opts.upstreamPort ?? (await freePort())
  const gatewayPort = opts.gatewayPort ?? (await freePort())
  const common = { logDir: opts.logDir, echo: opts.echo, readyTimeoutMs: opts.readyTimeoutMs }
  const upstreamUrl = `http://127.0.0.1:${upstreamPort}`
  const env: Env = {
    ...opts.env,
    UPSTREAM_PORT: String(upstreamPort),
    GATEWAY_PORT: String(gatewayPort),
    UPSTREAM_URL: upstreamUrl,
  }
  // The upstream's global webhook feeds the gateway's delivery statuses (sent -> delivered -> read).
  const key = env.AUTHENTICATION_API_KEY
  const globalUrl = env.WEBHOOK_GLOBAL_URL || (key ? globalReceiverUrl(`http://127.0.0.1:${gatewayPort}`, key) : '')
  const upstreamEnv: Env = { ...env, WEBHOOK_GLOBAL_URL: globalUrl }
  const bootUpstream = async () => (await startUpstream(upstreamEnv, { ...common, port: upstreamPort, logName: 'upstream' })).service
  const bootGateway = () => startGateway(env, { ...common, port: gatewayPort, logName: 'gateway' })
  const upstream = await bootUpstream()
  let gateway: GatewayProcess
  try {
    await opts.beforeGateway?.()
    gateway = await bootGateway()
  } catch (err) {
    await upstream.stop()
    throw err
  }
  let stopping: Promise<void> | null = null
  const restarts = new Set<Promise<void>>()
  const stack: Stack = {
    gatewayUrl: gateway.url,
    upstreamUrl,
    env,
    logs: { gateway: gateway.logFile, upstream: upstream.logFile },
    gateway,
    upstream,
    restart: async (which) => {
      if (stopping) throw new Error(`not restarting the ${which}: stopping`)
      const started = which === 'gateway' ? bootGateway().then((g) => void (stack.gateway = g)) : bootUpstream().then((u) => void (stack.upstream = u))
      restarts.add(started)
      try {
        await started
      } finally {
        restarts.delete(started)
      }
    },
    stop: () =>
      (stopping ??= (async () => {
        await Promise.allSettled([...restarts])
        await stack.gateway.stop()
        await stack.upstream.stop()
      })()),
  }
  return stack
}
