/**
 * @module scripts/lib/proc
 * Small process helpers: run a command to completion, find a binary, stop a pid politely then firmly.
 */
import { spawn, type SpawnOptions } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

export type RunResult = { code: number; stdout: string; stderr: string }

/** Runs a command and collects its output; never throws on a non-zero exit (callers decide). */
export function run(cmd: string, args: string[], opts: SpawnOptions & { echo?: boolean } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString()
      if (opts.echo) process.stderr.write(d)
    })
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString()
      if (opts.echo) process.stderr.write(d)
    })
    child.once('error', (err) => resolve({ code: 127, stdout, stderr: stderr + String(err) }))
    child.once('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }))
  })
}

/** Runs a command and throws with its output when it fails. */
export async function runOrThrow(cmd: string, args: string[], opts: SpawnOptions & { echo?: boolean } = {}): Promise<string> {
  const r = await run(cmd, args, opts)
  if (r.code !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.code}):\n${(r.stderr || r.stdout).trim()}`)
  }
  return r.stdout
}

/** Absolute path of an executable found in PATH (or null). */
export function which(name: string, pathVar = process.env.PATH ?? ''): string | null {
  for (const dir of pathVar.split(path.delimiter)) {
    if (!dir) continue
    const candidate = path.join(dir, name)
    try {
      fs.accessSync(candidate, fs.constants.X_OK)
      if (fs.statSync(candidate).isFile()) return candidate
    } catch {
      // not here; keep looking
    }
  }
  return null
}

/** True while the pid exists and is not a zombie (PID 1 in containers does not always reap). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Field 3 (after the parenthesised command name) is the state; Z = zombie, X = dead.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)
    return state !== 'Z' && state !== 'X'
  } catch {
    return true // no /proc (not Linux): trust kill(0)
  }
}

/** Sends a signal, ignoring "no such process". `group` targets the whole process group of a detached child. */
export function signal(pid: number, sig: NodeJS.Signals, group = false): void {
  try {
    process.kill(group ? -pid : pid, sig)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/**
 * SIGTERM, wait up to `graceMs`, then SIGKILL. With `group`, the final SIGKILL also sweeps the child's
 * process group (cluster workers, helpers) so nothing outlives it. Resolves once the pid is gone.
 */
export async function terminate(pid: number, opts: { graceMs?: number; group?: boolean } = {}): Promise<void> {
  const graceMs = opts.graceMs ?? 10_000
  signal(pid, 'SIGTERM')
  const deadline = Date.now() + graceMs
  while (isAlive(pid) && Date.now() < deadline) await sleep(100)
  if (isAlive(pid)) signal(pid, 'SIGKILL', false)
  if (opts.group) signal(pid, 'SIGKILL', true)
  const hard = Date.now() + 5000
  while (isAlive(pid) && Date.now() < hard) await sleep(50)
}

/** The last `lines` lines of a text file ('' when it does not exist). */
export function tailFile(file: string, lines = 40): string {
  try {
    const text = fs.readFileSync(file, 'utf8')
    return text.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1).slice(-lines).join('\n')
  } catch {
    return ''
  }
}
