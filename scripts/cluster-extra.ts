/**
 * @module scripts/cluster-extra
 * CLI for the scale-out test (tests/e2e/63-upstream-replicas.bats): a whole second deployment with
 * several upstream replicas and gateways on one private database of its own (both schemas, as in
 * production) and a Redis database index of its own, so nothing mixes with the test stack's.
 *
 *   node --import tsx scripts/cluster-extra.ts start <state-file> [KEY=VALUE...]   # UPSTREAMS=3 GATEWAYS=2
 *   node --import tsx scripts/cluster-extra.ts add-upstream <state-file> <node-id>  # one more replica
 *   node --import tsx scripts/cluster-extra.ts stop <state-file>
 *
 * Replica k (1-based) gets UPSTREAM_NODE_ID=up-k and is advertised at its loopback URL; gateways point
 * UPSTREAM_URL at replica 1 (any replica forwards). Only gateway 1 runs the cron workers. The state
 * file gets UP_<k>_URL/UP_<k>_PID, GW_<k>_URL/GW_<k>_PID, DB_URL, REDIS_URL, ENV (the overrides);
 * every pid is registered in TAGUATO_EXTRA_DIR so the test runner stops what a test forgot.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import dotenv from 'dotenv'
import { Redis } from 'ioredis'
import type { Env } from './lib/env.js'
import { parseOverrides, stackEnv, stopFromState, writeState } from './lib/extra-cli.js'
import { registerExtra } from './lib/extra-gateways.js'
import { errorMessage } from './lib/log.js'
import { ARTIFACTS_DIR } from './lib/paths.js'
import { dropDatabase, ensureDatabase, withDatabase } from './lib/pg-admin.js'
import { freePort } from './lib/ports.js'
import { startGateway, startUpstream } from './lib/stack.js'

/** Redis database index of the cluster (the stack uses 0). */
const REDIS_DB = 9

function readState(stateFile: string): Env {
  return dotenv.parse(fs.readFileSync(stateFile))
}

/** The stack's environment; its DATABASE_URL / REDIS_URL name the servers the cluster uses too. */
function baseEnv(): Env {
  // No global webhook: the stack's one points at the stack's gateway, not this cluster's.
  return { ...stackEnv(['GATEWAY_PORT', 'UPSTREAM_PORT', 'UPSTREAM_URL']), WEBHOOK_GLOBAL_URL: '' }
}

async function addUpstream(stateFile: string, nodeId: string, env: Env): Promise<string> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const logDir = env.TAGUATO_LOG_DIR || path.join(ARTIFACTS_DIR, 'logs')
  const up = await startUpstream(
    { ...env, UPSTREAM_NODE_ID: nodeId, UPSTREAM_ADVERTISE_URL: url, UPSTREAM_SERVER_URL: url },
    { port, logDir, logName: `cluster-upstream-${nodeId}-${port}`, detachFully: true },
  )
  if (env.TAGUATO_EXTRA_DIR) registerExtra(env.TAGUATO_EXTRA_DIR, up.service.pid)
  const state = fs.existsSync(stateFile) ? readState(stateFile) : {}
  const k = nodeId.replace(/^up-/, '')
  writeState(stateFile, { ...state, [`UP_${k}_URL`]: url, [`UP_${k}_PID`]: String(up.service.pid) })
  return url
}

async function start(stateFile: string, overrides: Env): Promise<void> {
  const { UPSTREAMS = '3', GATEWAYS = '2', ...rest } = overrides
  const base = baseEnv()
  const dbUrl = withDatabase(base.DATABASE_URL!, `taguato_test_${crypto.randomBytes(5).toString('hex')}_cluster`)
  await ensureDatabase(dbUrl)
  const stackRedis = new URL(base.REDIS_URL!)
  stackRedis.pathname = `/${REDIS_DB}`
  const redisUrl = stackRedis.toString()
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 })
  await redis.connect()
  await redis.flushdb()
  redis.disconnect()
  writeState(stateFile, { DB_URL: dbUrl, REDIS_URL: redisUrl, ENV: JSON.stringify(rest) })
  const env: Env = { ...base, DATABASE_URL: dbUrl, REDIS_URL: redisUrl, ...rest }
  const first = await addUpstream(stateFile, 'up-1', env)
  await Promise.all(Array.from({ length: Number(UPSTREAMS) - 1 }, (_, i) => addUpstream(stateFile, `up-${i + 2}`, env)))
  const key = env.AUTHENTICATION_API_KEY ?? ''
  const logDir = env.TAGUATO_LOG_DIR || path.join(ARTIFACTS_DIR, 'logs')
  for (let k = 1; k <= Number(GATEWAYS); k++) {
    const port = await freePort()
    const gw = await startGateway(
      { ...env, UPSTREAM_URL: first, GATEWAY_WORKERS: '1', WORKERS_ENABLED: k === 1 ? 'true' : 'false' },
      { port, logDir, logName: `cluster-gateway-${k}-${port}`, detachFully: true },
    )
    if (env.TAGUATO_EXTRA_DIR) registerExtra(env.TAGUATO_EXTRA_DIR, gw.pid)
    writeState(stateFile, { ...readState(stateFile), [`GW_${k}_URL`]: gw.url, [`GW_${k}_PID`]: String(gw.pid) })
  }
  process.stdout.write(`${readState(stateFile).GW_1_URL}\n`)
}

async function stop(stateFile: string): Promise<void> {
  if (!fs.existsSync(stateFile)) return
  const keys = Object.keys(readState(stateFile)).filter((k) => k.endsWith('_PID'))
  // Gateways first, then the replicas.
  keys.sort((a, b) => (a.startsWith('GW') === b.startsWith('GW') ? 0 : a.startsWith('GW') ? -1 : 1))
  await stopFromState(stateFile, keys, async (state) => {
    if (state.DB_URL) await dropDatabase(state.DB_URL)
  })
}

const [cmd, stateFile, ...rest] = process.argv.slice(2)
try {
  if (!stateFile) throw new Error('usage: cluster-extra.ts start|add-upstream|stop <state-file> ...')
  if (cmd === 'start') await start(stateFile, parseOverrides(rest))
  else if (cmd === 'add-upstream') {
    const state = readState(stateFile)
    const env: Env = { ...baseEnv(), DATABASE_URL: state.DB_URL!, REDIS_URL: state.REDIS_URL!, ...(JSON.parse(state.ENV ?? '{}') as Env) }
    process.stdout.write(`${await addUpstream(stateFile, rest[0] ?? 'up-x', env)}\n`)
  } else if (cmd === 'stop') await stop(stateFile)
  else throw new Error(`unknown command ${cmd}`)
  process.exit(0)
} catch (err) {
  process.stderr.write(`cluster-extra: ${errorMessage(err)}\n`)
  process.exit(1)
}
