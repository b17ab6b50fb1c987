/**
 * @module http-server
 * The gateway's Node HTTP server: well-formed sends go to the Node-level send path
 * (routes/proxy/fast-send), everything else (and any send it declines) to the Hono app through
 * @hono/node-server's adapter, with the adapter's usual options.
 */
import { createAdaptorServer } from '@hono/node-server'
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import type { GatewayApp } from './app.js'

export function createHttpServer(g: GatewayApp, hostname?: string): http.Server {
  return createAdaptorServer({
    fetch: g.app.fetch,
    hostname,
    createServer: ((options: http.ServerOptions, honoListener: http.RequestListener) =>
      http.createServer(options, (req: IncomingMessage, res: ServerResponse) => {
        if (!g.sendPath(req, res)) honoListener(req, res)
      })) as unknown as typeof http.createServer,
  }) as http.Server
}
