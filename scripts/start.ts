/**
 * @module scripts/start
 * `npm start`: everything a fresh clone needs to run locally. Ensures PostgreSQL and Redis (private ones
 * under .data/ when none answers), creates the database, generates the admin password and the upstream
 * key on first run (kept in .data/generated.env), builds the panel when a build script exists, starts
 * upstream + gateway with their logs on the terminal and in .data/logs/, restarts either when it exits
 * on its own (with backoff while it crash-loops: lib/keep-alive.ts), and on Ctrl-C / SIGTERM stops
 * gateway, upstream and private servers in that order and exits 0.
 */
import path from 'node:path'
import { currentEnv, loadDotenv, readLauncherEnv, type Env } from './lib/env.js'
import { errorMessage, say } from './lib/log.js'
import { buildPanel } from './lib/panel.js'
import { dataDir, REPO_ROOT } from './lib/paths.js'
import { ensureDatabase, userExists } from './lib/pg-admin.js'
import { isListening } from './lib/ports.js'
import { keepAlive } from './lib/keep-alive.js'
import { ensureSecrets } from './lib/secrets.js'
import { ensureServices, type Services } from './lib/services.js'
import { startStack, type Stack } from './lib/stack.js'

let services: Services | null = null
let stack: Stack | null = null
/** The stack while it boots: a signal then waits for it, so no child is left running unseen. */
let booting: Promise<Stack> | null = null
let shuttingDown: Promise<void> | null = null

/** Stops in dependency order; safe to call from a signal handler at any point of the start-up. */
function shutdown(code: number): Promise<void> {
  return (shuttingDown ??= (async () => {
    if (booting) stack = await booting.catch(() => null)
    await stack?.stop().catch((err: unknown) => say(`stopping the services: ${errorMessage(err)}`))
    await services?.stop().catch((err: unknown) => say(`stopping private servers: ${errorMessage(err)}`))
    say('stopped')
    process.exit(code)
  })())
}

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    if (shuttingDown) return say('already stopping...')
    say(`${sig} received, stopping...`)
    void shutdown(0)
  })
}

// npm runs us through `sh -c`, and npm forwards SIGTERM to that sh only: sh dies and we are re-parented.
// Treat losing our parent like SIGTERM, so `kill <npm pid>` still stops everything.
const parentAtStart = process.ppid
setInterval(() => {
  if (process.ppid !== parentAtStart && !shuttingDown) {
    say('parent process gone, stopping...')
    void shutdown(0)
  }
}, 500).unref()

function banner(launcherPort: number, username: string, passwordLine: string): string {
  const base = `http://localhost:${launcherPort}`
  return [
    '',
    '  taguato-send is running',
    `    gateway   ${base}/`,
    `    panel     ${base}/admin/`,
    `    status    ${base}/status/`,
    `    admin     ${username}`,
    `    password  ${passwordLine}`,
    '  Ctrl-C stops everything.',
    '',
  ].join('\n')
}

async function main(): Promise<void> {
  loadDotenv()
  const launcher = readLauncherEnv()
  const data = dataDir()
  for (const [name, port] of [['GATEWAY_PORT', launcher.GATEWAY_PORT], ['UPSTREAM_PORT', launcher.UPSTREAM_PORT]] as const) {
    if (await isListening(port)) throw new Error(`port ${port} is already in use (another npm start?); set ${name} in .env to use another`)
  }

  services = await ensureServices({ launcher, scope: 'dev', dataDir: data })
  if (await ensureDatabase(services.databaseUrl)) say(`created database ${new URL(services.databaseUrl).pathname.slice(1)}`)
  // Checked before the gateway seeds: an existing admin keeps its password whatever we generate.
  const adminExisted = await userExists(services.databaseUrl, launcher.ADMIN_USERNAME)
  const secrets = ensureSecrets(process.env, data)

  const env: Env = {
    ...currentEnv(),
    ...secrets.values,
    DATABASE_URL: services.databaseUrl,
    REDIS_URL: services.redisUrl,
    ADMIN_USERNAME: launcher.ADMIN_USERNAME,
  }
  await buildPanel(env, true)
  if (shuttingDown) return
  booting = startStack({
    env,
    gatewayPort: launcher.GATEWAY_PORT,
    upstreamPort: launcher.UPSTREAM_PORT,
    logDir: path.join(data, 'logs'),
    echo: true,
    readyTimeoutMs: launcher.TAGUATO_READY_TIMEOUT_MS,
  })
  stack = await booting
  booting = null
  if (shuttingDown) return

  const rel = path.relative(REPO_ROOT, secrets.file)
  const passwordLine = secrets.generated.includes('ADMIN_PASSWORD')
    ? adminExisted
      ? `unchanged: '${launcher.ADMIN_USERNAME}' already existed in this database (the password generated into ${rel} only applies to a new database)`
      : `${secrets.values.ADMIN_PASSWORD}   (generated now, stored in ${rel}; shown only this once)`
    : secrets.values.ADMIN_PASSWORD
      ? `(generated on first run, stored in ${rel})`
      : '(the ADMIN_PASSWORD you set)'
  process.stdout.write(banner(launcher.GATEWAY_PORT, launcher.ADMIN_USERNAME, passwordLine) + '\n')
  say(`logs: ${path.relative(REPO_ROOT, stack.logs.gateway)}, ${path.relative(REPO_ROOT, stack.logs.upstream)}`)

  // A service dying on its own is started again (each also re-forks its own crashed workers): one
  // crash must not stop the stack. Only a signal (or losing our parent) stops everything.
  const running = stack
  const stopped = () => shuttingDown !== null
  await Promise.all(
    (['gateway', 'upstream'] as const).map((name) =>
      keepAlive({ name, exited: () => running[name].exited, restart: () => running.restart(name), stopped, say }),
    ),
  )
}

main().catch(async (err: unknown) => {
  say(errorMessage(err))
  await shutdown(1)
})
