/**
 * @module scripts/bench/responder
 * The fastest possible "upstream" for the benchmark: answers every request at once with Evolution v2's
 * sendText shape (201), so what the benchmark measures is the gateway, not the WhatsApp sender.
 *   BENCH_PORT=<port> node --import tsx scripts/bench/responder.ts
 */
import http from 'node:http'

const port = Number(process.env.BENCH_PORT ?? 0)
let n = 0

const server = http.createServer((req, res) => {
  // Drain the request body before answering so keep-alive sockets stay reusable.
  req.resume()
  req.on('end', () => {
    if (req.method === 'GET' && req.url === '/') {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{"status":200,"message":"Welcome to the Evolution API, it is working!","version":"2.3.7"}')
      return
    }
    const id = `BENCH${(n++).toString(16).toUpperCase().padStart(12, '0')}`
    const body = `{"key":{"remoteJid":"595981000000@s.whatsapp.net","fromMe":true,"id":"${id}"},"pushName":"","status":"PENDING","message":{"conversation":"bench"},"messageType":"conversation","messageTimestamp":${Math.floor(Date.now() / 1000)},"instanceId":"bench","source":"unknown"}`
    res.writeHead(201, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) })
    res.end(body)
  })
})
server.keepAliveTimeout = 65_000
server.listen(port, '127.0.0.1', () => {
  const addr = server.address()
  process.stdout.write(`listening ${typeof addr === 'object' && addr ? addr.port : port}\n`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
