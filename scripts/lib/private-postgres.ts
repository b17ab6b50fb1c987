/**
 * @module scripts/lib/private-postgres
 * A PostgreSQL of our own under .data/ when no server is reachable: initdb once (trust auth, loopback
 * only, socket inside the data dir), pg_ctl start on a free port, pg_ctl stop when the launcher stops.
 * initdb and postgres refuse to run as root, so as root they run as the `postgres` user.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { isRoot, MissingDependencyError } from './binaries.js'
import { say } from './log.js'
import { freePort } from './ports.js'
import { isAlive, run, runOrThrow } from './proc.js'
import { REPO_ROOT } from './paths.js'

export type PrivateServer = { url: string; describe: string; stop: () => Promise<void> }

export type PrivatePostgresOptions = {
  /** Directory for this server (data/, run/, postgres.log live inside). */
  dir: string
  binDir: string
  /** Removed on stop (test runs); otherwise the data persists across `npm start`s. */
  ephemeral: boolean
  /** Database name for the returned URL (created later by the caller). */
  database: string
}

const OS_USER = 'postgres'
/** sockaddr_un.sun_path is 108 bytes; keep a margin for `/.s.PGSQL.65535`. */
const MAX_SOCKET_DIR = 90

/** Runs a PostgreSQL binary as the right OS user (ourselves, or `postgres` when we are root). */
function pgCommand(bin: string, args: string[]): [string, string[]] {
  return isRoot() ? ['runuser', ['-u', OS_USER, '--', bin, ...args]] : [bin, args]
}

async function canPostgresUserWrite(dir: string): Promise<boolean> {
  if (!isRoot()) return true
  const r = await run('runuser', ['-u', OS_USER, '--', 'test', '-w', dir])
  return r.code === 0
}

/**
 * Picks the directory: the requested one, unless the `postgres` user cannot reach it (a repo under
 * /root, say) or the socket path would be too long; then a per-repo directory under the system tmp.
 */
async function prepareDir(requested: string): Promise<string> {
  if (isRoot()) {
    const id = await run('id', ['-u', OS_USER])
    if (id.code !== 0) {
      throw new MissingDependencyError(`running as root, but there is no '${OS_USER}' OS user to run PostgreSQL as (install the postgresql package, or run as a normal user)`)
    }
  }
  const hash = crypto.createHash('sha1').update(path.resolve(REPO_ROOT, requested)).digest('hex').slice(0, 12)
  const candidates = [requested, path.join(os.tmpdir(), `taguato-pg-${hash}`)]
  for (const dir of candidates) {
    if (path.join(dir, 'run').length > MAX_SOCKET_DIR) continue
    fs.mkdirSync(path.join(dir, 'run'), { recursive: true })
    if (isRoot()) await runOrThrow('chown', ['-R', `${OS_USER}:${OS_USER}`, dir])
    fs.chmodSync(dir, 0o700)
    if (await canPostgresUserWrite(dir)) {
      if (dir !== requested) say(`PostgreSQL data kept in ${dir} (the '${OS_USER}' user cannot use ${requested})`)
      return dir
    }
  }
  throw new Error(`no directory usable by the '${OS_USER}' user for a private PostgreSQL (tried ${candidates.join(', ')})`)
}

/** Refuses to share a data dir with a live launcher; stops a server a crashed one left behind. */
async function takeOwnership(dir: string, pgCtl: string, pgData: string): Promise<void> {
  const ownerFile = path.join(dir, 'owner.pid')
  const owner = fs.existsSync(ownerFile) ? Number(fs.readFileSync(ownerFile, 'utf8').trim()) : 0
  if (owner && owner !== process.pid && isAlive(owner)) {
    throw new Error(`the private PostgreSQL in ${dir} belongs to a running launcher (pid ${owner}); stop it first`)
  }
  if (fs.existsSync(path.join(pgData, 'postmaster.pid'))) {
    const [cmd, args] = pgCommand(pgCtl, ['-D', pgData, 'status'])
    if ((await run(cmd, args, { cwd: dir })).code === 0) {
      say('stopping a private PostgreSQL left running by an earlier launcher')
      const [c2, a2] = pgCommand(pgCtl, ['-D', pgData, '-m', 'fast', '-w', 'stop'])
      await run(c2, a2, { cwd: dir })
    }
  }
  fs.writeFileSync(ownerFile, String(process.pid))
}

export async function startPrivatePostgres(opts: PrivatePostgresOptions): Promise<PrivateServer> {
  const dir = await prepareDir(opts.dir)
  const pgData = path.join(dir, 'data')
  const sockDir = path.join(dir, 'run')
  const logFile = path.join(dir, 'postgres.log')
  const pgCtl = path.join(opts.binDir, 'pg_ctl')

  if (!fs.existsSync(path.join(pgData, 'PG_VERSION'))) {
    say(`initialising a private PostgreSQL in ${pgData}`)
    const [cmd, args] = pgCommand(path.join(opts.binDir, 'initdb'), [
      '-D', pgData, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync',
    ])
    await runOrThrow(cmd, args, { cwd: dir })
  }
  await takeOwnership(dir, pgCtl, pgData)

  const port = await freePort()
  const settings = [
    '-c listen_addresses=127.0.0.1', `-p ${port}`, `-k "${sockDir}"`, '-c max_connections=300',
    // Test databases are thrown away: durability only costs time there.
    ...(opts.ephemeral ? ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off'] : []),
  ]
  const [cmd, args] = pgCommand(pgCtl, ['-D', pgData, '-l', logFile, '-w', '-t', '60', '-o', settings.join(' '), 'start'])
  const started = await run(cmd, args, { cwd: dir })
  if (started.code !== 0) {
    const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n') : ''
    throw new Error(`private PostgreSQL did not start:\n${started.stderr || started.stdout}\n${log}`)
  }

  let stopped = false
  return {
    url: `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(opts.database)}`,
    describe: `private PostgreSQL on 127.0.0.1:${port} (${pgData})`,
    stop: async () => {
      if (stopped) return
      stopped = true
      const [c, a] = pgCommand(pgCtl, ['-D', pgData, '-m', 'fast', '-w', '-t', '30', 'stop'])
      const r = await run(c, a, { cwd: dir })
      if (r.code !== 0) {
        // Last resort: the postmaster pid is the first line of postmaster.pid.
        const pidFile = path.join(pgData, 'postmaster.pid')
        const pid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]) : 0
        if (pid) process.kill(pid, 'SIGQUIT')
      }
      if (opts.ephemeral) fs.rmSync(dir, { recursive: true, force: true })
      else fs.rmSync(path.join(dir, 'owner.pid'), { force: true })
    },
  }
}
