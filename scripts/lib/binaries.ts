/**
 * @module scripts/lib/binaries
 * Finds the machine's PostgreSQL and Redis server binaries and, as root on Debian, installs the
 * missing ones. Otherwise says exactly what to install: the launcher never guesses at a package manager.
 */
import fs from 'node:fs'
import path from 'node:path'
import { say } from './log.js'
import { run, which } from './proc.js'

/** A failure the user fixes by installing something; the CLIs print it without a stack trace. */
export class MissingDependencyError extends Error {
  override name = 'MissingDependencyError'
}

export const isRoot = (): boolean => process.getuid?.() === 0

/** The directory holding initdb, pg_ctl and postgres (PATH first, then Debian's versioned dirs, newest first). */
export function findPgBinDir(): string | null {
  const hasAll = (dir: string) => ['initdb', 'pg_ctl', 'postgres'].every((b) => fs.existsSync(path.join(dir, b)))
  const onPath = which('pg_ctl')
  if (onPath) {
    // Debian links /usr/local/bin/pg_ctl -> /usr/lib/postgresql/N/bin/pg_ctl; pg_ctl wants postgres beside it.
    const dir = path.dirname(fs.realpathSync(onPath))
    if (hasAll(dir)) return dir
  }
  const root = '/usr/lib/postgresql'
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : []
  for (const v of versions) if (hasAll(path.join(root, v, 'bin'))) return path.join(root, v, 'bin')
  return null
}

export function findRedisServer(): string | null {
  return which('redis-server') ?? (fs.existsSync('/usr/bin/redis-server') ? '/usr/bin/redis-server' : null)
}

const PACKAGES = { postgres: 'postgresql', redis: 'redis-server' } as const
export type Server = keyof typeof PACKAGES

/**
 * Installs Debian packages for the missing servers when we are root with apt-get; otherwise throws a
 * MissingDependencyError naming the exact command to run.
 */
export async function installServers(missing: Server[]): Promise<void> {
  if (missing.length === 0) return
  const pkgs = missing.map((m) => PACKAGES[m])
  const hint =
    `Missing ${missing.map((m) => (m === 'postgres' ? 'PostgreSQL server binaries (initdb, pg_ctl)' : 'redis-server')).join(' and ')}.\n` +
    `Install them, e.g. on Debian/Ubuntu:\n    sudo apt-get update && sudo apt-get install -y ${pkgs.join(' ')}\n` +
    `or point DATABASE_URL / REDIS_URL (in .env) at servers that are running.`
  if (!isRoot() || !which('apt-get')) throw new MissingDependencyError(hint)
  say(`installing ${pkgs.join(' ')} with apt-get (running as root)...`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  const update = await run('apt-get', ['update'], { env, echo: true })
  const install = update.code === 0 ? await run('apt-get', ['install', '-y', '--no-install-recommends', ...pkgs], { env, echo: true }) : update
  if (install.code !== 0) throw new MissingDependencyError(`apt-get failed (exit ${install.code}).\n${hint}`)
}

/** Command-line tools the e2e suite shells out to; installed like the servers when possible. */
export async function ensureTools(tools: string[]): Promise<void> {
  const missing = tools.filter((t) => !which(t))
  if (missing.length === 0) return
  const hint = `Missing command-line tools: ${missing.join(', ')}. Install them, e.g.:\n    sudo apt-get install -y ${missing.join(' ')}`
  if (!isRoot() || !which('apt-get')) throw new MissingDependencyError(hint)
  say(`installing ${missing.join(' ')} with apt-get...`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  await run('apt-get', ['update'], { env })
  const r = await run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env, echo: true })
  if (r.code !== 0) throw new MissingDependencyError(`apt-get failed (exit ${r.code}).\n${hint}`)
}

/**
 * The browser suite drives Debian's Chromium. When it is missing and we are root with apt-get, install
 * it; if that is impossible the browser tests skip themselves with a clear message (never a failure).
 */
export async function ensureChromium(): Promise<void> {
  if (fs.existsSync('/usr/bin/chromium')) return
  if (!isRoot() || !which('apt-get')) {
    say('chromium is not installed and cannot be installed here (not root or no apt-get): browser tests will skip')
    return
  }
  say('installing chromium with apt-get for the browser tests...')
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  await run('apt-get', ['update'], { env })
  const r = await run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { env, echo: true })
  if (r.code !== 0) say(`apt-get could not install chromium (exit ${r.code}): browser tests will skip`)
}
