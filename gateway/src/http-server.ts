/**
 * @module http-server
 * The gateway's Node HTTP server: every `POST /message/...` goes to the send pipeline
 * (routes/proxy/fast-send), everything else to the Hono app through
 * @hono/node-server's adapter, with the adapter's usual options. Requests Node's parser refuses are
 * answered by lib/client-error (JSON {error} and X-Request-ID).
 *
 * Slow requests (REQUEST_BODY_TIMEOUT_MS = T): the head must be in within T (Node's headersTimeout);
 * a body is given T from when the gateway starts reading it (middleware/body-limit for chunked bodies,
 * lib/raw-body, the proxy's streamed hop), which answers 408 through the app with every usual header. Node's requestTimeout, 2T + 1 s after the
 * request began, is the backstop for a body nothing reads: Node then emits clientError, answered 408
 * by lib/client-error, and the connection is closed.
 */
import { createAdaptorServer } from '@hono/node-server'
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import type { GatewayApp } from './app.js'
import { answerClientError } from './lib/client-error.js'

export type HttpServerOptions = { requestBodyTimeoutMs?: number }

/** Node's request-timeout options for a body deadline of `t` ms (see the module comment). */
export function requestTimeouts(t: number): Pick<http.ServerOptions, 'headersTimeout' | 'requestTimeout' | 'connectionsCheckingInterval'> {
  return {
    headersTimeout: t,
    // Later than the gateway's own body deadline can fire (head + T), so the app's 408 comes first.
    requestTimeout: 2 * t + 1000,
    // Node checks these timeouts on an interval (30 s by default): fine enough for short test values.
    connectionsCheckingInterval: Math.max(100, Math.min(5000, Math.floor(t / 4))),
  }
}

export function createHttpServer(g: GatewayApp, hostname?: string, opts: HttpServerOptions = {}): http.Server {
  const server = createAdaptorServer({
    fetch: g.app.fetch,
    hostname,
    serverOptions: opts.requestBodyTimeoutMs ? requestTimeouts(opts.requestBodyTimeoutMs) : {},
    createServer: ((options: http.ServerOptions, honoListener: http.RequestListener) =>
      http.createServer(options, (req: IncomingMessage, res: ServerResponse) => {
        if (!g.sendPath(req, res)) honoListener(req, res)
      })) as unknown as typeof http.createServer,
  }) as http.Server
  // Requests Node's parser refuses (unknown method, oversized URL or headers) still get JSON {error}
  // and an X-Request-ID (lib/client-error), not Node's bare status line.
  server.on('clientError', (err: Error & { code?: string }, socket: Duplex) => {
    // A request timeout on a socket whose answer is already being written (a body nothing read, under
    // a streamed answer): a second status line would corrupt it, so the connection is just closed.
    if ((socket as { _httpMessage?: ServerResponse | null })._httpMessage?.headersSent) {
      socket.destroy()
      return
    }
    answerClientError(err, socket)
  })
  return server
}
