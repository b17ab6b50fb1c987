/**
 * @module scripts/lib/private-redis
 * A Redis of our own under .data/ when none is reachable: redis-server daemonised on a free loopback
 * port, no persistence (sessions and rate-limit counters are disposable), killed when the launcher stops.
 */
import fs from 'node:fs'
import path from 'node:path'
import { say } from './log.js'
import { freePort } from './ports.js'
import type { PrivateServer } from './private-postgres.js'
import { isAlive, run, sleep, terminate } from './proc.js'
import { probeRedis } from './redis-probe.js'

export type PrivateRedisOptions = { dir: string; bin: string; ephemeral: boolean; dbPath: string }

const readPid = (file: string): number => (fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8').trim()) || 0 : 0)

/** Refuses a dir a live launcher uses; kills a redis-server a crashed launcher left behind. */
async function takeOwnership(dir: string, pidFile: string): Promise<void> {
  const ownerFile = path.join(dir, 'owner.pid')
  const owner = readPid(ownerFile)
  if (owner && owner !== process.pid && isAlive(owner)) {
    throw new Error(`the private Redis in ${dir} belongs to a running launcher (pid ${owner}); stop it first`)
  }
  const leftover = readPid(pidFile)
  if (leftover && isAlive(leftover)) {
    const comm = fs.existsSync(`/proc/${leftover}/comm`) ? fs.readFileSync(`/proc/${leftover}/comm`, 'utf8') : ''
    if (comm.includes('redis')) {
      say('stopping a private Redis left running by an earlier launcher')
      await terminate(leftover, { graceMs: 5000 })
    }
  }
  fs.rmSync(pidFile, { force: true })
  fs.writeFileSync(ownerFile, String(process.pid))
}

export async function startPrivateRedis(opts: PrivateRedisOptions): Promise<PrivateServer> {
  fs.mkdirSync(opts.dir, { recursive: true })
  const pidFile = path.join(opts.dir, 'redis.pid')
  const logFile = path.join(opts.dir, 'redis.log')
  await takeOwnership(opts.dir, pidFile)

  const port = await freePort()
  const r = await run(opts.bin, [
    '--port', String(port), '--bind', '127.0.0.1', '--protected-mode', 'yes',
    '--daemonize', 'yes', '--pidfile', pidFile, '--logfile', logFile, '--dir', opts.dir,
    '--save', '', '--appendonly', 'no',
  ], { cwd: opts.dir })
  if (r.code !== 0) throw new Error(`redis-server did not start (exit ${r.code}): ${r.stderr || r.stdout}`)

  const url = `redis://127.0.0.1:${port}${opts.dbPath}`
  const deadline = Date.now() + 15_000
  while (!(await probeRedis(url)).ok) {
    if (Date.now() > deadline) {
      const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n') : ''
      throw new Error(`private Redis did not answer on port ${port}:\n${log}`)
    }
    await sleep(100)
  }

  let stopped = false
  return {
    url,
    describe: `private Redis on 127.0.0.1:${port} (${opts.dir})`,
    stop: async () => {
      if (stopped) return
      stopped = true
      const pid = readPid(pidFile)
      if (pid) await terminate(pid, { graceMs: 5000 })
      if (opts.ephemeral) fs.rmSync(opts.dir, { recursive: true, force: true })
      else fs.rmSync(path.join(opts.dir, 'owner.pid'), { force: true })
    },
  }
}
