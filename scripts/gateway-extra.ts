/**
 * @module scripts/gateway-extra
 * CLI for tests that need more gateways on the running test stack (replicas, a low breaker threshold...):
 * same database, Redis and upstream, a free port, optional variable overrides.
 *
 *   node --import tsx scripts/gateway-extra.ts start <state-file> [KEY=VALUE...]   # prints the URL
 *   node --import tsx scripts/gateway-extra.ts stop <state-file>
 *
 * The base environment comes from TAGUATO_STACK_ENV_FILE (written by scripts/test.ts). The state file
 * receives URL=, PORT=, PID=, LOG= lines (dotenv format). Gateways are registered in TAGUATO_EXTRA_DIR
 * so the test runner stops any that a test forgot. tests/e2e/helpers.bash wraps this.
 */
import fs from 'node:fs'
import path from 'node:path'
import dotenv from 'dotenv'
import { currentEnv, toEnvFile, type Env } from './lib/env.js'
import { registerExtra, unregisterExtra } from './lib/extra-gateways.js'
import { errorMessage } from './lib/log.js'
import { ARTIFACTS_DIR } from './lib/paths.js'
import { terminate } from './lib/proc.js'
import { startGateway } from './lib/stack.js'

const USAGE = 'usage: gateway-extra.ts start <state-file> [KEY=VALUE...] | stop <state-file>'

function baseEnv(): Env {
  const file = process.env.TAGUATO_STACK_ENV_FILE
  if (!file || !fs.existsSync(file)) throw new Error('TAGUATO_STACK_ENV_FILE is not set or missing (run through npm test)')
  const stack = dotenv.parse(fs.readFileSync(file))
  delete stack.GATEWAY_PORT // the extra one gets its own port unless an override names one
  return { ...currentEnv(), ...stack }
}

function parseOverrides(args: string[]): Env {
  const out: Env = {}
  for (const a of args) {
    const eq = a.indexOf('=')
    if (eq <= 0) throw new Error(`not KEY=VALUE: ${a}`)
    out[a.slice(0, eq)] = a.slice(eq + 1)
  }
  return out
}

async function start(stateFile: string, overrides: Env): Promise<void> {
  const env = { ...baseEnv(), ...overrides }
  const port = overrides.GATEWAY_PORT ? Number(overrides.GATEWAY_PORT) : undefined
  const logDir = env.TAGUATO_LOG_DIR || path.join(ARTIFACTS_DIR, 'logs')
  const gw = await startGateway(env, { port, logDir, detachFully: true, readyTimeoutMs: 120_000 })
  const tag = `gateway-extra-${gw.port}`
  if (env.TAGUATO_EXTRA_DIR) registerExtra(env.TAGUATO_EXTRA_DIR, gw.pid)
  fs.mkdirSync(path.dirname(path.resolve(stateFile)), { recursive: true })
  fs.writeFileSync(stateFile, toEnvFile({ URL: gw.url, PORT: String(gw.port), PID: String(gw.pid), LOG: gw.logFile, NAME: tag }))
  process.stdout.write(`${gw.url}\n`)
}

async function stop(stateFile: string): Promise<void> {
  if (!fs.existsSync(stateFile)) return
  const state = dotenv.parse(fs.readFileSync(stateFile))
  const pid = Number(state.PID)
  if (pid) {
    await terminate(pid, { graceMs: 10_000, group: true })
    if (process.env.TAGUATO_EXTRA_DIR) unregisterExtra(process.env.TAGUATO_EXTRA_DIR, pid)
  }
  fs.rmSync(stateFile, { force: true })
}

const [cmd, stateFile, ...rest] = process.argv.slice(2)
try {
  if (!stateFile || (cmd !== 'start' && cmd !== 'stop')) throw new Error(USAGE)
  if (cmd === 'start') await start(stateFile, parseOverrides(rest))
  else await stop(stateFile)
  process.exit(0)
} catch (err) {
  process.stderr.write(`gateway-extra: ${errorMessage(err)}\n`)
  process.exit(1)
}
