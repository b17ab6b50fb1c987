/**
 * @module scripts/lib/child
 * One service process (upstream or gateway): a TypeScript entry run by node + tsx in its own process
 * group, output to a log file (and optionally echoed to the terminal), ready when an HTTP probe says 200.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import type { Env } from './env.js'
import { REPO_ROOT } from './paths.js'
import { signal, sleep, tailFile, terminate } from './proc.js'

export type ServiceSpec = {
  name: string
  /** Entry file relative to the repo root, e.g. `gateway/src/server.ts`. */
  entry: string
  env: Env
  logFile: string
  /** URL answering 200 once the service is ready. */
  readyUrl: string
  readyTimeoutMs: number
  /** Also copy the output to this process's stdout/stderr (npm start). */
  echo?: boolean
  /** Let the caller exit while the service keeps running (gateway-extra CLI). */
  detachFully?: boolean
  /** Node flags for this process only (e.g. V8 heap sizes), before the entry. */
  nodeArgs?: string[]
}

export type RunningService = {
  name: string
  pid: number
  logFile: string
  /** Resolves with the exit code (or 128+signal) once the process has exited. */
  exited: Promise<number>
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when gone. */
  stop: (graceMs?: number) => Promise<void>
  kill: (sig?: NodeJS.Signals) => void
}

/** Raised when a service exits or stays unready; carries the tail of its log so the cause is visible. */
export class ServiceStartError extends Error {
  override name = 'ServiceStartError'
}

function spawnChild(spec: ServiceSpec): ChildProcess {
  fs.mkdirSync(path.dirname(spec.logFile), { recursive: true })
  // `node --import tsx` instead of `npx tsx`: one process, so our signals reach the server itself.
  // Compiled entries (the bench's dist/) run as production does: plain `node`, no tsx loader.
  const args = [...(spec.nodeArgs ?? []), ...(spec.entry.endsWith('.js') ? [] : ['--import', 'tsx']), spec.entry]
  // Own process group (detached): a terminal Ctrl-C does not hit the services directly, so the launcher
  // stops them in order (gateway before upstream before the databases).
  if (!spec.echo) {
    const fd = fs.openSync(spec.logFile, 'a')
    try {
      return spawn(process.execPath, args, { cwd: REPO_ROOT, env: spec.env, detached: true, stdio: ['ignore', fd, fd] })
    } finally {
      fs.closeSync(fd)
    }
  }
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: spec.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  const log = fs.createWriteStream(spec.logFile, { flags: 'a' })
  child.stdout?.on('data', (d: Buffer) => (log.write(d), process.stdout.write(d)))
  child.stderr?.on('data', (d: Buffer) => (log.write(d), process.stderr.write(d)))
  child.once('close', () => log.end())
  return child
}

async function isReady(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) })
    await res.body?.cancel()
    return res.status === 200
  } catch {
    return false
  }
}

/** Starts the service and resolves once its readiness URL answers 200; throws ServiceStartError otherwise. */
export async function startService(spec: ServiceSpec): Promise<RunningService> {
  const child = spawnChild(spec)
  const pid = child.pid
  if (pid === undefined) throw new ServiceStartError(`${spec.name}: could not spawn ${process.execPath}`)
  let exitCode: number | null = null
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code, sig) => {
      exitCode = code ?? 128 + (sig ? (({ SIGTERM: 15, SIGKILL: 9, SIGINT: 2 }) as Record<string, number>)[sig] ?? 0 : 0)
      resolve(exitCode)
    })
  })
  if (spec.detachFully) child.unref()

  const service: RunningService = {
    name: spec.name,
    pid,
    logFile: spec.logFile,
    exited,
    stop: async (graceMs = 15_000) => {
      if (exitCode !== null) return signal(pid, 'SIGKILL', true) // sweep what it may have left in its group
      await terminate(pid, { graceMs, group: true })
      if (!spec.detachFully) await Promise.race([exited, sleep(2000)])
    },
    kill: (sig = 'SIGKILL') => signal(pid, sig),
  }

  const deadline = Date.now() + spec.readyTimeoutMs
  while (!(await isReady(spec.readyUrl))) {
    const failure =
      exitCode !== null
        ? `${spec.name} exited with code ${exitCode} before it was ready`
        : Date.now() > deadline
          ? `${spec.name} not ready after ${Math.round(spec.readyTimeoutMs / 1000)} s (${spec.readyUrl})`
          : null
    if (failure) {
      await service.stop(3000)
      const tail = tailFile(spec.logFile, 40)
      throw new ServiceStartError(`${failure}. Last lines of ${path.relative(process.cwd(), spec.logFile)}:\n${tail || '(empty)'}`)
    }
    await sleep(150)
  }
  return service
}
