/**
 * @module routes/proxy/connection-state
 * GET /instance/connectionState/{name} of a paused instance (services/send-pauses): the upstream's
 * answer `{instance:{instanceName, state}}` gains `instance.sendingPaused: {reason, signal, code, since}`.
 * Only while paused, so every other answer stays byte for byte the upstream's (Evolution clients see
 * nothing new); the connection itself may well be open: a pause stops sends, not the session.
 */
import type { Context } from 'hono'
import type { AppEnv } from '../../env.js'
import type { Pause } from '../../services/send-pauses/index.js'
import { hop, parseJson, relay } from './forward.js'
import type { UpstreamPath } from './upstream-path.js'

/** True for GET /instance/connectionState/{name} (any case of the action). */
export function isConnectionState(method: string, segments: readonly string[]): boolean {
  return method === 'GET' && segments[0]?.toLowerCase() === 'instance' && segments[1]?.toLowerCase() === 'connectionstate'
}

/** The answer with the pause added (a failure or an unexpected shape is relayed as is). */
export async function connectionStateWithPause(c: Context<AppEnv>, target: UpstreamPath, pause: Pause): Promise<Response> {
  const res = await hop(c, { url: target.forwardUrl, body: null, bufferResponse: true, extraHeaders: { 'accept-encoding': 'identity' } })
  const body = parseJson(res.body)
  const inner = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>).instance : undefined
  if (res.status >= 400 || !inner || typeof inner !== 'object' || Array.isArray(inner)) return relay(c, res)
  const sendingPaused = { reason: pause.reason, signal: pause.signal, code: pause.code, since: pause.since }
  return c.json({ ...(body as Record<string, unknown>), instance: { ...(inner as Record<string, unknown>), sendingPaused } }, res.status as 200)
}
