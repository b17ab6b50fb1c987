/**
 * @module tests/integration/outages.test
 * What clients see while the gateway's PostgreSQL or Redis is in trouble (docs/operations.md, "What
 * each outage does to users"), on a PostgreSQL and a Redis of this file's own (the shared ones are
 * never stopped), with two gateway replicas in-process:
 * - PostgreSQL stopped (pg_ctl -m fast stop): a route that needs it answers 503 "Database unavailable"
 *   with Retry-After in well under 2 s, /health/ready says the database is why; once it is started
 *   again the same route answers 200 within seconds, by itself. A warm-session send goes through
 *   meanwhile (session and limit from Redis, ownership from the process's cache).
 * - Redis frozen (SIGSTOP) for 10 s: authenticated requests are answered within the command timeout
 *   (sessions from PostgreSQL), a logout on one replica is accepted, and after SIGCONT the revoked
 *   token is refused by the other replica, whose cached copy of that session had been warm.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate } from '../../db/migrate.js'
import { createApp } from '../../gateway/src/app.js'
import { loadConfig } from '../../gateway/src/config.js'
import { buildDeps, waitForRedis, type Deps } from '../../gateway/src/deps.js'
import { createHttpServer } from '../../gateway/src/http-server.js'
import { sha256Hex } from '../../gateway/src/services/sessions/tokens.js'
import { startPrivatePg, startPrivateRedis, type PrivatePg, type PrivateRedis } from '../support/private-servers.js'

const MIGRATIONS = fileURLToPath(new URL('../../db/migrations', import.meta.url))
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

type Replica = { deps: Deps; server: http.Server; base: string }

let pg: PrivatePg
let redis: PrivateRedis
let a: Replica
let b: Replica
let userId: number
let upstream: http.Server
const INSTANCE = 'outage-inst'

async function replica(dbUrl: string, redisUrl: string): Promise<Replica> {
  const config = loadConfig({
    DATABASE_URL: dbUrl,
    REDIS_URL: redisUrl,
    AUTHENTICATION_API_KEY: 'outage-test-key-0123456789abcdef',
    UPSTREAM_URL: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
    MESSAGE_IP_RATE: '0',
    LOG_LEVEL: 'silent',
    WORKERS_ENABLED: 'false',
  })
  const deps = buildDeps(config, pino({ level: 'silent' }))
  await waitForRedis(deps.redis, 5000)
  const server = createHttpServer(createApp(deps))
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { deps, server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

async function call(r: Replica, path: string, token: string, method = 'GET', body?: unknown) {
  const t = performance.now()
  const headers: Record<string, string> = { apikey: token }
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(r.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(20_000) })
  const json = (await res.json().catch(() => null)) as Record<string, unknown> | null
  return { status: res.status, body: json, retryAfter: res.headers.get('retry-after'), ms: performance.now() - t }
}

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      res.writeHead(201, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ key: { id: '3EB0OUTAGE', remoteJid: '1@s.whatsapp.net', fromMe: true }, status: 'PENDING' }))
    })
  })
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r))
  ;[pg, redis] = await Promise.all([startPrivatePg(), startPrivateRedis()])
  a = await replica(pg.url, redis.url)
  await migrate(a.deps.sql, { dir: MIGRATIONS, schema: 'taguato', lockKey: 731_031 })
  b = await replica(pg.url, redis.url)
  const [u] = await a.deps.sql<{ id: number }[]>`
    insert into taguato.users (username, password_hash, api_token) values ('outage_user', 'x', md5(random()::text)) returning id`
  userId = u!.id
  await a.deps.sql`insert into taguato.user_instances (user_id, instance_name) values (${userId}, ${INSTANCE})`
}, 120_000)

afterAll(async () => {
  redis?.thaw()
  for (const r of [a, b]) {
    if (!r) continue
    r.server.closeAllConnections()
    await new Promise<void>((done) => r.server.close(() => done()))
    await r.deps.close().catch(() => undefined)
  }
  await Promise.all([pg?.destroy(), redis?.destroy()])
  upstream?.close()
}, 60_000)

describe('PostgreSQL stopped', () => {
  it('answers 503 Database unavailable with Retry-After fast, says why, and recovers by itself', async () => {
    const { token } = await a.deps.sessions.create(userId, '127.0.0.1', 'vitest')
    expect((await call(a, '/api/templates', token)).status).toBe(200) // warm: the session is cached in Redis
    const send = { number: '595981000001', text: 'during the outage' }
    expect((await call(a, `/message/sendText/${INSTANCE}`, token, 'POST', send)).status).toBe(201) // ownership cached

    await pg.stop()
    for (let i = 0; i < 5; i++) {
      const r = await call(a, '/api/templates', token)
      expect(r.status, JSON.stringify(r.body)).toBe(503)
      expect(r.body).toEqual({ error: 'Database unavailable' })
      expect(Number(r.retryAfter)).toBeGreaterThan(0)
      expect(r.ms).toBeLessThan(2000)
    }
    const sent = await call(a, `/message/sendText/${INSTANCE}`, token, 'POST', send)
    expect(sent.status, JSON.stringify(sent.body)).toBe(201)
    expect(sent.ms).toBeLessThan(2000)
    const ready = await call(a, '/health/ready', '')
    expect(ready.status).toBe(503)
    expect(ready.ms).toBeLessThan(2000)
    expect(ready.body?.db).toBe('disconnected')
    expect(String((ready.body?.reasons as string[])[0])).toMatch(/^database unavailable/)
    expect(JSON.stringify(ready.body)).not.toMatch(/127\.0\.0\.1|:\d{4,5}\b/)

    await pg.start()
    const back = performance.now()
    let status = 0
    while (performance.now() - back < 10_000 && status !== 200) {
      status = (await call(a, '/api/templates', token)).status
      if (status !== 200) await sleep(200)
    }
    expect(status).toBe(200)
    expect(performance.now() - back).toBeLessThan(6000)
    expect((await call(a, '/health/ready', '')).status).toBe(200)
    // Replica B saw the outage too (its background refreshers query PostgreSQL: send pauses, budgets),
    // so it recovers by itself as well, on its own probe.
    let bStatus = 0
    while (performance.now() - back < 15_000 && bStatus !== 200) {
      bStatus = (await call(b, '/health/ready', '')).status
      if (bStatus !== 200) await sleep(200)
    }
    expect(bStatus).toBe(200)
  }, 60_000)
})

describe('Redis frozen (SIGSTOP) for 10 s', () => {
  it('answers within the command timeout and a logout during the freeze holds on every replica', async () => {
    const keep = (await a.deps.sessions.create(userId, '127.0.0.1', 'vitest')).token
    const revoked = (await a.deps.sessions.create(userId, '127.0.0.1', 'vitest')).token
    // Both sessions cached in Redis by replica B before the freeze.
    const warmKeep = await call(b, '/api/templates', keep)
    expect(warmKeep.status, JSON.stringify(warmKeep.body)).toBe(200)
    const warmRevoked = await call(b, '/api/templates', revoked)
    expect(warmRevoked.status, JSON.stringify(warmRevoked.body)).toBe(200)
    expect(await b.deps.redis.get(`taguato:sess:${sha256Hex(revoked)}`)).not.toBeNull()

    redis.freeze()
    const frozenAt = performance.now()
    try {
      const r1 = await call(b, '/api/templates', keep)
      expect(r1.status).toBe(200)
      expect(r1.ms).toBeLessThan(3000)
      const out = await call(a, '/api/auth/logout', revoked, 'POST')
      expect(out.status, JSON.stringify(out.body)).toBe(200)
      expect(out.ms).toBeLessThan(3000)
      // Refused during the freeze as well (replica B reads PostgreSQL when Redis does not answer).
      expect((await call(b, '/api/templates', revoked)).status).toBe(401)
      const ready = await call(a, '/health/ready', '')
      expect(ready.status).toBe(503)
      expect(ready.ms).toBeLessThan(2500)
      expect(ready.body?.redis).toBe('disconnected')
      const r2 = await call(a, '/api/templates', keep)
      expect(r2.status).toBe(200)
      expect(r2.ms).toBeLessThan(3000)
      await sleep(Math.max(0, 10_000 - (performance.now() - frozenAt)))
    } finally {
      redis.thaw()
    }
    // Once Redis answers: refused by both replicas, now and a little later (the tombstone is in Redis).
    for (let i = 0; i < 3; i++) {
      expect((await call(b, '/api/templates', revoked)).status).toBe(401)
      expect((await call(a, '/api/templates', revoked)).status).toBe(401)
      await sleep(1000)
    }
    expect(await b.deps.redis.get(`taguato:sess:${sha256Hex(revoked)}`)).toBe('revoked')
    expect((await call(b, '/api/templates', keep)).status).toBe(200)
  }, 60_000)

  it('a revocation whose replica could not reach Redis is still written by a replica that saw the trouble', async () => {
    const token = (await a.deps.sessions.create(userId, '127.0.0.1', 'vitest')).token
    const hash = sha256Hex(token)
    expect((await call(b, '/api/templates', token)).status).toBe(200) // cached
    // The session is revoked in PostgreSQL by a process that died before it could tell Redis.
    await a.deps.sql`update taguato.sessions set is_active = false, expires_at = now() where token_hash = ${hash}`
    redis.freeze()
    try {
      // Replica B sees Redis fail (and falls back to PostgreSQL: refused).
      expect((await call(b, '/api/templates', token)).status).toBe(401)
    } finally {
      redis.thaw()
    }
    // B's resync, once Redis answers, writes the tombstone from PostgreSQL's record.
    const t = performance.now()
    let value: string | null = null
    while (performance.now() - t < 5000 && value !== 'revoked') {
      value = await b.deps.redis.get(`taguato:sess:${hash}`)
      if (value !== 'revoked') await sleep(200)
    }
    expect(value).toBe('revoked')
  }, 30_000)
})
