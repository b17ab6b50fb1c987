/**
 * @module tests/support/media-host
 * A media host for the outbound-guard tests: `node --import tsx tests/support/media-host.ts <out.jsonl>
 * <port-file>` listens on a free 127.0.0.1 port (written to <port-file>). `GET /redirect?to=<url>`
 * answers 302 to <url>; any other path answers 200 with the bytes `media:<path>`. Every request is
 * appended to <out.jsonl> as {method, path}.
 */
import { appendFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'

const [out, portFile] = process.argv.slice(2)
if (!out || !portFile) {
  process.stderr.write('usage: media-host.ts <out.jsonl> <port-file>\n')
  process.exit(2)
}
writeFileSync(out, '')

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://media-host')
  appendFileSync(out, `${JSON.stringify({ method: req.method, path: req.url })}\n`)
  const to = url.searchParams.get('to')
  if (url.pathname === '/redirect' && to) return res.writeHead(302, { location: to }).end()
  res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(`media:${url.pathname}`)
})
server.listen(0, '127.0.0.1', () => {
  const addr = server.address()
  if (addr && typeof addr === 'object') writeFileSync(portFile, String(addr.port))
})
for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => server.close(() => process.exit(0)))
