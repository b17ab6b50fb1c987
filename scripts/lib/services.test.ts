/**
 * @module scripts/lib/services.test
 * The private-server path for real: forced private PostgreSQL and Redis start on free ports, answer,
 * and are stopped and removed afterwards. Skipped where the server binaries are not installed.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { findPgBinDir, findRedisServer } from './binaries.js'
import { readLauncherEnv } from './env.js'
import { ensureDatabase, probePostgres } from './pg-admin.js'
import { isListening } from './ports.js'
import { probeRedis } from './redis-probe.js'
import { ensureServices } from './services.js'

const haveBinaries = findPgBinDir() !== null && findRedisServer() !== null

describe('ensureServices with private servers', () => {
  it.skipIf(!haveBinaries)('starts, answers, stops and cleans up', { timeout: 60_000 }, async () => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'taguato-svc-'))
    const launcher = readLauncherEnv({
      TAGUATO_PRIVATE_SERVICES: '1',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/svc_test',
      REDIS_URL: 'redis://127.0.0.1:1',
    })
    const services = await ensureServices({ launcher, scope: 'test', dataDir: data })
    try {
      expect(services.privates).toHaveLength(2)
      expect(new URL(services.databaseUrl).port).not.toBe('1')
      expect(await ensureDatabase(services.databaseUrl)).toBe(true)
      expect(await probePostgres(services.databaseUrl)).toEqual({ ok: true })
      expect(await probeRedis(services.redisUrl)).toEqual({ ok: true })
    } finally {
      await services.stop()
    }
    expect(await isListening(Number(new URL(services.databaseUrl).port))).toBe(false)
    expect(await isListening(Number(new URL(services.redisUrl).port))).toBe(false)
    expect(fs.readdirSync(data)).toEqual([])
    fs.rmSync(data, { recursive: true, force: true })
  })

  it('reports an unreachable server as unreachable', async () => {
    expect(await probePostgres('postgres://postgres@127.0.0.1:1/x')).toMatchObject({ ok: false, unreachable: true })
    expect(await probeRedis('redis://127.0.0.1:1')).toMatchObject({ ok: false, unreachable: true })
  })
})
