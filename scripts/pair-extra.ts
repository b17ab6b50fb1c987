/**
 * @module scripts/pair-extra
 * CLI for tests that need their own upstream with other settings (UPSTREAM_DRIVER=real pointed at the
 * fake Graph API, say) and a gateway in front of it:
 *
 *   node --import tsx scripts/pair-extra.ts start <state-file> [KEY=VALUE...]   # prints the gateway URL
 *   node --import tsx scripts/pair-extra.ts stop <state-file>
 *
 * The upstream gets a database of its own (created here, dropped by `stop`), so its instances never
 * mix with the stack's; the gateway shares the stack's database and Redis (users and sessions made
 * through the stack work on it), runs no workers (they would act on the stack's instances against the
 * wrong upstream), and receives the upstream's global webhook (delivery statuses). Overrides apply to
 * both processes. The state file gets GATEWAY_URL, UPSTREAM_URL, GATEWAY_PID, UPSTREAM_PID, DB_URL;
 * both pids are registered in TAGUATO_EXTRA_DIR so the test runner stops what a test forgot.
 */
import crypto from 'node:crypto'
import path from 'node:path'
import { globalReceiverUrl } from '../gateway/src/services/webhooks/tokens.js'
import type { Env } from './lib/env.js'
import { runExtraCli, stackEnv, stopFromState, writeState } from './lib/extra-cli.js'
import { registerExtra } from './lib/extra-gateways.js'
import { ARTIFACTS_DIR } from './lib/paths.js'
import { dropDatabase, ensureDatabase, withDatabase } from './lib/pg-admin.js'
import { freePort } from './lib/ports.js'
import { startGateway, startUpstream } from './lib/stack.js'

async function start(stateFile: string, overrides: Env): Promise<void> {
  const base = stackEnv(['GATEWAY_PORT', 'UPSTREAM_PORT'])
  const logDir = base.TAGUATO_LOG_DIR || path.join(ARTIFACTS_DIR, 'logs')
  const key = base.AUTHENTICATION_API_KEY ?? ''
  const dbUrl = withDatabase(base.DATABASE_URL!, `taguato_test_${crypto.randomBytes(5).toString('hex')}_pair`)
  await ensureDatabase(dbUrl)
  const [upstreamPort, gatewayPort] = [await freePort(), await freePort()]
  const upstreamUrl = `http://127.0.0.1:${upstreamPort}`
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`
  const state: Env = { DB_URL: dbUrl }
  const save = () => writeState(stateFile, state)
  save()
  const up = await startUpstream(
    { ...base, UPSTREAM_SERVER_URL: upstreamUrl, WEBHOOK_GLOBAL_URL: globalReceiverUrl(gatewayUrl, key), ...overrides, DATABASE_URL: dbUrl },
    { port: upstreamPort, logDir, logName: `pair-upstream-${upstreamPort}`, detachFully: true },
  )
  if (base.TAGUATO_EXTRA_DIR) registerExtra(base.TAGUATO_EXTRA_DIR, up.service.pid)
  Object.assign(state, { UPSTREAM_URL: upstreamUrl, UPSTREAM_PID: String(up.service.pid) })
  save()
  const gw = await startGateway(
    { ...base, UPSTREAM_URL: upstreamUrl, WORKERS_ENABLED: 'false', ...overrides },
    { port: gatewayPort, logDir, logName: `pair-gateway-${gatewayPort}`, detachFully: true },
  )
  if (base.TAGUATO_EXTRA_DIR) registerExtra(base.TAGUATO_EXTRA_DIR, gw.pid)
  Object.assign(state, { GATEWAY_URL: gw.url, GATEWAY_PID: String(gw.pid) })
  save()
  process.stdout.write(`${gw.url}\n`)
}

// A half-started pair is stopped by the caller's `stop` (the state file lists what started).
await runExtraCli('pair-extra', {
  start,
  stop: (stateFile) =>
    stopFromState(stateFile, ['GATEWAY_PID', 'UPSTREAM_PID'], async (state) => {
      if (state.DB_URL) await dropDatabase(state.DB_URL)
    }),
})
