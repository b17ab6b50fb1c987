/**
 * @module services/upstream-proxy/timed-agent
 * The keep-alive agent of the upstream hop, with the connect and read timeouts on its sockets.
 */
import http from 'node:http'
import https from 'node:https'
import type { Socket } from 'node:net'
import { UpstreamError } from '../upstream-client/upstream-client.js'

/**
 * The hop's timeouts, armed once per upstream socket instead of once per request (issue 16: a
 * request's timeout listeners and timers were a measurable share of a send's CPU):
 *  - connect: only while the socket connects (a reused keep-alive socket is connected already);
 *  - read (idle), as nginx's proxy_read_timeout: the socket's own idle timer, which the agent keeps at
 *    `timeout` while the socket serves a request and while it waits in the pool. It fires after that
 *    long without a byte either way: on a busy socket the request fails with UpstreamError('timeout')
 *    (the 504), an idle pooled socket is simply closed.
 */
function armSocketTimeouts(socket: Socket, connectMs: number, readMs: number): void {
  socket.on('timeout', () => socket.destroy(new UpstreamError('timeout', `upstream read timeout after ${readMs} ms`)))
  if (!socket.connecting) return
  const t = setTimeout(() => socket.destroy(new UpstreamError('timeout', `upstream connect timeout after ${connectMs} ms`)), connectMs)
  socket.once('connect', () => clearTimeout(t))
  socket.once('close', () => clearTimeout(t))
}

/** A keep-alive agent whose sockets carry the hop's timeouts (armSocketTimeouts). */
export function timedAgent(https_: boolean, connectMs: number, readMs: number): http.Agent {
  const Agent = https_ ? https.Agent : http.Agent
  // `timeout` is each socket's idle timeout, in use and in the pool alike.
  const agent = new Agent({ keepAlive: true, maxSockets: 512, maxFreeSockets: 64, scheduling: 'lifo', timeout: readMs })
  const create = agent.createConnection.bind(agent) as (o: object, cb?: (err: Error | null, s?: Socket) => void) => Socket | undefined
  agent.createConnection = ((o: object, cb?: (err: Error | null, s?: Socket) => void) => {
    const socket = create(o, cb)
    if (socket) armSocketTimeouts(socket, connectMs, readMs)
    return socket
  }) as typeof agent.createConnection
  // A pooled socket's idle timer may have been shortened to the server's Keep-Alive hint (Node does
  // that for the pool): a request gets the full read timeout back.
  const reuse = agent.reuseSocket.bind(agent)
  agent.reuseSocket = (socket: Socket, req: http.ClientRequest) => {
    if (socket.timeout !== readMs) socket.setTimeout(readMs)
    reuse(socket, req)
  }
  return agent
}
