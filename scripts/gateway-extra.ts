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
import path from 'node:path'
import { runExtraCli, stackEnv, stopFromState, writeState } from './lib/extra-cli.js'
import type { Env } from './lib/env.js'
import { registerExtra } from './lib/extra-gateways.js'
import { ARTIFACTS_DIR } from './lib/paths.js'
import { startGateway } from './lib/stack.js'

async function start(stateFile: string, overrides: Env): Promise<void> {
  // The extra gateway gets its own port unless an override names one.
  const env = { ...stackEnv(['GATEWAY_PORT']), ...overrides }
  const port = overrides.GATEWAY_PORT ? Number(overrides.GATEWAY_PORT) : undefined
  const logDir = env.TAGUATO_LOG_DIR || path.join(ARTIFACTS_DIR, 'logs')
  const gw = await startGateway(env, { port, logDir, detachFully: true, readyTimeoutMs: 120_000 })
  if (env.TAGUATO_EXTRA_DIR) registerExtra(env.TAGUATO_EXTRA_DIR, gw.pid)
  writeState(stateFile, { URL: gw.url, PORT: String(gw.port), PID: String(gw.pid), LOG: gw.logFile, NAME: `gateway-extra-${gw.port}` })
  process.stdout.write(`${gw.url}\n`)
}

await runExtraCli('gateway-extra', { start, stop: (stateFile) => stopFromState(stateFile, ['PID']) })
