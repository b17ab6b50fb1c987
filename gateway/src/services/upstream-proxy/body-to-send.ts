/**
 * @module services/upstream-proxy/body-to-send
 * What body a proxied request sends upstream (see bodyToSend).
 */
import type { IncomingHttpHeaders } from 'node:http'

/** A proxied request's body: buffered, a web stream (already read by the body-limit layer), or nothing. */
export type HopBody = Buffer | ReadableStream<Uint8Array> | null

/**
 * The body as it must go upstream; call before the client's headers are stripped. A request that
 * declared no body (no Transfer-Encoding, no or zero Content-Length: `curl -X DELETE`) sends none, even
 * though the Node adapter hands out an (empty) stream for it. DELETE and OPTIONS bodies are buffered:
 * http-proxy-3 forces `Content-Length: 0` on those methods when the client sent none, which next to a
 * chunked body made a request the upstream's HTTP parser refused with an empty 400.
 */
export async function bodyToSend(body: HopBody, headers: IncomingHttpHeaders, method: string): Promise<HopBody> {
  if (body === null || Buffer.isBuffer(body)) return body
  const declared = headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0
  if (!declared) {
    await body.cancel().catch(() => undefined)
    return null
  }
  if (method !== 'DELETE' && method !== 'OPTIONS') return body
  return Buffer.from(await new Response(body).arrayBuffer())
}
