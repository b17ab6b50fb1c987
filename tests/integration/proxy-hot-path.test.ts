/**
 * @module tests/integration/proxy-hot-path
 * The hot-path budget of an authenticated proxied send, measured on real Postgres and Redis: on a
 * warm path no Postgres query runs on the request path (only the deferred message-log batch), the
 * Redis commands before the hop (session GET + limiter EVALSHA) are all written before the first Redis
 * reply arrives (one round trip), and the send's log row costs one more (its RPUSH, awaited after the
 * upstream answered so the row is durable before the answer: services/message-log). Counted at the
 * socket level (net.Socket.write); the log's background flusher is stopped so it does not count.
 */
import http from 'node:http'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Deps } from '../../gateway/src/deps.js'
import { messageLogPrefix } from '../../gateway/src/services/message-log/message-log.js'
import { sendControls } from '../../gateway/src/services/send-budget/controls.js'
import { saveSendSettings } from '../../gateway/src/db/queries/send-settings.js'
import type { TestDatabase } from '../support/db.js'
import { startTestGateway, TEST_REDIS_URL as REDIS_URL, type TestGateway } from '../support/gateway.js'

let gw: TestGateway
let db: TestDatabase
let deps: Deps
let upstream: http.Server
let base = ''
let token = ''

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      res.writeHead(201, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ key: { id: '3EB0HOTPATH', remoteJid: '1@s.whatsapp.net', fromMe: true }, status: 'PENDING' }))
    })
  })
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r))
  gw = await startTestGateway({
    upstreamUrl: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
    apiKey: 'hot-path-test-key-0123456789',
    instance: 'hot-inst',
    username: 'hot',
    lockKey: 727_000,
    // Off: this file sends more than the per-IP burst from one address (0 disables it).
    // Send budgets on (services/send-budget), high enough never to refuse: the budgeted path is measured too.
    env: { RATE_LIMIT_DEFAULT: '1000', MESSAGE_IP_RATE: '0', SEND_BUDGET_PER_MINUTE: '100000', SEND_BUDGET_NEW_RECIPIENTS_PER_DAY: '100000' },
  })
  ;({ db, deps, base, token } = gw)
  deps.messageLog.stop()
})

afterAll(async () => {
  await gw?.close()
  upstream?.close()
})

type Trace = { pg: number; redisWrites: number; redisReadsBeforeLastWrite: number; redisRoundTrips: number }

