/**
 * @module tests/integration/proxy-hot-path
 * The hot-path budget of an authenticated proxied send, measured on real Postgres and Redis: on a
 * warm path no Postgres query runs on the request path (only the deferred message-log batch), and
 * the Redis commands (session GET + limiter EVALSHA) are all written before the first Redis reply
 * arrives, i.e. they cost one round trip of latency. Counted at the socket level (net.Socket.write).
 */
import { serve } from '@hono/node-server'
import http from 'node:http'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate } from '../../db/migrate.js'
import { createApp } from '../../gateway/src/app.js'
import { loadConfig } from '../../gateway/src/config.js'
import { buildDeps, waitForRedis, type Deps } from '../../gateway/src/deps.js'
import { createTestDatabase, type TestDatabase } from '../support/db.js'

const MIGRATIONS = fileURLToPath(new URL('../../db/migrations', import.meta.url))
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

let db: TestDatabase
let deps: Deps
let gateway: http.Server
let upstream: http.Server
let base = ''
let token = ''

beforeAll(async () => {
  db = await createTestDatabase()
  upstream = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      res.writeHead(201, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ key: { id: '3EB0HOTPATH', remoteJid: '1@s.whatsapp.net', fromMe: true }, status: 'PENDING' }))
    })
  })
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r))
  const config = loadConfig({
    DATABASE_URL: db.url,
    REDIS_URL,
    AUTHENTICATION_API_KEY: 'hot-path-test-key-0123456789',
    UPSTREAM_URL: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
    LOG_LEVEL: 'silent',
    RATE_LIMIT_DEFAULT: '1000',
    WORKERS_ENABLED: 'false',
  })
  deps = buildDeps(config, pino({ level: 'silent' }))
  await waitForRedis(deps.redis, 3000)
  await migrate(deps.sql, { dir: MIGRATIONS, schema: 'taguato', lockKey: 727_000 })
  const [u] = await deps.sql<{ id: number }[]>`
    insert into taguato.users (username, password_hash, api_token) values ('hot', 'x', md5(random()::text)) returning id`
  await deps.sql`insert into taguato.user_instances (user_id, instance_name) values (${u!.id}, 'hot-inst')`
  token = (await deps.sessions.create(u!.id, '127.0.0.1', 'vitest')).token
  const { app } = createApp(deps)
  gateway = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as http.Server
  await new Promise((r) => gateway.once('listening', r))
  base = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`
})

afterAll(async () => {
  gateway?.close()
  upstream?.close()
  await deps?.messageLog.flush()
  await deps?.close()
  await db?.drop()
})

type Trace = { pg: number; redisWrites: number; redisReadsBeforeLastWrite: number }

/** Counts socket writes to Postgres and Redis (and Redis replies seen before the last Redis write). */
async function traced(fn: () => Promise<void>): Promise<Trace> {
  const pgPort = Number(new URL(db.url).port || 5432)
  const redisPort = Number(new URL(REDIS_URL).port || 6379)
  const t: Trace = { pg: 0, redisWrites: 0, redisReadsBeforeLastWrite: 0 }
  let redisReads = 0
  const write = net.Socket.prototype.write
  const emit = net.Socket.prototype.emit
  net.Socket.prototype.write = function (this: net.Socket, ...args: unknown[]) {
    if (this.remotePort === pgPort) t.pg += 1
    if (this.remotePort === redisPort) {
      t.redisWrites += 1
      t.redisReadsBeforeLastWrite = redisReads
    }
    return (write as (...a: unknown[]) => boolean).apply(this, args)
  } as typeof write
  net.Socket.prototype.emit = function (this: net.Socket, event: string, ...args: unknown[]) {
    if (event === 'data' && this.remotePort === redisPort) redisReads += 1
    return (emit as (...a: unknown[]) => boolean).apply(this, [event, ...args])
  } as typeof emit
  try {
    await fn()
  } finally {
    net.Socket.prototype.write = write
    net.Socket.prototype.emit = emit
  }
  return t
}

const send = () =>
  fetch(`${base}/message/sendText/hot-inst`, {
    method: 'POST',
    headers: { apikey: token, 'content-type': 'application/json' },
    body: JSON.stringify({ number: '595981123456', text: 'hi' }),
  })

describe('proxied send hot path', () => {
  it('warm: no Postgres query on the request path; Redis commands all issued before any reply (one round trip)', async () => {
    for (let i = 0; i < 2; i++) expect((await send()).status).toBe(201) // warms session, hints, ownership cache, sockets
    await deps.messageLog.flush()
    const t = await traced(async () => {
      const res = await send()
      expect(res.status).toBe(201)
      await res.text()
    })
    expect(t.pg).toBe(0)
    expect(t.redisWrites).toBeGreaterThanOrEqual(1)
    expect(t.redisReadsBeforeLastWrite).toBe(0)
    const logged = await traced(() => deps.messageLog.flush())
    expect(logged.pg).toBeGreaterThanOrEqual(1) // the one deferred batch insert
    console.log(`hot path: pg queries ${t.pg}, redis writes ${t.redisWrites} (replies before last write: ${t.redisReadsBeforeLastWrite}); log flush pg writes ${logged.pg}`)
  })
})
