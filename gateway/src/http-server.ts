/**
 * @module http-server
 * The gateway's Node HTTP server: well-formed sends go to the Node-level send path
 * (routes/proxy/fast-send), everything else (and any send it declines) to the Hono app through
 * @hono/node-server's adapter, with the adapter's usual options. Requests Node's parser refuses are
 * answered by lib/client-error (JSON {error} and X-Request-ID).
 */
import { createAdaptorServer } from '@hono/node-server'
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import type { GatewayApp } from './app.js'
import { answerClientError } from './lib/client-error.js'

export function createHttpServer(g: GatewayApp, hostname?: string): http.Server {
  const server = createAdaptorServer({
    fetch: g.app.fetch,
    hostname,
    createServer: ((options: http.ServerOptions, honoListener: http.RequestListener) =>
      http.createServer(options, (req: IncomingMessage, res: ServerResponse) => {
        if (!g.sendPath(req, res)) honoListener(req, res)
      })) as unknown as typeof http.createServer,
  }) as http.Server
  // Requests Node's parser refuses (unknown method, oversized URL or headers) still get JSON {error}
  // and an X-Request-ID (lib/client-error), not Node's bare status line.
  server.on('clientError', answerClientError)
  return server
}
