/**
 * @module tests/integration/upstream-stall
 * Issue 31, the gateway's upstream hop, on the whole in-process gateway (both send paths) in front of a
 * stub upstream that runs as its own process, so it can be frozen with SIGSTOP:
 *  - an upstream 500 whose body names an internal address reaches the client sanitised (fixed message and
 *    request id), identically on the Node-level send path and the Hono catch-all, and never counts
 *    against the breaker (a well-formed Evolution answer about one request);
 *  - the upstream frozen for STALL_MS under a steady stream of sends: every send is answered within the
 *    send deadline (504 past it, 503 once the breaker is open), the breaker opens within about a second,
 *    /health/ready reports the upstream, and after SIGCONT the breaker closes by itself.
 * Deadlines are small here (UPSTREAM_SEND_TIMEOUT_MS=1500, BREAKER_SLOW_CALL_MS=500).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BreakerState } from '../../gateway/src/services/breaker/breaker.js'
import { startTestGateway, type TestGateway } from '../support/gateway.js'

const STALL_MS = 20_000
const SEND_DEADLINE_MS = 1500
/** Scheduling and loopback slack over the deadline for one answer (a 2-core machine under load). */
const SLACK_MS = 700
const INSTANCE = 'stall-inst'

/** The stub upstream: 201 for a send, an Evolution 500 naming an internal address for text "boom500". */
const STUB = `
const http = require('node:http')
const server = http.createServer((req, res) => {
  const chunks = []
  req.on('data', (c) => chunks.push(c))
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString()
    if (body.includes('boom500')) {
      res.writeHead(500, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ status: 500, error: 'Internal Server Error', response: { message: ['connect ECONNREFUSED 127.0.0.1:1234'] } }))
      return
    }
    res.writeHead(201, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ key: { id: '3EB0STALL', remoteJid: '1@s.whatsapp.net', fromMe: true }, status: 'PENDING' }))
  })
})
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'))
`

let stub: ChildProcess
let gw: TestGateway
const states: BreakerState[] = []

beforeAll(async () => {
  stub = spawn(process.execPath, ['-e', STUB], { stdio: ['ignore', 'pipe', 'inherit'] })
  const [chunk] = (await once(stub.stdout!, 'data')) as [Buffer]
  gw = await startTestGateway({
    upstreamUrl: `http://127.0.0.1:${chunk.toString().trim()}`,
    apiKey: 'stall-test-key-0123456789',
    instance: INSTANCE,
    username: 'stall',
    lockKey: 727_310,
    env: {
      RATE_LIMIT_DEFAULT: '100000',
      MESSAGE_IP_RATE: '0',
      UPSTREAM_SEND_TIMEOUT_MS: String(SEND_DEADLINE_MS),
      UPSTREAM_TIMEOUT_MS: '30000',
      BREAKER_SLOW_CALL_MS: '500',
      BREAKER_THRESHOLD: '3',
      BREAKER_RESET_SECONDS: '1',
    },
  })
  gw.deps.breaker.onStateChange((s) => states.push(s))
}, 30_000)

afterAll(async () => {
  if (stub?.pid) {
    stub.kill('SIGCONT')
    stub.kill('SIGKILL')
  }
  await gw?.close()
})

/** One send; `hono` percent-encodes the instance so the Node-level send path declines it. */
async function send(text: string, hono = false): Promise<{ status: number; ms: number; body: string; requestId: string | null; contentType: string | null }> {
  const t0 = performance.now()
  const instance = hono ? INSTANCE.replace('-', '%2D') : INSTANCE
  const res = await fetch(`${gw.base}/message/sendText/${instance}`, {
    method: 'POST',
    headers: { apikey: gw.token, 'content-type': 'application/json' },
    body: JSON.stringify({ number: '595981123456', text }),
  })
  const body = await res.text()
  return { status: res.status, ms: performance.now() - t0, body, requestId: res.headers.get('x-request-id'), contentType: res.headers.get('content-type') }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('the upstream hop under a 5xx and a stall', () => {
  it('an upstream 500 naming an internal address is sanitised alike on both send paths, and does not count', async () => {
    expect((await send('warm')).status).toBe(201)
    for (const hono of [false, true]) {
      for (let i = 0; i < 4; i++) {
        const r = await send('boom500', hono)
        expect(r.status).toBe(500)
        expect(r.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|1234/)
        expect(r.contentType).toMatch(/^application\/json/)
        expect(JSON.parse(r.body)).toEqual({ status: 500, error: 'Internal Server Error', response: { message: [`Upstream error (request ${r.requestId})`] } })
      }
    }
    expect(gw.deps.breaker.state()).toBe('closed')
    expect(gw.deps.breaker.stats().consecutiveFailures).toBe(0)
  })

  it(`upstream frozen ${STALL_MS / 1000} s under sends: every answer within the send deadline, breaker open, closed after SIGCONT`, async () => {
    expect((await send('before')).status).toBe(201)
    states.length = 0
    stub.kill('SIGSTOP')
    const stoppedAt = performance.now()
    const answers: Promise<Awaited<ReturnType<typeof send>>>[] = []
    let ready: { upstream?: string } | undefined
    let n = 0
    while (performance.now() - stoppedAt < STALL_MS) {
      answers.push(send(`stalled ${n}`, n % 2 === 1))
      n += 1
      if (ready === undefined && performance.now() - stoppedAt > 1000) ready = (await (await fetch(`${gw.base}/health/ready`)).json()) as { upstream?: string }
      await sleep(200)
    }
    const during = await Promise.all(answers)
    const duringStall = [...states]
    stub.kill('SIGCONT')
    // After SIGCONT: the next half-open probe succeeds and the breaker closes by itself.
    let after = 0
    const resumedAt = performance.now()
    while (performance.now() - resumedAt < 10_000) {
      after = (await send('after')).status
      if (after === 201) break
      await sleep(250)
    }

    expect(duringStall).toContain('open')
    expect(duringStall).not.toContain('closed') // no probe "succeeded" while the upstream was frozen
    expect(ready?.upstream).toMatch(/^(stalled|unavailable)$/)
    const statuses = new Set(during.map((a) => a.status))
    expect([...statuses].every((s) => s === 503 || s === 504)).toBe(true)
    expect(statuses.has(503)).toBe(true) // the breaker answered most of them at once
    const slowest = Math.max(...during.map((a) => a.ms))
    expect(slowest).toBeLessThan(SEND_DEADLINE_MS + SLACK_MS)
    expect(after).toBe(201)
    expect(gw.deps.breaker.state()).toBe('closed')
    console.log(`stall: ${during.length} sends, statuses ${[...statuses].join('/')}, slowest ${Math.round(slowest)} ms; breaker ${states.join(' -> ')}`)
  }, STALL_MS + 30_000)
})
