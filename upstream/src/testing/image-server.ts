// A loopback HTTP server for picture tests: `/me.png` answers a 1x1 PNG (PNG_1X1), anything else bytes that are
// not an image; `served` lists the paths asked for.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A 1x1 PNG, as base64. */
export const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='

export async function startImageServer() {
  const served: string[] = []
  const server = createServer((req, res) => {
    served.push(req.url ?? '')
    res.end(req.url === '/me.png' ? Buffer.from(PNG_1X1, 'base64') : Buffer.from('not an image'))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
