/**
 * @module tests/fuzz/raw-http
 * Sends one request byte for byte with node:http (fetch would re-encode invalid UTF-8, merge duplicate
 * keys and refuse some methods), and reads the whole answer.
 */
import http from 'node:http'

export type RawRequest = {
  method: string
  /** Path plus query string, already percent-encoded (bytes outside ASCII are %XX). */
  target: string
  headers: Record<string, string>
  body?: Buffer
}

export type RawResponse = { status: number; headers: http.IncomingHttpHeaders; body: Buffer }

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 })

export function send(base: URL, req: RawRequest, timeoutMs = 30_000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...req.headers }
    if (req.body) headers['content-length'] = String(req.body.length)
    const r = http.request(
      { agent, host: base.hostname, port: base.port, method: req.method, path: req.target, headers, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
        res.on('error', reject)
      },
    )
    r.on('timeout', () => r.destroy(new Error(`no answer within ${timeoutMs} ms`)))
    r.on('error', reject)
    r.end(req.body)
  })
}

export function closeConnections(): void {
  agent.destroy()
}
