/**
 * @module tests/support/private-servers
 * A PostgreSQL and a Redis of the test's own, for outage tests: they stop (`pg_ctl -m fast stop`),
 * start again on the same port, freeze (SIGSTOP) and thaw. The machine's shared servers (5432, 6379)
 * are never touched: other suites use them. Throwaway: `destroy()` removes the data directory.
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { findPgBinDir, findRedisServer, isRoot } from '../../scripts/lib/binaries.js'
import { freePort } from '../../scripts/lib/ports.js'

const run = promisify(execFile)

export type PrivatePg = {
  url: string
  /** pg_ctl -m fast stop: sessions are terminated (57P01), then the port refuses connections. */
  stop: () => Promise<void>
  start: () => Promise<void>
  destroy: () => Promise<void>
}

export type PrivateRedis = {
  url: string
  pid: number
  freeze: () => void
  thaw: () => void
  destroy: () => Promise<void>
}

/** Runs a PostgreSQL binary as the `postgres` user when we are root (initdb and postgres refuse root). */
function pg(bin: string, args: string[]): Promise<{ stdout: string }> {
  const dir = findPgBinDir()
  if (!dir) throw new Error('PostgreSQL server binaries (initdb, pg_ctl) not found')
  const file = path.join(dir, bin)
  return isRoot() ? run('runuser', ['-u', 'postgres', '--', file, ...args]) : run(file, args)
}

export async function startPrivatePg(): Promise<PrivatePg> {
  // Short path: the socket directory must fit sockaddr_un.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-pg-'))
  fs.chmodSync(dir, 0o755)
  if (isRoot()) await run('chown', ['postgres:postgres', dir])
  const data = path.join(dir, 'data')
  await pg('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'])
  const port = await freePort()
  const opts = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100`
  const start = async () => {
    await pg('pg_ctl', ['-D', data, '-l', path.join(dir, 'postgres.log'), '-w', '-t', '60', '-o', opts, 'start'])
  }
  const stop = async () => {
    await pg('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop'])
  }
  await start()
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    destroy: async () => {
      await pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined)
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const bin = findRedisServer()
  if (!bin) throw new Error('redis-server not found')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-redis-'))
  const port = await freePort()
  const pidFile = path.join(dir, 'redis.pid')
  await run(bin, ['--port', String(port), '--bind', '127.0.0.1', '--daemonize', 'yes', '--pidfile', pidFile, '--dir', dir, '--save', '', '--appendonly', 'no', '--logfile', path.join(dir, 'redis.log')])
  const deadline = Date.now() + 10_000
  while (!fs.existsSync(pidFile) || !fs.readFileSync(pidFile, 'utf8').trim()) {
    if (Date.now() > deadline) throw new Error('private redis-server did not start')
    await new Promise((r) => setTimeout(r, 50))
  }
  const pid = Number(fs.readFileSync(pidFile, 'utf8').trim())
  return {
    url: `redis://127.0.0.1:${port}`,
    pid,
    freeze: () => process.kill(pid, 'SIGSTOP'),
    thaw: () => process.kill(pid, 'SIGCONT'),
    destroy: async () => {
      try {
        process.kill(pid, 'SIGCONT')
        process.kill(pid, 'SIGKILL')
      } catch {
        // already gone
      }
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}
