/**
 * @module scripts/bench/minimal-checked-proxy
 * The benchmark's second yardstick, (m): the bare proxy plus only what any gateway with our contract
 * must do per send, hand-written with nothing else: SHA-256 of the apikey, one auto-pipelined Redis
 * round trip (session GET + the fixed-window limiter script the gateway uses), the body parsed as JSON,
 * the answer buffered and parsed (message id), one pino line per request to a file. No ownership,
 * breaker, message log, metrics or framework. (b) / (m) is what the gateway's structure costs; (m) / (n)
 * is the floor that a shared per-user limit and a request log put under any design on this machine.
 *   BENCH_PORT=<port> BENCH_TARGET=<url> BENCH_REDIS_URL=<url> BENCH_TOKEN=<apikey> BENCH_LOG=<file>
 */
import crypto from 'node:crypto'
import http from 'node:http'
import { Redis } from 'ioredis'
import { pino } from 'pino'
import { startCpuProfile } from './cpu-profile.js'

// `npm run bench -- --cpu-prof` profiles this process too, for a side-by-side with the gateway's profile.
if (process.env.BENCH_CPU_PROFILE === '1') startCpuProfile('minimal')

const port = Number(process.env.BENCH_PORT ?? 0)
const target = new URL(process.env.BENCH_TARGET ?? 'http://127.0.0.1:8081')
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 })
const redis = new Redis(process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379', { enableAutoPipelining: true })
const log = pino({ level: 'info' }, pino.destination({ dest: process.env.BENCH_LOG ?? '/dev/null', sync: false }))
const LIMIT_SCRIPT = `redis.call('set', KEYS[1], 0, 'EX', ARGV[2], 'NX')
local consumed = redis.call('incrby', KEYS[1], ARGV[1])
return {consumed, redis.call('pttl', KEYS[1])}`
const SESSION_PREFIX = 'bench:minimal:session:'
const sha = crypto.createHash('sha1').update(LIMIT_SCRIPT).digest('hex')
await redis.script('LOAD', LIMIT_SCRIPT)
const hash = (t: string) => crypto.createHash('sha256').update(t).digest('hex')
await redis.set(SESSION_PREFIX + hash(process.env.BENCH_TOKEN ?? ''), JSON.stringify({ id: 1, role: 'user', is_active: true, rate_limit: 1_000_000_000 }), 'EX', 3600)

function json(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
  res.end(body)
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/') return json(res, 200, '{"ok":true}')
  const chunks: Buffer[] = []
  req.on('data', (c: Buffer) => chunks.push(c))
  req.on('end', async () => {
    const started = performance.now()
    const body = Buffer.concat(chunks)
    const requestId = crypto.randomUUID()
    const token = req.headers.apikey
    if (typeof token !== 'string') return json(res, 401, '{"error":"Missing apikey"}')
    const [session, limit] = await Promise.all([
      redis.get(SESSION_PREFIX + hash(token)),
      redis.evalsha(sha, 1, 'bench:minimal:rl:1', '1', '60') as Promise<[number, number]>,
    ])
    if (!session) return json(res, 401, '{"error":"Invalid or expired session"}')
    const user = JSON.parse(session) as { id: number; rate_limit: number }
    if (limit[0] > user.rate_limit) return json(res, 429, '{"error":"Rate limit exceeded"}')
    JSON.parse(body.toString('utf8'))
    const up = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, agent, headers: { 'content-type': 'application/json', 'content-length': body.length, 'x-request-id': requestId } },
      (ur) => {
        const rc: Buffer[] = []
        ur.on('data', (c: Buffer) => rc.push(c))
        ur.on('end', () => {
          const answer = Buffer.concat(rc)
          JSON.parse(answer.toString('utf8'))
          const status = ur.statusCode ?? 502
          res.writeHead(status, { 'content-type': 'application/json', 'content-length': answer.length, 'x-request-id': requestId, 'x-ratelimit-remaining': String(user.rate_limit - limit[0]) })
          res.end(answer)
          log.info({ reqId: requestId, method: req.method, path: req.url, status, ms: performance.now() - started, userId: user.id }, 'request')
        })
      },
    )
    up.on('error', () => json(res, 502, '{"error":"Bad gateway"}'))
    up.end(body)
  })
})
server.keepAliveTimeout = 65_000
server.listen(port, '127.0.0.1', () => {
  const addr = server.address()
  process.stdout.write(`listening ${typeof addr === 'object' && addr ? addr.port : port}\n`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
