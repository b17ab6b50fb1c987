/**
 * @module scripts/test
 * `npm test`: every suite against real PostgreSQL and Redis, on free ports (runs fine beside `npm start`).
 *
 *   npm test                                  the dependency rules, vitest, then the bats e2e suite, then
 *                                             tests/browser (if any)
 *   npm test -- --only vitest                 only vitest       (also --only deps, --only bats, --only
 *   npm test -- --only bats                   only bats          browser; repeat or comma-separate to combine)
 *   npm test -- tests/e2e/03-foo.bats         only those bats files (several allowed), no vitest
 *   npm test -- tests/browser/groups.test.ts  only those browser test files (several allowed)
 *   npm test -- --vitest upstream             only vitest, with that filter passed to vitest as-is
 *   npm test -- gateway/src/lib               other positional arguments are vitest filters as well
 *
 * What it does: first checks the structure's rules (.dependency-cruiser.cjs, scripts/deps/check.ts; one
 * test per rule, a few seconds), then ensures the servers (private throwaway ones when none answers),
 * creates fresh databases `taguato_test_<random>` (one for vitest, one for the stack) and drops them at
 * the end whatever happens, runs vitest with TEST_DATABASE_URL / DATABASE_URL / REDIS_URL, boots upstream + gateway
 * (LOG_LEVEL=warn, ADMIN_PASSWORD=Admin_Test_123, random AUTHENTICATION_API_KEY, RATE_LIMIT_DEFAULT=0)
 * and runs bats with the stack's URLs and credentials (plus TAGUATO_STACK_ENV_FILE for extra gateways,
 * see scripts/gateway-extra.ts), then the browser tests. Logs: test-artifacts/logs/<run>/, reports:
 * test-artifacts/runs/<run>/. The last line printed is `N passed, N failed`; exit 1 if anything failed
 * or a suite could not run. Env knobs: BATS_TEST_TIMEOUT (s per bats test, default 180),
 * TAGUATO_PRIVATE_SERVICES (auto | 1 | 0), DATABASE_URL / REDIS_URL (servers to use; .env is read).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { checkDependencies, formatOutcomes } from './deps/check.js'
import { createRunDirs, type RunDirs } from './lib/artifacts.js'
import { ensureChromium, ensureTools } from './lib/binaries.js'
import { currentEnv, readDotenvFile, readLauncherEnv, toEnvFile, type Env } from './lib/env.js'
import { stopAllExtras } from './lib/extra-gateways.js'
import { describeLeftovers, groupProcesses, leftoverProcesses, stopLeftovers, SUITE_MARKER, sweepGroup, testProcesses, type Leftover } from './lib/leftover-processes.js'
import { errorMessage, say, warn } from './lib/log.js'
import { buildPanel } from './lib/panel.js'
import { dataDir, REPO_ROOT } from './lib/paths.js'
import { dropDatabase, ensureDatabase, withDatabase } from './lib/pg-admin.js'
import { freePort } from './lib/ports.js'
import { isAlive, signal, sleep, tailFile } from './lib/proc.js'
import { crashed, tapComplete, tapResult, vitestResult, type SuiteResult } from './lib/results.js'
import { generateApiKey } from './lib/secrets.js'
import { ensureServices, type Services } from './lib/services.js'
import { startStack, type Stack } from './lib/stack.js'

type Suite = 'deps' | 'vitest' | 'bats' | 'browser'
const SUITES: readonly Suite[] = ['deps', 'vitest', 'bats', 'browser']
type Plan = { suites: Set<Suite>; batsFiles: string[]; vitestFilters: string[]; browserFiles: string[] }

export const TEST_ADMIN_PASSWORD = 'Admin_Test_123'
const BROWSER_DIR = path.join(REPO_ROOT, 'tests', 'browser')

function parsePlan(argv: string[]): Plan {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { only: { type: 'string', multiple: true }, vitest: { type: 'string', multiple: true } },
  })
  const only = (values.only ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean)
  for (const s of only) if (!SUITES.includes(s as Suite)) throw new Error(`--only ${s}: expected ${SUITES.join(', ')}`)
  const batsFiles = positionals.filter((p) => p.endsWith('.bats'))
  const isBrowser = (p: string) => path.resolve(REPO_ROOT, p).startsWith(BROWSER_DIR + path.sep)
  const browserFiles = positionals.filter((p) => !p.endsWith('.bats') && isBrowser(p))
  const vitestFilters = [...(values.vitest ?? []), ...positionals.filter((p) => !p.endsWith('.bats') && !isBrowser(p))]
  let suites: Suite[]
  if (only.length > 0) suites = only as Suite[]
  else if (batsFiles.length > 0 || vitestFilters.length > 0 || browserFiles.length > 0) {
    suites = [
      ...(batsFiles.length ? (['bats'] as const) : []),
      ...(vitestFilters.length ? (['vitest'] as const) : []),
      ...(browserFiles.length ? (['browser'] as const) : []),
    ]
  } else suites = [...SUITES]
  for (const f of [...batsFiles, ...browserFiles]) if (!fs.existsSync(path.resolve(REPO_ROOT, f))) throw new Error(`no such test file: ${f}`)
  return { suites: new Set(suites), batsFiles, vitestFilters, browserFiles }
}

const hasBrowserTests = (): boolean =>
  fs.existsSync(BROWSER_DIR) && fs.readdirSync(BROWSER_DIR, { recursive: true }).some((f) => String(f).endsWith('.test.ts'))

// ---- interruption: Ctrl-C stops the running suite, then the normal cleanup path runs ----------------

let interrupted = false
let current: ChildProcess | null = null
let emergency: (() => Promise<void>) | null = null

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    if (interrupted) {
      // Second signal: the orderly path is stuck somewhere; clean up what we can and leave.
      say('second signal: forcing cleanup')
      void (emergency?.() ?? Promise.resolve()).finally(() => process.exit(130))
      return
    }
    interrupted = true
    say(`${sig} received: stopping the current suite, then cleaning up`)
    if (current?.pid) signal(current.pid, 'SIGTERM', true)
  })
}

/**
 * bats' per-test timeout watchdog kills a test's process tree and complains about pids that already
 * exited; those lines are noise, not failures.
 */
