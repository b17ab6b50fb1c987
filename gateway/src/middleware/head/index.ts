/**
 * @module middleware/head
 * HEAD answers exactly what GET would, minus the body: Hono already routes a HEAD as its GET, so this
 * outermost middleware only has to finish the job after the whole chain ran (security, CORS and
 * X-Request-ID headers included): it keeps every header, adds the Content-Length the GET's body would
 * have had (Node computes it for GET at write time, so it is not on the Response yet), and drops the body.
 *
 * Why a fresh Response with the runtime's own class: Hono wraps the HEAD result in
 * `new Response(null, res)`, and @hono/node-server's lightweight Response copies the *original* init
 * headers in that case, losing every header a middleware added afterwards (issue 14: `curl -I` showed
 * only Content-Type). A response built from a plain Headers object survives that copy.
 */
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../../env.js'

/** The platform Response (node-server replaces `globalThis.Response` with its lightweight subclass). */
const PlatformResponse: typeof Response = Object.getPrototypeOf(Response) === Function.prototype ? Response : (Object.getPrototypeOf(Response) as typeof Response)

/** The HEAD form of a GET answer: same status and headers, Content-Length of its body, no body. */
export async function headOf(res: Response): Promise<Response> {
  const headers = new Headers(res.headers)
  if (res.body === null) {
    if (!headers.has('content-length') && res.status !== 204 && res.status !== 304) headers.set('content-length', '0')
  } else if (headers.has('content-length')) {
    await res.body.cancel()
  } else {
    headers.set('content-length', String((await res.arrayBuffer()).byteLength))
  }
  return new PlatformResponse(null, { status: res.status, statusText: res.statusText, headers })
}

export const headAsGet = (): MiddlewareHandler<AppEnv> =>
  async function headAsGet(c, next) {
    if (c.req.method !== 'HEAD') return next()
    await next()
    c.res = await headOf(c.res)
  }
