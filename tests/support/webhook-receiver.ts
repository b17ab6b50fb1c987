/**
 * @module tests/support/webhook-receiver
 * A tiny HTTP sink for webhook tests: `npx tsx tests/support/webhook-receiver.ts <out.jsonl> <port-file>
 * [status] [port]` listens on 127.0.0.1 (a free port unless `port` is given; written to <port-file>), answers every request with
 * `status` (default 200), and appends one JSON line per request: {method, path, headers, body}, body
 * being the raw text exactly as received (so a test can recompute its HMAC).
 */
import { appendFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'

const [out, portFile, status = '200', port = '0'] = process.argv.slice(2)
if (!out || !portFile) {
  process.stderr.write('usage: webhook-receiver.ts <out.jsonl> <port-file> [status] [port]\n')
  process.exit(2)
}
// Appends when given a port: a receiver restarted on the same port keeps the earlier lines.
if (port === '0') writeFileSync(out, '')

const server = createServer((req, res) => {
  const chunks: Buffer[] = []
  req.on('data', (c: Buffer) => chunks.push(c))
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8')
    appendFileSync(out, `${JSON.stringify({ method: req.method, path: req.url, headers: req.headers, body })}\n`)
    res.writeHead(Number(status), { 'content-type': 'application/json' }).end('{"ok":true}')
  })
})
server.listen(Number(port), '127.0.0.1', () => {
  const addr = server.address()
  if (addr && typeof addr === 'object') writeFileSync(portFile, String(addr.port))
})
for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => server.close(() => process.exit(0)))