const STDERR_NOISE = /^.*bats-exec-test: line \d+: kill: \(\d+\) - No such process\n?/gm

type SuiteRun = { code: number; stdout: string; hung: boolean }
type RunOptions = {
  /** True once the output says every test has reported (then the process should exit promptly). */
  done?: (stdout: string) => boolean
  /** How long it may linger after `done` before its process group is killed. */
  lingerMs?: number
  /** Called when it lingered too long, before anything is killed (to see what held it). */
  onLinger?: () => void
}

/** Runs a suite's command; stdout is echoed and also returned (for TAP), stderr echoed minus noise. */
function runSuiteCommand(cmd: string, args: string[], env: Env, opts: RunOptions = {}): Promise<SuiteRun> {
  return new Promise((resolve) => {
    // Own process group, so anything a test left running in the background (a webhook receiver, a
    // browser) can be swept with the group once the suite exits.
    const child = spawn(cmd, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    current = child
    let stdout = ''
    let hung = false
    let lingerTimer: NodeJS.Timeout | null = null
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString()
      process.stdout.write(d)
      // A test that leaves a background process holding the output pipe keeps bats waiting forever.
      if (!lingerTimer && opts.done?.(stdout)) {
        lingerTimer = setTimeout(() => {
          hung = true
          opts.onLinger?.()
          warn(`${path.basename(cmd)} did not exit ${Math.round((opts.lingerMs ?? 60_000) / 1000)} s after its last test (a test left a process holding its output?); killing it`)
          if (child.pid) warn(`still running in its process group:\n${groupProcesses(child.pid)}`)
          if (child.pid) void sweepGroup(child.pid)
        }, opts.lingerMs ?? 60_000)
      }
    })
    child.stderr?.on('data', (d: Buffer) => {
      const text = d.toString().replace(STDERR_NOISE, '')
      if (text) process.stderr.write(text)
    })
    child.once('error', (err) => {
      current = null
      resolve({ code: 127, stdout: stdout + String(err), hung })
    })
    const closed = new Promise<void>((r) => child.once('close', () => r()))
    // 'exit', not 'close': a background process that inherited the pipes would hold 'close' forever.
    child.once('exit', (code, sig) => {
      current = null
      if (lingerTimer) clearTimeout(lingerTimer)
      void (async () => {
        if (child.pid) await sweepGroup(child.pid)
        await Promise.race([closed, sleep(3000)])
        resolve({ code: code ?? (sig ? 130 : 1), stdout, hung })
      })()
    })
  })
}