/** Counts socket writes to Postgres and Redis (and Redis replies seen before the last Redis write). */
async function traced(fn: () => Promise<void>): Promise<Trace> {
  const pgPort = Number(new URL(db.url).port || 5432)
  const redisPort = Number(new URL(REDIS_URL).port || 6379)
  const t: Trace = { pg: 0, redisWrites: 0, redisReadsBeforeLastWrite: 0, redisRoundTrips: 0 }
  let redisReads = 0
  let readSinceWrite = true
  const write = net.Socket.prototype.write
  const emit = net.Socket.prototype.emit
  net.Socket.prototype.write = function (this: net.Socket, ...args: unknown[]) {
    if (this.remotePort === pgPort) t.pg += 1
    if (this.remotePort === redisPort) {
      t.redisWrites += 1
      t.redisReadsBeforeLastWrite = redisReads
      if (readSinceWrite) t.redisRoundTrips += 1
      readSinceWrite = false
    }
    return (write as (...a: unknown[]) => boolean).apply(this, args)
  } as typeof write
  net.Socket.prototype.emit = function (this: net.Socket, event: string, ...args: unknown[]) {
    if (event === 'data' && this.remotePort === redisPort) {
      redisReads += 1
      readSinceWrite = true
    }
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

/** Stores the instance's send settings and reloads them (twice: a reload in flight may predate the write). */
async function budgets(p: { per_minute: number | null; new_recipients_per_day: number | null }): Promise<void> {
  await saveSendSettings(deps.sql, 'hot-inst', p)
  sendControls(deps).get('hot-inst')
  await sendControls(deps).refresh()
  await sendControls(deps).refresh()
}

describe('proxied send hot path', () => {
  it('warm: no Postgres query on the request path; Redis: one round trip before the hop, one for the log row', async () => {
    // This instance without budgets (0 = unlimited): the budget check costs nothing.
    await budgets({ per_minute: 0, new_recipients_per_day: 0 })
    for (let i = 0; i < 2; i++) expect((await send()).status).toBe(201) // warms session, hints, ownership cache, sockets
    await deps.messageLog.flush()
    const t = await traced(async () => {
      const res = await send()
      expect(res.status).toBe(201)
      await res.text()
    })
    expect(t.pg).toBe(0)
    expect(t.redisWrites).toBeGreaterThanOrEqual(2)
    expect(t.redisRoundTrips).toBe(2)
    const logged = await traced(() => deps.messageLog.flush())
    expect(logged.pg).toBeGreaterThanOrEqual(1) // the one deferred batch insert
    console.log(`hot path: pg queries ${t.pg}, redis writes ${t.redisWrites} in ${t.redisRoundTrips} round trips; log flush pg writes ${logged.pg}`)
  })

  it('with send budgets: one more Redis round trip (the budget script, before the hop), still no Postgres query', async () => {
    await budgets({ per_minute: null, new_recipients_per_day: null })
    for (let i = 0; i < 2; i++) expect((await send()).status).toBe(201)
    await deps.messageLog.flush()
    const t = await traced(async () => {
      const res = await send()
      expect(res.status).toBe(201)
      await res.text()
    })
    expect(t.pg).toBe(0)
    expect(t.redisRoundTrips).toBe(3)
  })

  it('the send\'s log row is durable (in the Redis buffer) by the time its answer arrives', async () => {
    await deps.messageLog.flush()
    const key = `${messageLogPrefix(db.url)}:rows`
    expect(await deps.redis.llen(key)).toBe(0)
    const res = await send()
    expect(res.status).toBe(201)
    // The flusher is stopped: were the process killed now, the row would still be in Redis.
    const [line] = await deps.redis.lrange(key, 0, -1)
    expect(JSON.parse(line!)).toMatchObject({ instance_name: 'hot-inst', phone_number: '595981123456', status: 'sent', wa_message_id: '3EB0HOTPATH' })
    await deps.messageLog.flush()
    expect(await deps.redis.llen(key)).toBe(0)
  })

  // Every spelling of a send answers alike: a percent-encoded path (once Hono's, now the same send
  // pipeline, routes/proxy/fast-send.ts) gets the plain path's status, body and headers.
  const both = async (apikey: string | null, instance = 'hot-inst') => {
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (apikey !== null) headers.apikey = apikey
    const body = JSON.stringify({ number: '595981123456', text: 'same' })
    const encoded = instance.replace(/-/g, '%2D')
    expect(encoded).not.toBe(instance)
    const fast = await fetch(`${base}/message/sendText/${instance}`, { method: 'POST', headers, body })
    const hono = await fetch(`${base}/message/sendText/${encoded}`, { method: 'POST', headers, body })
    type Shape = { status: number; names: string[]; contentType: string | null; error: unknown; limited: boolean }
    const shape = async (r: Response): Promise<Shape> => {
      const names: string[] = []
      r.headers.forEach((_v, k) => {
        if (!['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding'].includes(k)) names.push(k)
      })
      names.sort()
      const json = (await r.json()) as Record<string, unknown>
      const remaining = r.headers.get('x-ratelimit-remaining')
      return { status: r.status, names, contentType: r.headers.get('content-type'), error: json.error ?? null, limited: remaining !== null }
    }
    return { fast: await shape(fast), hono: await shape(hono) }
  }

  const cases: [string, () => string | null, string][] = [
    ['a send', () => token, 'hot-inst'],
    ['no apikey (401)', () => null, 'hot-inst'],
    ['an unknown token (401)', () => 'not-a-session-token', 'hot-inst'],
    ['an instance the caller does not own (403)', () => token, 'not-mine-inst'],
  ]
  it.each(cases)('the send path and the Hono catch-all answer %s alike: status, body, headers', async (_name, key, instance) => {
    const { fast, hono } = await both(key(), instance)
    expect(fast).toEqual(hono)
    if (fast.status >= 400) expect(fast.error).toEqual(expect.any(String))
  })
})
