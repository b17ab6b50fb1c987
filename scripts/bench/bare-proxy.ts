/**
 * @module scripts/bench/bare-proxy
 * The benchmark's yardstick: a plain node:http keep-alive reverse proxy with no checks at all (no auth,
 * no limits, no logging). Whatever the gateway costs beyond this is the price of its checks.
 *   BENCH_PORT=<port> BENCH_TARGET=<url> node --import tsx scripts/bench/bare-proxy.ts
 */
import http from 'node:http'

const port = Number(process.env.BENCH_PORT ?? 0)
const target = new URL(process.env.BENCH_TARGET ?? 'http://127.0.0.1:8081')
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 })

const server = http.createServer((req, res) => {
  const up = http.request(
    { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host }, agent },
    (ur) => {
      res.writeHead(ur.statusCode ?? 502, ur.headers)
      ur.pipe(res)
    },
  )
  up.on('error', () => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' })
    res.end('{"error":"Bad gateway"}')
  })
  req.pipe(up)
})
server.keepAliveTimeout = 65_000
server.listen(port, '127.0.0.1', () => {
  const addr = server.address()
  process.stdout.write(`listening ${typeof addr === 'object' && addr ? addr.port : port}\n`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
