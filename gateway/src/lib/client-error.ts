/**
 * @module lib/client-error
 * What the gateway answers when Node's HTTP parser refuses a request before any handler sees it (a
 * method it does not know, a URL or headers over the header size limit, a malformed request line).
 * Node's default is a bare status line with no body; D10 (docs/decisions.md#d10)/D15 want JSON `{error}` and an X-Request-ID on
 * every answer, so this writes one by hand (the connection is closed after it: the parser state is lost).
 */
import { randomUUID } from 'node:crypto'
import type { Duplex } from 'node:stream'
import { REQUEST_ID_HEADER, SECURITY_HEADERS } from './response-headers.js'

/** Parser error code -> status and message (what Node itself would have sent, plus a body). */
function statusFor(code: string | undefined): [number, string, string] {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return [431, 'Request Header Fields Too Large', 'Request header fields too large']
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return [413, 'Payload Too Large', 'Request body too large']
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [408, 'Request Timeout', 'Request timeout']
    default:
      return [400, 'Bad Request', 'Bad request']
  }
}

/** The raw HTTP/1.1 answer to a request the parser refused (a HEAD request gets the headers only). */
export function clientErrorResponse(code: string | undefined, head = false, requestId: string = randomUUID()): string {
  const [status, reason, message] = statusFor(code)
  const body = JSON.stringify({ error: message })
  const headers = [
    `HTTP/1.1 ${status} ${reason}`,
    'content-type: application/json',
    `content-length: ${Buffer.byteLength(body)}`,
    `${REQUEST_ID_HEADER}: ${requestId}`,
    ...Object.entries(SECURITY_HEADERS).map(([k, v]) => `${k}: ${v}`),
    'connection: close',
  ]
  return `${headers.join('\r\n')}\r\n\r\n${head ? '' : body}`
}

/** `server.on('clientError', ...)`: answer when the socket can still take it, then close it. */
export function answerClientError(err: Error & { code?: string; rawPacket?: Buffer }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy()
    return
  }
  // The request line may be all the parser kept; a HEAD client must not be sent a body.
  const head = err.rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD '
  socket.end(clientErrorResponse(err.code, head))
}