const heading = (text: string) => process.stdout.write(`\n==== ${text} ====\n`)

/** The structure's rules: one passed or failed test per rule, so a broken layer fails the run. */
async function runDepsCheck(): Promise<SuiteResult> {
  heading('dependency rules')
  try {
    const outcomes = await checkDependencies()
    process.stdout.write(`${formatOutcomes(outcomes)}\n`)
    const failed = outcomes.filter((o) => o.violations.length > 0).length
    return { suite: 'deps', passed: outcomes.length - failed, failed, skipped: 0 }
  } catch (err) {
    say(`dependency check could not run: ${errorMessage(err)}`)
    return crashed('deps', 'dependency-cruiser failed to run')
  }
}

async function runVitest(name: string, args: string[], env: Env, reportFile: string): Promise<SuiteResult> {
  heading(name)
  const vitest = path.join(REPO_ROOT, 'node_modules', 'vitest', 'vitest.mjs')
  const { code } = await runSuiteCommand(process.execPath, [
    vitest, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`, '--passWithNoTests', ...args,
  ], env)
  return vitestResult(name, reportFile, code)
}

async function runBats(files: string[], env: Env, stack: Stack): Promise<SuiteResult> {
  heading('bats')
  const bats = path.join(REPO_ROOT, 'node_modules', 'bats', 'bin', 'bats')
  const targets = files.length > 0 ? files : [path.join('tests', 'e2e')]
  // Every process a test starts inherits the marker, so what outlives the suite can be named and stopped.
  const marker = crypto.randomBytes(6).toString('hex')
  let held: Leftover[] = []
  const { code, stdout, hung } = await runSuiteCommand(bats, ['--tap', ...targets], { ...env, [SUITE_MARKER]: marker }, {
    done: tapComplete,
    lingerMs: 60_000,
    onLinger: () => { held = leftoverProcesses(marker) },
  })
  const result = tapResult('bats', stdout, code, interrupted)
  const left = await stopLeftovers(marker)
  const culprits = testProcesses(held)
  if (hung && culprits.length === 0 && held.length > 0 && result.failed > 0) {
    // Only bats' own timeout watchdog of a failed test held the output: the failure is already counted.
    result.note = "bats lingered after a failed test (its own per-test timeout watchdog); stopped"
  } else if (hung) {
    result.failed = Math.max(result.failed, 1)
    result.note = `bats hung after its last test: a test left a background process holding its output: ${describeLeftovers(culprits) || describeLeftovers(held) || '(none found)'}`
  } else if (left.length > 0) {
    warn(`stopped ${left.length} process(es) the bats suite left running: ${describeLeftovers(left)}`)
  }
  if (result.failed > 0) {
    for (const [name, file] of Object.entries(stack.logs)) {
      process.stdout.write(`\n---- last lines of ${path.relative(REPO_ROOT, file)} (${name}) ----\n${tailFile(file, 40) || '(empty)'}\n`)
    }
  }
  return result
}

/** The environment of the test stack; written to TAGUATO_STACK_ENV_FILE for extra gateways. */
function stackEnv(services: Services, databaseUrl: string, dirs: RunDirs): Env {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    GATEWAY_HOST: '127.0.0.1',
    UPSTREAM_HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    REDIS_URL: services.redisUrl,
    ADMIN_USERNAME: 'admin',
    ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    AUTHENTICATION_API_KEY: generateApiKey(),
    RATE_LIMIT_DEFAULT: '0',
    // Every bats request comes from 127.0.0.1: the per-IP login failure limit would make one file's
    // wrong-password tests break the next ones. 15-account-hardening.bats turns it on in its own gateway.
    LOGIN_IP_MAX_FAILURES: '0',
    // Likewise the per-IP limits on /message/* and /api/status (0 = off): the suite sends fast from one
    // address. 22-messaging-log.bats and 42-status.bats test them on their own gateways.
    MESSAGE_IP_RATE: '0',
    STATUS_IP_RATE: '0',
    // Likewise the per-instance send budgets (every sandbox instance is a newly linked Baileys number:
    // 20 % of 20/min while warming up). 65-queued-sends.bats sets budgets per instance.
    SEND_BUDGET_PER_MINUTE: '0',
    SEND_BUDGET_NEW_RECIPIENTS_PER_DAY: '0',
    UPSTREAM_DRIVER: 'sandbox',
    // Instances connect only through the sandbox scan route (deterministic); acks come quickly.
    SANDBOX_AUTOCONNECT_MS: '0',
    SANDBOX_ACK_DELAY_MS: '50',
    // TESTS ONLY (docs/security.md): the upstream's outbound guard lets the media host of
    // 25-outbound-guard.bats through under a test name, and a test DNS table makes evil.test loopback.
    OUTBOUND_ALLOWED_HOSTS: 'allowed.test',
    OUTBOUND_TEST_RESOLVE: 'allowed.test=127.0.0.1,evil.test=127.0.0.1',
    BACKUP_DIR: path.join(dirs.run, 'backups'),
    TAGUATO_LOG_DIR: dirs.logs,
  }
}

type Cleanup = { name: string; fn: () => Promise<unknown> }

async function main(): Promise<{ results: SuiteResult[]; code: number }> {
  const plan = parsePlan(process.argv.slice(2))
  const launcher = readLauncherEnv({ ...readDotenvFile(), ...process.env })
  const runId = `${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${crypto.randomBytes(3).toString('hex')}`
  const dirs = createRunDirs(runId)
  const results: SuiteResult[] = []
  const cleanups: Cleanup[] = []
  let stack: Stack | null = null

  const runCleanups = async () => {
    for (const c of cleanups.splice(0).reverse()) {
      await c.fn().catch((err: unknown) => warn(`cleanup (${c.name}): ${errorMessage(err)}`))
    }
  }
  emergency = runCleanups

  const wantsBrowser = plan.suites.has('browser') && hasBrowserTests()
  const needsStack = plan.suites.has('bats') || wantsBrowser
  if (plan.suites.has('browser') && !wantsBrowser) results.push({ suite: 'browser', passed: 0, failed: 0, skipped: 0, note: 'no tests/browser/*.test.ts' })
  try {
    // Cheap and needs no servers: a broken rule shows before anything boots.
    if (plan.suites.has('deps') && !interrupted) results.push(await runDepsCheck())
    if (plan.suites.has('bats')) await ensureTools(['curl', 'jq'])
    if (wantsBrowser) await ensureChromium()
    const services = await ensureServices({ launcher, scope: 'test', dataDir: dataDir() })
    cleanups.push({ name: 'private servers', fn: services.stop })
    const serverUrl = withDatabase(services.databaseUrl, 'postgres')
    const newDb = async (suffix: string) => {
      const url = withDatabase(services.databaseUrl, `taguato_test_${crypto.randomBytes(5).toString('hex')}${suffix}`)
      await ensureDatabase(url)
      cleanups.push({ name: `drop ${new URL(url).pathname.slice(1)}`, fn: () => dropDatabase(url) })
      return url
    }
    const baseEnv: Env = { ...currentEnv(), PATH: `${path.join(REPO_ROOT, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH ?? ''}` }

    if (plan.suites.has('vitest') && !interrupted) {
      const db = await newDb('')
      const env: Env = { ...baseEnv, TEST_DATABASE_URL: serverUrl, DATABASE_URL: db, REDIS_URL: services.redisUrl }
      results.push(await runVitest('vitest', plan.vitestFilters, env, path.join(dirs.run, 'vitest.json')))
    }

    if (needsStack && !interrupted) {
      heading('stack')
      const db = await newDb('_e2e')
      const upstreamPort = await freePort()
      const stackVars: Env = { ...stackEnv(services, db, dirs), UPSTREAM_SERVER_URL: `http://127.0.0.1:${upstreamPort}` }
      const env: Env = { ...baseEnv, ...stackVars }
      try {
        await buildPanel(env, true)
        const booting = startStack({ env, upstreamPort, logDir: dirs.logs, readyTimeoutMs: launcher.TAGUATO_READY_TIMEOUT_MS })
        cleanups.push({ name: 'stack', fn: async () => (await booting.catch(() => null))?.stop() })
        stack = await booting
        say(`stack up: gateway ${stack.gatewayUrl}, upstream ${stack.upstreamUrl} (logs in ${path.relative(REPO_ROOT, dirs.logs)})`)
      } catch (err) {
        say(`the stack did not start: ${errorMessage(err)}`)
        for (const s of plan.suites) if (s !== 'vitest' && (s !== 'browser' || wantsBrowser)) results.push(crashed(s, 'stack did not start'))
      }
      if (stack) {
        const keys = Object.keys(stackVars).concat(['UPSTREAM_URL', 'UPSTREAM_PORT', 'GATEWAY_PORT'])
        const envFile = path.join(dirs.run, 'stack.env')
        fs.writeFileSync(envFile, toEnvFile(Object.fromEntries(keys.map((k) => [k, stack!.env[k] ?? '']))), { mode: 0o600 })
        cleanups.push({
          name: 'extra gateways',
          fn: async () => {
            const left = await stopAllExtras(dirs.extra)
            if (left > 0) warn(`stopped ${left} extra gateway(s) a test left running`)
          },
        })
        const suiteEnv: Env = {
          ...baseEnv,
          GATEWAY_URL: stack.gatewayUrl,
          UPSTREAM_URL: stack.upstreamUrl,
          ADMIN_USERNAME: stack.env.ADMIN_USERNAME ?? 'admin',
          ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
          AUTHENTICATION_API_KEY: stack.env.AUTHENTICATION_API_KEY ?? '',
          DATABASE_URL: db,
          REDIS_URL: services.redisUrl,
          REPO_ROOT,
          TAGUATO_STACK_ENV_FILE: envFile,
          TAGUATO_EXTRA_DIR: dirs.extra,
          TAGUATO_LOG_DIR: dirs.logs,
          BATS_TEST_TIMEOUT: process.env.BATS_TEST_TIMEOUT ?? '180',
        }
        if (plan.suites.has('bats') && !interrupted) results.push(await runBats(plan.batsFiles, suiteEnv, stack))
        if (wantsBrowser && !interrupted) {
          const own = path.join(BROWSER_DIR, 'vitest.config.ts')
          const config = fs.existsSync(own) ? own : path.join(REPO_ROOT, 'scripts', 'vitest.browser.config.ts')
          results.push(await runVitest('browser', ['--config', config, ...plan.browserFiles], suiteEnv, path.join(dirs.run, 'browser.json')))
        }
      }
    }
  } catch (err) {
    say(errorMessage(err))
    results.push(crashed('setup', errorMessage(err).split('\n')[0] ?? 'error'))
  } finally {
    await runCleanups()
  }
  if (interrupted) results.push(crashed('interrupted', 'stopped by a signal'))

  // Nothing we started may outlive the run.
  const ours = stack ? [stack.gateway.pid, stack.upstream.pid] : []
  const alive = ours.filter((pid) => isAlive(pid))
  if (alive.length > 0) {
    warn(`still running after cleanup: ${alive.join(', ')}; killing`)
    for (const pid of alive) signal(pid, 'SIGKILL', true)
  }
  return { results, code: interrupted ? 130 : 0 }
}

function printSummary(results: SuiteResult[]): { passed: number; failed: number } {
  process.stdout.write('\n==== summary ====\n')
  for (const r of results) {
    const note = r.note ? `  (${r.note})` : ''
    process.stdout.write(`  ${r.suite.padEnd(12)} ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped${note}\n`)
  }
  const passed = results.reduce((n, r) => n + r.passed, 0)
  const failed = results.reduce((n, r) => n + r.failed, 0)
  return { passed, failed }
}

// npm runs us through `sh -c`; npm forwards SIGTERM to that sh only, which dies and leaves us
// re-parented. Losing the parent is treated as an interruption so cleanup still happens.
const parentAtStart = process.ppid
setInterval(() => {
  if (process.ppid !== parentAtStart && !interrupted) process.emit('SIGTERM')
}, 500).unref()

let outcome: { results: SuiteResult[]; code: number }
try {
  outcome = await main()
} catch (err) {
  say(errorMessage(err))
  outcome = { results: [crashed('setup', errorMessage(err).split('\n')[0] ?? 'error')], code: 1 }
}
const { passed, failed } = printSummary(outcome.results)
const ran = outcome.results.length > 0
// The contract with CI: this is the last line of the output.
process.stdout.write(`${passed} passed, ${ran ? failed : Math.max(failed, 1)} failed\n`)
process.exit(outcome.code || (failed > 0 || !ran ? 1 : 0))
